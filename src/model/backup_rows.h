// SQL of `vidjil-admin backup` / `restore` (tools/backup.*): row counts for the manifest and the
// migrations applied to a database. Table names come from model::database_tables().
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

uint64_t count_rows(db::Connection& db, const std::string& table);
// "NNN name" of every applied migration, in order (empty when the database was never migrated).
std::vector<std::string> applied_migrations(db::Connection& db);

}  // namespace vidjil::model
