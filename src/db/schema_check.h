// The schema check at program start: a binary must never half-serve a database whose schema is
// older than the migrations it was built with (sql/NNN-*.sql, compiled in as a list of numbers).
// The FastCGI programs answer 503 with kSchemaTooOld until `vidjil-admin migrate` has run; the
// runner logs it once and exits non-zero (--once) or waits (--watch).
#pragma once
#include <ctime>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil {
class Config;
}

namespace vidjil::db {

inline constexpr const char* kSchemaTooOld =
    "database schema is older than this server: run vidjil-admin migrate";

// The migration numbers compiled into this binary, ascending.
const std::vector<int>& compiled_migrations();
// Which of `wanted` are not recorded in vidjil_schema_version (all of them when the table does
// not exist yet). Throws Unavailable when the database cannot be reached.
std::vector<int> missing_migrations(Connection& db, const std::vector<int>& wanted = compiled_migrations());
// "010, 040": the missing numbers as written in the file names.
std::string format_migrations(const std::vector<int>& numbers);

// The per-process check of the programs: asks the database once; once the schema was found
// up to date it never asks again; while it is too old it asks again at most every
// `recheck_seconds` (so a migrate needs no restart). Logs the problem once per process.
class SchemaGate {
public:
    explicit SchemaGate(std::vector<int> wanted = compiled_migrations(), double recheck_seconds = 5)
        : wanted_(std::move(wanted)), recheck_(recheck_seconds) {}
    // True when the database has every migration. Throws Unavailable.
    bool current(Connection& db, std::time_t now);

private:
    std::vector<int> wanted_;
    double recheck_;
    bool ok_ = false, logged_ = false;
    std::time_t last_ = 0;
};
SchemaGate& process_schema_gate();

// What the runner checks before its loop (vidjil-runner(8)). Returns -1 to go on, else the exit
// status: 0 when the server is not configured yet (no configuration file, DB_PASSWORD still the
// shipped CHANGE_ME, or the database not created yet: one information line, no error), 1 when
// the schema is too old and `watch` is false. With `watch`, waits (checking every 10 s) until
// the schema is migrated.
int runner_preflight(bool watch);

}  // namespace vidjil::db
