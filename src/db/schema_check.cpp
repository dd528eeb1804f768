// Implementation of the schema check (see schema_check.h).
#include "db/schema_check.h"

#include <mysqld_error.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "config.h"
#include "db/schema_level.h"
#include "util/log.h"

namespace vidjil::db {

const std::vector<int>& compiled_migrations() {
    static const std::vector<int> numbers = [] {
        std::vector<int> v{VIDJIL_SCHEMA_MIGRATIONS};
        std::sort(v.begin(), v.end());
        return v;
    }();
    return numbers;
}

std::vector<int> missing_migrations(Connection& db, const std::vector<int>& wanted) {
    std::set<int> done;
    try {
        for (const auto& r : db.query("SELECT SQL_CACHE version FROM vidjil_schema_version"))
            done.insert(static_cast<int>(r.integer(0)));
    } catch (const Unavailable&) {
        throw;
    } catch (const Error& e) {
        if (e.code() != ER_NO_SUCH_TABLE) throw;  // never migrated: everything is missing
    }
    std::vector<int> out;
    for (int n : wanted)
        if (!done.count(n)) out.push_back(n);
    return out;
}

std::string format_migrations(const std::vector<int>& numbers) {
    std::string out;
    for (int n : numbers) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%03d", n);
        out += (out.empty() ? "" : ", ") + std::string(buf);
    }
    return out;
}

bool SchemaGate::current(Connection& db, std::time_t now) {
    if (ok_) return true;
    if (last_ != 0 && now >= last_ && static_cast<double>(now - last_) < recheck_) return false;
    std::vector<int> missing = missing_migrations(db, wanted_);
    last_ = now;
    if (missing.empty()) {
        if (logged_) log::info("database schema migrated: serving again");
        ok_ = true;
        return true;
    }
    if (!logged_) {
        log::error(std::string(kSchemaTooOld) + " (migrations not applied: " + format_migrations(missing) + ")");
        logged_ = true;
    }
    return false;
}

SchemaGate& process_schema_gate() {
    static SchemaGate gate;
    return gate;
}

int runner_preflight(bool watch) {
    const std::string path = Config::default_path();
    if (access(path.c_str(), F_OK) != 0) {
        log::info("not configured yet: " + path +
                  " does not exist (see /usr/share/doc/vidjil-server/README.Debian); no job to run");
        return 0;
    }
    Config raw = Config::from_file(path);
    if (raw.get("DB_PASSWORD").empty() || raw.get("DB_PASSWORD") == "CHANGE_ME") {
        log::info("not configured yet: DB_PASSWORD is not set in " + path + "; no job to run");
        return 0;
    }
    Config cfg = Config::load();
    Connection db(ConnectOptions::from_config(cfg));
    try {
        db.ensure();
    } catch (const Unavailable& e) {
        // Unknown database, or one the user has no right on yet (MariaDB says 1044 rather than
        // telling whether it exists). Anything else is an outage: the runner's retries handle it.
        if (e.code() != ER_BAD_DB_ERROR && e.code() != ER_DBACCESS_DENIED_ERROR) return -1;
        log::info("not configured yet: the database '" + cfg.get("DB_NAME", "vidjil") +
                  "' does not exist (create it, then run vidjil-admin migrate); no job to run");
        return 0;
    }
    SchemaGate gate(compiled_migrations(), 10);
    try {
        while (!gate.current(db, std::time(nullptr))) {
            if (!watch) return 1;
            sleep(10);
        }
    } catch (const Unavailable&) {
        return -1;
    }
    return -1;
}

}  // namespace vidjil::db
