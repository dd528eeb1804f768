// SQL for accounts, groups and memberships (auth_user, auth_group, auth_membership,
// auth_permission capability rows, group_assoc).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

struct User {
    int64_t id = 0;
    std::string email, first_name, last_name, password, action_token;
};

struct Group {
    int64_t id = 0;
    std::string role;
    std::optional<std::string> description;
};

int64_t count_users(db::Connection& db);
std::optional<User> user_by_id(db::Connection& db, int64_t id);
// Lowest id with that e-mail, compared case-insensitively (the original's rule).
std::optional<User> user_by_email(db::Connection& db, const std::string& email);
bool email_taken(db::Connection& db, const std::string& email, int64_t except_user = 0);
int64_t insert_user(db::Connection& db, const std::string& email, const std::string& first,
                    const std::string& last, const std::string& password_hash);
void update_password(db::Connection& db, int64_t user_id, const std::string& hash);
void update_profile(db::Connection& db, int64_t user_id, const std::string& first, const std::string& last,
                    const std::string& email);

std::optional<Group> group_by_role(db::Connection& db, const std::string& role);
int64_t insert_group(db::Connection& db, const std::string& role, const std::optional<std::string>& description);
void add_membership(db::Connection& db, int64_t user_id, int64_t group_id);  // no duplicate rows
std::vector<int64_t> user_group_ids(db::Connection& db, int64_t user_id);
// Groups the user is a direct member of that hold `create` on (sample_set, 0), one entry per
// permission row, as default/whoami lists them.
std::vector<Group> creation_groups(db::Connection& db, int64_t user_id);
void add_permission(db::Connection& db, int64_t group_id, const std::string& name, const std::string& table,
                    int64_t record_id);
// Every user as (id, "First Last") for the admin's impersonation menu.
std::vector<std::pair<int64_t, std::string>> all_user_names(db::Connection& db);

}  // namespace vidjil::model
