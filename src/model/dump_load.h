// SQL of `vidjil-admin import-dump` (tools/import_dump.*): which tables hold rows, the columns
// of a table, and bulk inserts of already decoded values (bound parameters, never SQL text
// from the dump). Table and column names are checked against the server's catalogue.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

// Base tables of the current database.
std::vector<std::string> database_tables(db::Connection& db);
// True when `table` (one of database_tables()) holds at least one row.
bool table_has_rows(db::Connection& db, const std::string& table);
// Columns of a table of the current database in the table's order, generated columns left
// out (computed by the server: never loaded nor copied); empty when there is no such table.
std::vector<std::string> table_column_list(db::Connection& db, const std::string& table);
// The same as a set.
std::set<std::string> table_columns(db::Connection& db, const std::string& table);
// INSERT INTO table (columns) VALUES (...), ... for every row; `table` and `columns` must come
// from database_tables() / table_columns() (checked again here).
void insert_rows(db::Connection& db, const std::string& table, const std::vector<std::string>& columns,
                 const std::vector<std::vector<std::optional<std::string>>>& rows);
// Foreign-key checks of this session (off while a dump is loaded, as mysqldump does).
void set_foreign_key_checks(db::Connection& db, bool on);

}  // namespace vidjil::model
