// SQL of the migrator (see migrator_rows.h).
#include "model/migrator_rows.h"

#include "model/acl.h"
#include "model/dump_load.h"

namespace vidjil::model {

namespace {

void check_table(const std::string& table) {
    if (!migrator_table(table)) throw db::Error("unexpected table name " + table);
}

void check_column(db::Connection& db, const std::string& table, const std::string& column) {
    if (!db::is_plain_identifier(column) || !columns_of(db, table).count(column)) throw db::Error("unexpected column " + column);
}
}  // namespace

bool migrator_table(const std::string& t) {
    static const std::set<std::string> tables = {
        "patient",  "run",        "generic",       "sample_set",      "sequence_file", "sample_set_membership",
        "results_file", "scheduler_task", "scheduler_run", "analysis_file", "fused_file", "config",
        "pre_process",  "auth_user",  "auth_group",  "auth_permission"};
    return tables.count(t) > 0;
}

db::Rows rows_where_in(db::Connection& db, const std::string& table, const std::string& column,
                       const std::vector<int64_t>& ids) {
    check_table(table);
    check_column(db, table, column);
    // Every column but the generated ones (computed by the server, binary for sql/062's name
    // keys), in the table's order: what SELECT * gave before they existed.
    std::string cols;
    for (const auto& c : table_column_list(db, table)) {
        if (!db::is_plain_identifier(c)) throw db::Error("unexpected column " + c);
        cols += (cols.empty() ? "`" : ", `") + c + "`";
    }
    db::Rows out;
    for (size_t start = 0; start < ids.size(); start += 500) {
        size_t n = std::min<size_t>(500, ids.size() - start);
        db::Params p;
        for (size_t i = 0; i < n; ++i) p.emplace_back(static_cast<long long>(ids[start + i]));
        db::Rows part = db.query("SELECT " + cols + " FROM `" + table + "` WHERE `" + column + "` IN (" + placeholders(n) +
                                     ") ORDER BY id",
                                 p);
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

std::set<std::string> columns_of(db::Connection& db, const std::string& table) {
    check_table(table);
    return table_columns(db, table);
}

std::set<std::string> integer_columns(db::Connection& db, const std::string& table) {
    check_table(table);
    std::set<std::string> out;
    for (const auto& r : db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() "
                                  "AND table_name = ? AND data_type IN ('int', 'bigint', 'smallint', 'tinyint', "
                                  "'mediumint')",
                                  {table}))
        out.insert(r.str(0));
    return out;
}

bool row_exists(db::Connection& db, const std::string& table, int64_t id) {
    check_table(table);
    return db.query_one("SELECT 1 FROM `" + table + "` WHERE id = ?", {static_cast<long long>(id)}).has_value();
}

int64_t insert_one(db::Connection& db, const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<db::Value>& values) {
    check_table(table);
    std::set<std::string> known = columns_of(db, table);
    std::string sql = "INSERT INTO `" + table + "` (", qs;
    db::Params p;
    for (size_t i = 0; i < columns.size(); ++i) {
        if (!db::is_plain_identifier(columns[i]) || !known.count(columns[i])) throw db::Error("unexpected column " + columns[i]);
        sql += (i ? ", `" : "`") + columns[i] + "`";
        qs += i ? ", ?" : "?";
        p.emplace_back(values.at(i));
    }
    sql += ") VALUES (" + qs + ")";
    if (columns.empty()) sql = "INSERT INTO `" + table + "` () VALUES ()";
    db.exec(sql, p);
    return static_cast<int64_t>(db.last_insert_id());
}

std::vector<int64_t> sets_of_groups(db::Connection& db, const std::vector<int64_t>& groups) {
    std::vector<int64_t> out;
    if (groups.empty()) return out;
    db::Params p;
    for (int64_t g : groups) p.emplace_back(static_cast<long long>(g));
    for (const auto& r : db.query("SELECT DISTINCT record_id FROM auth_permission WHERE name = 'access' AND "
                                  "table_name = 'sample_set' AND record_id IS NOT NULL AND group_id IN (" +
                                      placeholders(groups.size()) + ") ORDER BY record_id",
                                  p))
        out.push_back(r.integer(0));
    return out;
}

void grant_access(db::Connection& db, int64_t group, const std::string& table, int64_t record) {
    db.exec("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', ?, ?)",
            {static_cast<long long>(group), table, static_cast<long long>(record)});
}

}  // namespace vidjil::model

namespace vidjil::model {

std::vector<ClonedbResult> clonedb_results(db::Connection& db, const std::vector<int64_t>& groups) {
    std::vector<ClonedbResult> out;
    if (groups.empty()) return out;
    db::Params p;
    for (int round = 0; round < 2; ++round)
        for (int64_t g : groups) p.emplace_back(static_cast<long long>(g));
    std::string in = placeholders(groups.size());
    db::Rows rows = db.query(
        "SELECT r.id, r.sequence_file_id, r.config_id, m.sample_set_id, p.id, r.data_file FROM patient p "
        "JOIN sample_set_membership m ON m.sample_set_id = p.sample_set_id "
        "JOIN results_file r ON r.sequence_file_id = m.sequence_file_id "
        "WHERE (p.sample_set_id IN (SELECT record_id FROM auth_permission WHERE name = 'access' AND "
        "table_name = 'sample_set' AND group_id IN (" + in + ")) OR p.id IN (SELECT record_id FROM auth_permission "
        "WHERE name = 'access' AND table_name = 'patient' AND group_id IN (" + in + "))) "
        "AND r.data_file IS NOT NULL AND r.data_file <> '' AND r.config_id IS NOT NULL "
        "ORDER BY m.sample_set_id, r.sequence_file_id, r.config_id, r.run_date DESC, r.id DESC",
        p);
    for (const auto& r : rows) {
        ClonedbResult c{r.integer(0), r.integer(1), r.integer(2), r.integer(3), r.integer(4), r.str(5)};
        if (!out.empty() && out.back().sample_set_id == c.sample_set_id && out.back().sequence_file_id == c.sequence_file_id &&
            out.back().config_id == c.config_id)
            continue;  // an older result of the same file and config
        out.push_back(c);
    }
    return out;
}

}  // namespace vidjil::model
