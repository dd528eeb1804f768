// SQL of the dump import (see dump_load.h).
#include "model/dump_load.h"

namespace vidjil::model {

std::vector<std::string> database_tables(db::Connection& db) {
    std::vector<std::string> out;
    for (const auto& r : db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                                  "AND table_type = 'BASE TABLE' ORDER BY table_name"))
        out.push_back(r.str(0));
    return out;
}

bool table_has_rows(db::Connection& db, const std::string& table) {
    if (!db::is_plain_identifier(table)) throw db::Error("unexpected table name");
    return db.query_one("SELECT 1 FROM `" + table + "` LIMIT 1").has_value();
}

std::vector<std::string> table_column_list(db::Connection& db, const std::string& table) {
    std::vector<std::string> out;
    // Generated columns (sql/058's sample_set_grant, sql/062's name keys) are computed by the
    // server: never written, so never a column to load or copy.
    for (const auto& r : db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() "
                                  "AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position",
                                  {table}))
        out.push_back(r.str(0));
    return out;
}

std::set<std::string> table_columns(db::Connection& db, const std::string& table) {
    std::vector<std::string> list = table_column_list(db, table);
    return std::set<std::string>(list.begin(), list.end());
}

void insert_rows(db::Connection& db, const std::string& table, const std::vector<std::string>& columns,
                 const std::vector<std::vector<std::optional<std::string>>>& rows) {
    if (rows.empty()) return;
    if (!db::is_plain_identifier(table)) throw db::Error("unexpected table name");
    std::string sql = "INSERT INTO `" + table + "` (";
    std::string one = "(";
    for (size_t i = 0; i < columns.size(); ++i) {
        if (!db::is_plain_identifier(columns[i])) throw db::Error("unexpected column name");
        sql += (i ? ", `" : "`") + columns[i] + "`";
        one += i ? ", ?" : "?";
    }
    one += ")";
    sql += ") VALUES ";
    db::Params params;
    params.reserve(rows.size() * columns.size());
    for (size_t r = 0; r < rows.size(); ++r) {
        sql += r ? ", " + one : one;
        for (const auto& v : rows[r]) params.emplace_back(v);
    }
    db.exec(sql, params);
}

void set_foreign_key_checks(db::Connection& db, bool on) {
    db.exec_raw(on ? "SET SESSION FOREIGN_KEY_CHECKS = 1" : "SET SESSION FOREIGN_KEY_CHECKS = 0");
}

}  // namespace vidjil::model
