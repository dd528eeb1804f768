// Pieces of SQL shared by the two files of sample sets in src/model (sample_sets.cpp: one set,
// its groups, configs and files; set_lists.cpp: the lists of sets). Not for other areas: they
// use sample_sets.h.
#pragma once
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "db/db.h"
#include "model/sample_sets.h"

namespace vidjil::model::sets_sql {

// Ids sent as placeholders in one statement at most: MariaDB refuses more than 65 535
// placeholders in a statement, and a list without pages may name 100 000 sets.
constexpr size_t kIdsPerStatement = 10000;

// Detail columns of each type, as selected from alias d (dates as text).
std::string detail_columns(const std::string& type);
// A set from a row of select_sets(type).
SampleSet from_row(const db::Row& r, const std::string& type);
// The detail table of `type` as d, with its creator as u.
std::string from_sets(const std::string& type);
// SELECT of the sets of `type` (set id, detail id, creator and detail columns) FROM from_sets.
std::string select_sets(const std::string& type);
void add_ids(db::Params& p, const std::set<int64_t>& ids);

}  // namespace vidjil::model::sets_sql
