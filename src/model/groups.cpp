// SQL for group administration and the user list (see groups.h).
#include "model/groups.h"

#include <algorithm>

#include "model/acl.h"

namespace vidjil::model {

static GroupRow to_group(db::Connection& db, const db::Row& r) {
    GroupRow g;
    g.id = r.integer("id");
    g.role = r.str("role");
    g.description = r.str("description");
    g.members = r.integer("members");
    for (const auto& p : db.query("SELECT name FROM auth_permission WHERE group_id = ? AND table_name = 'sample_set' "
                                  "AND record_id = 0 ORDER BY name",
                                  {g.id}))
        g.rights.push_back(p.str(0));
    for (const auto& p : db.query("SELECT g.role FROM group_assoc a JOIN auth_group g ON g.id = a.first_group_id "
                                  "WHERE a.second_group_id = ? ORDER BY g.role",
                                  {g.id}))
        g.parents.push_back(p.str(0));
    return g;
}

static const char* kGroupSelect =
    "SELECT g.id, g.role, g.description, (SELECT COUNT(DISTINCT m.user_id) FROM auth_membership m "
    "WHERE m.group_id = g.id) AS members FROM auth_group g ";

std::vector<GroupRow> list_groups(db::Connection& db, const std::optional<std::set<int64_t>>& ids) {
    std::vector<GroupRow> out;
    if (ids && ids->empty()) return out;
    std::string sql = kGroupSelect;
    db::Params p;
    if (ids) {
        sql += "WHERE g.id IN (" + placeholders(ids->size()) + ") ";
        for (int64_t id : *ids) p.emplace_back(static_cast<long long>(id));
    }
    sql += "ORDER BY g.id";
    for (const auto& r : db.query(sql, p)) out.push_back(to_group(db, r));
    return out;
}

std::optional<GroupRow> group_row(db::Connection& db, int64_t id) {
    auto r = db.query_one(std::string(kGroupSelect) + "WHERE g.id = ?", {id});
    if (!r) return std::nullopt;
    return to_group(db, *r);
}

std::vector<int64_t> parent_groups(db::Connection& db, int64_t group_id) {
    std::vector<int64_t> out;
    for (const auto& r : db.query("SELECT first_group_id FROM group_assoc WHERE second_group_id = ?", {group_id}))
        out.push_back(r.integer(0));
    return out;
}

void add_group_parent(db::Connection& db, int64_t parent, int64_t child) {
    db.exec("INSERT INTO group_assoc (first_group_id, second_group_id) VALUES (?, ?)", {parent, child});
}

void update_group(db::Connection& db, int64_t id, const std::string& role, const std::string& description) {
    db.exec("UPDATE auth_group SET role = ?, description = ? WHERE id = ?", {role, description, id});
}

int64_t sets_only_owned_by(db::Connection& db, int64_t group_id) {
    return db.query_one("SELECT COUNT(*) FROM auth_permission p WHERE p.group_id = ? AND p.name = 'access' "
                        "AND p.table_name = 'sample_set' AND p.record_id > 0 AND NOT EXISTS (SELECT 1 FROM "
                        "auth_permission o WHERE o.name = 'access' AND o.table_name = 'sample_set' "
                        "AND o.record_id = p.record_id AND o.group_id <> p.group_id)",
                        {group_id})
        ->integer(0);
}

void delete_group(db::Connection& db, int64_t id) { db.exec("DELETE FROM auth_group WHERE id = ?", {id}); }

void remove_membership(db::Connection& db, int64_t user_id, int64_t group_id) {
    db.exec("DELETE FROM auth_membership WHERE user_id = ? AND group_id = ?", {user_id, group_id});
}

void remove_permission(db::Connection& db, int64_t group_id, const std::string& name, const std::string& table,
                       int64_t record_id) {
    db.exec("DELETE FROM auth_permission WHERE group_id = ? AND name = ? AND table_name = ? AND record_id = ?",
            {group_id, name, table, record_id});
}

static const char* kLastLogin =
    "(SELECT MAX(e.time_stamp) FROM auth_event e WHERE e.user_id = u.id AND e.description LIKE '%Logged-in')";

std::vector<Member> group_members(db::Connection& db, int64_t group_id) {
    std::vector<Member> out;
    for (const auto& r : db.query(std::string("SELECT DISTINCT u.id, u.email, u.first_name, u.last_name, ") + kLastLogin +
                                      " AS last_login FROM auth_user u JOIN auth_membership m ON m.user_id = u.id "
                                      "WHERE m.group_id = ? ORDER BY u.last_name, u.first_name",
                                  {group_id}))
        out.push_back({r.integer("id"), r.str("email"), r.str("first_name"), r.str("last_name"), r.str("last_login")});
    return out;
}

std::vector<std::string> user_group_roles(db::Connection& db, int64_t user_id) {
    std::vector<std::string> out;
    for (const auto& r : db.query("SELECT DISTINCT g.role FROM auth_group g JOIN auth_membership m ON m.group_id = g.id "
                                  "WHERE m.user_id = ? ORDER BY g.role",
                                  {user_id}))
        out.push_back(r.str(0));
    return out;
}

std::vector<UserRow> list_users(db::Connection& db, const std::string& sort, bool reverse) {
    std::vector<UserRow> out;
    auto rows = db.query(std::string("SELECT u.id, u.email, u.first_name, u.last_name, ") + kLastLogin +
                         " AS last_login, (SELECT COUNT(*) FROM sequence_file f WHERE f.provider = u.id) AS files "
                         "FROM auth_user u ORDER BY u.id");
    for (const auto& r : rows) {
        UserRow u{r.integer("id"), r.str("email"), r.str("first_name"), r.str("last_name"), r.str("last_login"),
                  r.integer("files"), {}};
        u.groups = user_group_roles(db, u.id);
        out.push_back(std::move(u));
    }
    // Sorting in code keeps the SQL free of caller-chosen ORDER BY text.
    auto key = [&](const UserRow& a, const UserRow& b) {
        if (sort == "files") return a.files > b.files;
        if (sort == "login") return a.last_login > b.last_login;
        return a.id < b.id;
    };
    std::stable_sort(out.begin(), out.end(), key);
    if (reverse) std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace vidjil::model
