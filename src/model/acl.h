// SQL behind the permission model: memberships, parent groups, capability rows and object
// grants (auth_membership, group_assoc, auth_permission). Decisions are made in perm/.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "db/db.h"

namespace vidjil::model {

// "?, ?, ?" for a dynamic IN list (values are still bound parameters).
std::string placeholders(size_t n);

// Everything Permissions needs about a user's own groups, in one query (it runs on most
// requests): the groups, their parents, their table-wide capabilities (record_id 0), and
// whether one of them is the admin group (the first group of role `admin_role`).
struct UserAcl {
    std::set<int64_t> groups;
    std::map<int64_t, std::set<int64_t>> parents;
    std::map<int64_t, std::set<std::string>> capabilities;
    bool admin = false;
};
UserAcl user_acl(db::Connection& db, int64_t user_id, const std::string& admin_role);
std::set<int64_t> member_groups(db::Connection& db, int64_t user_id);
// child group -> its parents (group_assoc.first_group_id is the parent).
std::map<int64_t, std::set<int64_t>> parents_of(db::Connection& db, const std::set<int64_t>& groups);
// group -> names of its capability rows (record_id = 0), whatever the table.
std::map<int64_t, std::set<std::string>> capabilities_of(db::Connection& db, const std::set<int64_t>& groups);
// (group, table) pairs for capability rows of the given name, to check the table when needed.
std::set<std::pair<int64_t, std::string>> capability_tables(db::Connection& db, const std::set<int64_t>& groups,
                                                             const std::string& name);
// Groups holding `name` on (table, record_id).
std::set<int64_t> groups_with(db::Connection& db, const std::string& name, const std::string& table,
                              int64_t record_id);
// Record ids of (table) on which one of `groups` holds `name`.
std::set<int64_t> records_with(db::Connection& db, const std::string& name, const std::string& table,
                               const std::set<int64_t>& groups);
std::optional<int64_t> group_id_by_role(db::Connection& db, const std::string& role);
// (sample_type, id of the patient/run/generic row) of a sample set.
std::optional<std::pair<std::string, int64_t>> set_detail(db::Connection& db, int64_t sample_set_id);
// Sample sets that contain a sequence file.
std::set<int64_t> sets_of_file(db::Connection& db, int64_t sequence_file_id);

}  // namespace vidjil::model
