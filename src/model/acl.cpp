// SQL behind the permission model (see acl.h).
#include "model/acl.h"

namespace vidjil::model {

std::string placeholders(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
    return s;
}

static db::Params as_params(const std::set<int64_t>& ids) {
    db::Params p;
    for (int64_t id : ids) p.emplace_back(static_cast<long long>(id));
    return p;
}

UserAcl user_acl(db::Connection& db, int64_t user_id, const std::string& admin_role) {
    UserAcl out;
    auto rows = db.query("SELECT SQL_CACHE m.group_id, ga.first_group_id, ap.name, "
                         "m.group_id = (SELECT MIN(id) FROM auth_group WHERE role = ?) AS is_admin "
                         "FROM auth_membership m "
                         "LEFT JOIN group_assoc ga ON ga.second_group_id = m.group_id "
                         "LEFT JOIN auth_permission ap ON ap.group_id = m.group_id AND ap.record_id = 0 "
                         "WHERE m.user_id = ? AND m.group_id IS NOT NULL",
                         {admin_role, user_id});
    for (const auto& r : rows) {
        int64_t g = r.integer(0);
        out.groups.insert(g);
        if (r.at(1)) out.parents[g].insert(r.integer(1));
        if (r.at(2)) out.capabilities[g].insert(r.str(2));
        if (r.at(3) && r.integer(3) == 1) out.admin = true;
    }
    return out;
}

std::set<int64_t> member_groups(db::Connection& db, int64_t user_id) {
    std::set<int64_t> out;
    for (const auto& r : db.query("SELECT group_id FROM auth_membership WHERE user_id = ?", {user_id}))
        if (r.at(0)) out.insert(r.integer(0));
    return out;
}

std::map<int64_t, std::set<int64_t>> parents_of(db::Connection& db, const std::set<int64_t>& groups) {
    std::map<int64_t, std::set<int64_t>> out;
    if (groups.empty()) return out;
    auto rows = db.query("SELECT second_group_id, first_group_id FROM group_assoc WHERE second_group_id IN (" +
                             placeholders(groups.size()) + ")",
                         as_params(groups));
    for (const auto& r : rows)
        if (r.at(0) && r.at(1)) out[r.integer(0)].insert(r.integer(1));
    return out;
}

std::map<int64_t, std::set<std::string>> capabilities_of(db::Connection& db, const std::set<int64_t>& groups) {
    std::map<int64_t, std::set<std::string>> out;
    if (groups.empty()) return out;
    auto rows = db.query("SELECT group_id, name FROM auth_permission WHERE record_id = 0 AND group_id IN (" +
                             placeholders(groups.size()) + ")",
                         as_params(groups));
    for (const auto& r : rows) out[r.integer(0)].insert(r.str(1));
    return out;
}

std::set<std::pair<int64_t, std::string>> capability_tables(db::Connection& db, const std::set<int64_t>& groups,
                                                             const std::string& name) {
    std::set<std::pair<int64_t, std::string>> out;
    if (groups.empty()) return out;
    db::Params p = as_params(groups);
    p.emplace_back(name);
    auto rows = db.query("SELECT group_id, table_name FROM auth_permission WHERE record_id = 0 AND group_id IN (" +
                             placeholders(groups.size()) + ") AND name = ?",
                         p);
    for (const auto& r : rows) out.emplace(r.integer(0), r.str(1));
    return out;
}

std::set<int64_t> groups_with(db::Connection& db, const std::string& name, const std::string& table,
                              int64_t record_id) {
    std::set<int64_t> out;
    for (const auto& r : db.query("SELECT SQL_CACHE group_id FROM auth_permission WHERE name = ? AND table_name = ? "
                                  "AND record_id = ?",
                                  {name, table, record_id}))
        if (r.at(0)) out.insert(r.integer(0));
    return out;
}

std::set<int64_t> records_with(db::Connection& db, const std::string& name, const std::string& table,
                               const std::set<int64_t>& groups) {
    std::set<int64_t> out;
    if (groups.empty()) return out;
    db::Params p{name, table};
    for (int64_t g : groups) p.emplace_back(static_cast<long long>(g));
    auto rows = db.query("SELECT DISTINCT record_id FROM auth_permission WHERE name = ? AND table_name = ? "
                         "AND record_id > 0 AND group_id IN (" + placeholders(groups.size()) + ")",
                         p);
    for (const auto& r : rows) out.insert(r.integer(0));
    return out;
}

std::optional<int64_t> group_id_by_role(db::Connection& db, const std::string& role) {
    auto r = db.query_one("SELECT id FROM auth_group WHERE role = ? ORDER BY id LIMIT 1", {role});
    if (!r) return std::nullopt;
    return r->integer(0);
}

std::optional<std::pair<std::string, int64_t>> set_detail(db::Connection& db, int64_t sample_set_id) {
    auto t = db.query_one("SELECT sample_type FROM sample_set WHERE id = ?", {sample_set_id});
    if (!t) return std::nullopt;
    std::string type = t->str(0);
    // The type names the detail table; only these three exist.
    if (type != "patient" && type != "run" && type != "generic") return std::make_pair(type, int64_t(0));
    auto d = db.query_one("SELECT id FROM " + type + " WHERE sample_set_id = ? ORDER BY id LIMIT 1", {sample_set_id});
    return std::make_pair(type, d ? d->integer(0) : int64_t(0));
}

std::set<int64_t> sets_of_file(db::Connection& db, int64_t sequence_file_id) {
    std::set<int64_t> out;
    for (const auto& r : db.query("SELECT SQL_CACHE sample_set_id FROM sample_set_membership WHERE sequence_file_id = ? "
                                  "AND sample_set_id IS NOT NULL",
                                  {sequence_file_id}))
        out.insert(r.integer(0));
    return out;
}

}  // namespace vidjil::model
