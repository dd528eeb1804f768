// SQL for group administration (group/* pages) and the user list (user/index, user/info).
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"
#include "model/users.h"

namespace vidjil::model {

struct GroupRow {
    int64_t id = 0;
    std::string role, description;
    int64_t members = 0;
    std::vector<std::string> rights;   // capability names on sample_set (record 0)
    std::vector<std::string> parents;  // roles of the parent groups
};

// Every group (ids = nullopt) or the given ones, with member counts, rights and parents.
std::vector<GroupRow> list_groups(db::Connection& db, const std::optional<std::set<int64_t>>& ids);
std::optional<GroupRow> group_row(db::Connection& db, int64_t id);
std::vector<int64_t> parent_groups(db::Connection& db, int64_t group_id);
void add_group_parent(db::Connection& db, int64_t parent, int64_t child);
void update_group(db::Connection& db, int64_t id, const std::string& role, const std::string& description);
// Number of sample sets for which this group holds the only `access` grant: deleting the
// group would leave them owned by nobody.
int64_t sets_only_owned_by(db::Connection& db, int64_t group_id);
void delete_group(db::Connection& db, int64_t id);
void remove_membership(db::Connection& db, int64_t user_id, int64_t group_id);
void remove_permission(db::Connection& db, int64_t group_id, const std::string& name, const std::string& table,
                       int64_t record_id);

struct Member {
    int64_t id = 0;
    std::string email, first_name, last_name, last_login;
};
std::vector<Member> group_members(db::Connection& db, int64_t group_id);

struct UserRow {
    int64_t id = 0;
    std::string email, first_name, last_name, last_login;
    int64_t files = 0;
    std::vector<std::string> groups;
};
// All users; sort is one of id|login|files, as user/index asks.
std::vector<UserRow> list_users(db::Connection& db, const std::string& sort, bool reverse);
std::vector<std::string> user_group_roles(db::Connection& db, int64_t user_id);

}  // namespace vidjil::model
