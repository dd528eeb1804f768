// `vidjil-admin import-dump FILE`: loads a data-only mysqldump of the original server's
// database into a database freshly created by `vidjil-admin migrate` (debian/README.Debian,
// "Moving an existing lab over").
#pragma once
#include <ostream>
#include <string>

#include "db/db.h"

namespace vidjil::tools {

// Tables `vidjil-admin migrate` itself fills; every other table must be empty for an import.
bool filled_by_migrate(const std::string& table);

// Loads the dump at `path` ("-" = standard input) in one transaction, foreign-key checks off,
// ids kept; writes the rows loaded per table to `out`. Throws std::runtime_error (nothing is
// loaded) when the database already holds data, or the dump has a statement that is not an
// INSERT of literal values into a table of the original schema (message with the line number),
// or the server refuses a row.
void import_dump(db::Connection& db, const std::string& path, std::ostream& out);

}  // namespace vidjil::tools
