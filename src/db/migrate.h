// Schema migrations: numbered files sql/NNN-name.sql applied once each, in order, recorded in
// vidjil_schema_version. Used by `vidjil-admin migrate` and by the tests.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::db {

struct Migration {
    int number = 0;
    std::string name, path;
};

std::vector<Migration> list_migrations(const std::string& dir);
// Statements of a migration file: split on ';' at the end of a line, comment lines dropped.
std::vector<std::string> split_statements(const std::string& sql);
// Applies the missing migrations; returns how many were applied. Safe to run concurrently.
int migrate(Connection& db, const std::string& dir, std::ostream& out);
// Where the migration files are: $VIDJIL_SQL_DIR, else the installed PKGDATADIR/sql.
std::string default_sql_dir();

}  // namespace vidjil::db
