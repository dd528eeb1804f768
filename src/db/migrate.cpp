// Implementation of schema migrations (see migrate.h).
#include "db/migrate.h"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "db/change_counter.h"
#include "util/fs.h"
#include "util/text.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/vidjil-server"
#endif

namespace vidjil::db {

std::string default_sql_dir() {
    const char* env = std::getenv("VIDJIL_SQL_DIR");
    return env && *env ? env : std::string(PKGDATADIR) + "/sql";
}

std::vector<Migration> list_migrations(const std::string& dir) {
    std::vector<Migration> out;
    DIR* d = opendir(dir.c_str());
    if (!d) throw Error("cannot read the migration directory " + dir);
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name.size() < 9 || !text::ends_with(name, ".sql") || name[3] != '-') continue;
        auto n = text::parse_int(name.substr(0, 3));
        if (!n) continue;
        out.push_back({static_cast<int>(*n), name, dir + "/" + name});
    }
    closedir(d);
    std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.number < b.number; });
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i].number == out[i - 1].number) throw Error("two migrations numbered " + std::to_string(out[i].number));
    return out;
}

std::vector<std::string> split_statements(const std::string& sql) {
    std::vector<std::string> out;
    std::string current;
    for (const std::string& raw : text::split(sql, '\n')) {
        std::string line = text::trim(raw);
        if (line.empty() || text::starts_with(line, "--")) continue;
        current += raw + "\n";
        if (text::ends_with(line, ";")) {
            std::string stmt = text::trim(current);
            stmt.pop_back();
            if (!text::trim(stmt).empty()) out.push_back(stmt);
            current.clear();
        }
    }
    if (!text::trim(current).empty()) out.push_back(text::trim(current));
    return out;
}

int migrate(Connection& db, const std::string& dir, std::ostream& out) {
    db.ensure();
    std::vector<Migration> all = list_migrations(dir);
    auto lock = db.query_one("SELECT GET_LOCK('vidjil_migrate', 120)");
    if (!lock || lock->integer(0) != 1) throw Error("another migration is running");
    int applied = 0;
    try {
        db.exec_raw("CREATE TABLE IF NOT EXISTS vidjil_schema_version (version INT NOT NULL PRIMARY KEY, "
                    "name VARCHAR(255) NOT NULL, applied DATETIME NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                    "COLLATE=utf8mb4_general_ci");
        std::set<int> done;
        for (const auto& r : db.query("SELECT version FROM vidjil_schema_version")) done.insert(static_cast<int>(r.integer(0)));
        for (const Migration& m : all) {
            if (done.count(m.number)) continue;
            // DDL commits implicitly in MariaDB: files are written to be re-runnable instead.
            for (const std::string& stmt : split_statements(fs::read_file(m.path))) db.exec_raw(stmt);
            db.exec("INSERT INTO vidjil_schema_version (version, name, applied) VALUES (?, ?, NOW())", {m.number, m.name});
            out << "applied " << m.name << "\n";
            ++applied;
        }
        // The change counter's triggers, made again if a table lost them (060 and later).
        if (db.query_one("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                         "AND TABLE_NAME = 'vidjil_change'"))
            install_change_triggers(db, out);
    } catch (...) {
        db.query("SELECT RELEASE_LOCK('vidjil_migrate')");
        throw;
    }
    db.query("SELECT RELEASE_LOCK('vidjil_migrate')");
    return applied;
}

}  // namespace vidjil::db
