// `vidjil-admin import-dump` (see import_dump.h).
#include "tools/import_dump.h"

#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>

#include "db/change_counter.h"
#include "model/dump_load.h"
#include "tools/sql_dump.h"

namespace vidjil::tools {

bool filled_by_migrate(const std::string& table) {
    return table == "vidjil_schema_version" || table == "vidjil_news_version" || table == "vidjil_change";
}

void import_dump(db::Connection& db, const std::string& path, std::ostream& out) {
    std::ifstream file;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) throw std::runtime_error("cannot open " + path);
    }
    std::istream& in = path == "-" ? std::cin : file;

    std::vector<std::string> tables = model::database_tables(db);
    std::set<std::string> present(tables.begin(), tables.end());
    for (const std::string& t : original_tables())
        if (!present.count(t)) throw std::runtime_error("table " + t + " is missing: run `vidjil-admin migrate` first");

    std::map<std::string, size_t> loaded;
    std::map<std::string, std::set<std::string>> columns;
    model::set_foreign_key_checks(db, false);
    try {
        db::Transaction tx(db);
        // Checked inside the transaction: an import is only for a database that holds nothing
        // but what migrate creates (not even the administrator of init-db).
        std::vector<std::string> filled;
        for (const std::string& t : tables)
            if (!filled_by_migrate(t) && model::table_has_rows(db, t)) filled.push_back(t);
        if (!filled.empty()) {
            std::string list;
            for (size_t i = 0; i < filled.size() && i < 5; ++i) list += (i ? ", " : "") + filled[i];
            if (filled.size() > 5) list += ", ...";
            throw std::runtime_error("the database already holds data (" + list +
                                     "): import-dump only loads into a new database created by `vidjil-admin "
                                     "migrate` (and no init-db)");
        }
        read_dump(in, original_tables(), [&](DumpInsert& ins) {
            auto it = columns.find(ins.table);
            if (it == columns.end()) it = columns.emplace(ins.table, model::table_columns(db, ins.table)).first;
            for (const std::string& c : ins.columns)
                if (!it->second.count(c))
                    throw DumpError(ins.line, "table " + ins.table + " has no column '" + c.substr(0, 64) + "'");
            try {
                model::insert_rows(db, ins.table, ins.columns, ins.rows);
            } catch (const db::Unavailable&) {
                throw;
            } catch (const db::Error& e) {
                throw DumpError(ins.line, "the database refused a row of " + ins.table + ": " + e.what());
            }
            loaded[ins.table] += ins.rows.size();
        });
        if (path != "-" && file.bad()) throw std::runtime_error("cannot read " + path);
        // The sets' kept file counts (sql/062; the dump has none, and its rows came in any order).
        db::recount_set_files(db);
        tx.commit();
    } catch (const DumpError& e) {
        model::set_foreign_key_checks(db, true);
        throw std::runtime_error(path + ": " + e.what() + " (nothing was loaded)");
    } catch (...) {
        model::set_foreign_key_checks(db, true);
        throw;
    }
    model::set_foreign_key_checks(db, true);
    size_t total = 0;
    for (const auto& t : original_tables()) {
        out << t << ": " << (loaded.count(t) ? loaded[t] : 0) << " rows\n";
        total += loaded.count(t) ? loaded[t] : 0;
    }
    out << "loaded " << total << " rows\n";
}

}  // namespace vidjil::tools
