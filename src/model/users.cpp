// SQL for accounts, groups and memberships (see users.h).
#include "model/users.h"

#include "util/text.h"

namespace vidjil::model {

static const char* kUserCols = "SELECT id, email, first_name, last_name, password, action_token FROM auth_user ";

static User to_user(const db::Row& r) {
    User u;
    u.id = r.integer("id");
    u.email = r.str("email");
    u.first_name = r.str("first_name");
    u.last_name = r.str("last_name");
    u.password = r.str("password");
    u.action_token = r.str("action_token");
    return u;
}

int64_t count_users(db::Connection& db) {
    return db.query_one("SELECT COUNT(*) AS n FROM auth_user")->integer("n");
}

std::optional<User> user_by_id(db::Connection& db, int64_t id) {
    auto r = db.query_one(std::string(kUserCols) + "WHERE id = ?", {id});
    if (!r) return std::nullopt;
    return to_user(*r);
}

std::optional<User> user_by_email(db::Connection& db, const std::string& email) {
    auto r = db.query_one(std::string(kUserCols) + "WHERE LOWER(email) = ? ORDER BY id LIMIT 1",
                          {text::to_lower(email)});
    if (!r) return std::nullopt;
    return to_user(*r);
}

bool email_taken(db::Connection& db, const std::string& email, int64_t except_user) {
    return db.query_one("SELECT id FROM auth_user WHERE LOWER(email) = ? AND id <> ? LIMIT 1",
                        {text::to_lower(email), except_user})
        .has_value();
}

int64_t insert_user(db::Connection& db, const std::string& email, const std::string& first,
                    const std::string& last, const std::string& hash) {
    db.exec("INSERT INTO auth_user (email, first_name, last_name, password, action_token, last_password_change) "
            "VALUES (?, ?, ?, ?, '', NOW())",
            {text::to_lower(email), first, last, hash});
    return static_cast<int64_t>(db.last_insert_id());
}

void update_password(db::Connection& db, int64_t user_id, const std::string& hash) {
    db.exec("UPDATE auth_user SET password = ?, last_password_change = NOW() WHERE id = ?", {hash, user_id});
}

void update_profile(db::Connection& db, int64_t user_id, const std::string& first, const std::string& last,
                    const std::string& email) {
    db.exec("UPDATE auth_user SET first_name = ?, last_name = ?, email = ? WHERE id = ?",
            {first, last, text::to_lower(email), user_id});
}

std::optional<Group> group_by_role(db::Connection& db, const std::string& role) {
    auto r = db.query_one("SELECT id, role, description FROM auth_group WHERE role = ? ORDER BY id LIMIT 1", {role});
    if (!r) return std::nullopt;
    return Group{r->integer("id"), r->str("role"), r->at("description")};
}

int64_t insert_group(db::Connection& db, const std::string& role, const std::optional<std::string>& description) {
    db.exec("INSERT INTO auth_group (role, description) VALUES (?, ?)", {role, description});
    return static_cast<int64_t>(db.last_insert_id());
}

void add_membership(db::Connection& db, int64_t user_id, int64_t group_id) {
    if (db.query_one("SELECT id FROM auth_membership WHERE user_id = ? AND group_id = ?", {user_id, group_id}))
        return;
    db.exec("INSERT INTO auth_membership (user_id, group_id) VALUES (?, ?)", {user_id, group_id});
}

std::vector<int64_t> user_group_ids(db::Connection& db, int64_t user_id) {
    std::vector<int64_t> out;
    for (const auto& r : db.query("SELECT DISTINCT group_id FROM auth_membership WHERE user_id = ?", {user_id}))
        out.push_back(r.integer(0));
    return out;
}

std::vector<Group> creation_groups(db::Connection& db, int64_t user_id) {
    std::vector<Group> out;
    auto rows = db.query(
        "SELECT SQL_CACHE g.id, g.role, g.description FROM auth_group g "
        "JOIN auth_permission p ON p.group_id = g.id "
        "WHERE p.name = 'create' AND p.table_name = 'sample_set' AND p.record_id = 0 "
        "AND g.id IN (SELECT group_id FROM auth_membership WHERE user_id = ?) ORDER BY p.id",
        {user_id});
    for (const auto& r : rows) out.push_back(Group{r.integer("id"), r.str("role"), r.at("description")});
    return out;
}

void add_permission(db::Connection& db, int64_t group_id, const std::string& name, const std::string& table,
                    int64_t record_id) {
    if (db.query_one("SELECT id FROM auth_permission WHERE group_id = ? AND name = ? AND table_name = ? "
                     "AND record_id = ?",
                     {group_id, name, table, record_id}))
        return;
    db.exec("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, ?, ?, ?)",
            {group_id, name, table, record_id});
}

std::vector<std::pair<int64_t, std::string>> all_user_names(db::Connection& db) {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const auto& r : db.query("SELECT id, first_name, last_name FROM auth_user ORDER BY id"))
        out.emplace_back(r.integer("id"), r.str("first_name") + " " + r.str("last_name"));
    return out;
}

}  // namespace vidjil::model
