// SQL of `vidjil-admin export` / `import` / `clonedb-export` (tools/migrator.*, tools/clonedb.*):
// rows of the exported tables by id lists, typed columns, generic inserts of already decoded
// values (bound parameters), access grants. Table and column names are checked against a fixed
// whitelist and the server's catalogue before they are written into SQL.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

// Tables the migrator reads and writes (model.md §7.3), plus auth_user / auth_group lookups.
bool migrator_table(const std::string& table);

// Rows of `table` whose `column` is one of `ids`, ordered by id.
db::Rows rows_where_in(db::Connection& db, const std::string& table, const std::string& column,
                       const std::vector<int64_t>& ids);
// Columns of `table` with an integer type (exported as JSON numbers).
std::set<std::string> integer_columns(db::Connection& db, const std::string& table);
// Columns of `table` (empty when it does not exist).
std::set<std::string> columns_of(db::Connection& db, const std::string& table);
bool row_exists(db::Connection& db, const std::string& table, int64_t id);
// INSERT of one row; returns the new id.
int64_t insert_one(db::Connection& db, const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<db::Value>& values);
// Sample sets on which one of `groups` holds `access` (through the sample_set grant).
std::vector<int64_t> sets_of_groups(db::Connection& db, const std::vector<int64_t>& groups);
// ('access', table, record) for `group`.
void grant_access(db::Connection& db, int64_t group, const std::string& table, int64_t record);

}  // namespace vidjil::model

namespace vidjil::model {

// clonedb-export (model.md §7.4): the latest result (by run_date, then id) of each sequence file
// and config, for the files of the patient sets the groups have access to (on the sample_set or
// on the patient row), with a stored data file.
struct ClonedbResult {
    int64_t results_file_id, sequence_file_id, config_id, sample_set_id, patient_id;
    std::string data_file;
};
std::vector<ClonedbResult> clonedb_results(db::Connection& db, const std::vector<int64_t>& groups);

}  // namespace vidjil::model
