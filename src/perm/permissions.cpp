// Implementation of the permission model (see permissions.h and model.md §2).
#include "perm/permissions.h"

#include <tuple>

#include "db/change_counter.h"
#include "model/acl.h"

namespace vidjil::perm {

namespace {

// Per-process caches of the reads below, valid for one value of the change counter (every
// table they read from is in db::change_tables()). A request without a counter (caches off,
// CGI mode, no session) reads the database as before.
db::ChangeCache<std::pair<int64_t, std::string>, model::UserAcl> acl_cache;
db::ChangeCache<std::string, std::optional<int64_t>> role_cache;
db::ChangeCache<std::tuple<std::string, std::string, int64_t>, std::set<int64_t>> grant_cache;
db::ChangeCache<int64_t, std::optional<std::pair<std::string, int64_t>>> detail_cache;
db::ChangeCache<int64_t, std::set<int64_t>> file_sets_cache;

}  // namespace

Permissions::Permissions(db::Connection& db, int64_t user_id, std::string public_role, std::string admin_role,
                         std::optional<uint64_t> change)
    : db_(db),
      user_id_(user_id),
      public_role_(std::move(public_role)),
      admin_role_(std::move(admin_role)),
      change_(change) {}

void Permissions::load_groups() {
    if (loaded_) return;
    loaded_ = true;
    if (user_id_ <= 0) {
        admin_ = false;
        return;
    }
    model::UserAcl acl = acl_cache.get(change_, std::make_pair(user_id_, admin_role_),
                                [&] { return model::user_acl(db_, user_id_, admin_role_); });
    groups_ = std::move(acl.groups);
    parents_ = std::move(acl.parents);
    capabilities_ = std::move(acl.capabilities);
    admin_ = acl.admin;
}

const std::set<int64_t>& Permissions::groups() {
    load_groups();
    return groups_;
}

bool Permissions::is_admin() {
    load_groups();
    if (!admin_) {
        auto admin_group = role_cache.get(change_, admin_role_, [&] { return model::group_id_by_role(db_, admin_role_); });
        admin_ = admin_group && groups().count(*admin_group) > 0;
    }
    return *admin_;
}

std::optional<int64_t> Permissions::public_group() {
    if (!public_group_)
        public_group_ = role_cache.get(change_, public_role_, [&] { return model::group_id_by_role(db_, public_role_); });
    return *public_group_;
}

const std::set<int64_t>& Permissions::perm_groups(const std::string& action) {
    auto it = perm_groups_.find(action);
    if (it != perm_groups_.end()) return it->second;
    load_groups();
    std::set<int64_t> out;
    for (int64_t g : groups_) {
        auto caps = capabilities_.find(g);
        if (caps == capabilities_.end() || !caps->second.count(action)) continue;
        out.insert(g);
        auto p = parents_.find(g);
        if (p != parents_.end()) out.insert(p->second.begin(), p->second.end());
    }
    return perm_groups_[action] = out;
}

const std::set<int64_t>& Permissions::access_groups(const std::string& table, int64_t id) {
    auto key = std::make_pair(table, id);
    auto it = access_.find(key);
    if (it != access_.end()) return it->second;
    load_groups();
    std::set<int64_t> holders = grant_cache.get(change_, std::make_tuple(std::string("access"), table, id),
                                       [&] { return model::groups_with(db_, "access", table, id); });
    std::set<int64_t> out;
    for (int64_t g : groups_) {
        if (holders.count(g)) {
            out.insert(g);
            continue;
        }
        // Members of a child group reach the objects of its parents (the child is returned).
        auto p = parents_.find(g);
        if (p == parents_.end()) continue;
        for (int64_t parent : p->second)
            if (holders.count(parent)) {
                out.insert(g);
                break;
            }
    }
    return access_[key] = out;
}

bool Permissions::get_permission(const std::string& action, const std::string& table, int64_t id) {
    if (user_id_ <= 0) return false;
    const std::set<int64_t>& pg = perm_groups(action);
    if (id == 0) return !pg.empty();
    const std::set<int64_t>& ag = access_groups(table, id);
    for (int64_t g : ag)
        if (pg.count(g)) return true;
    return false;
}

bool Permissions::has_permission(const std::string& name, const std::string& table, int64_t record_id) {
    auto grants = [&](int64_t id) {
        return grant_cache.get(change_, std::make_tuple(name, table, id),
                      [&] { return model::groups_with(db_, name, table, id); });
    };
    auto holders = grants(record_id);
    auto global = grants(0);
    holders.insert(global.begin(), global.end());
    // The public group, found by its role (the original hard-codes id 3).
    if (auto pub = public_group(); pub && holders.count(*pub)) return true;
    if (user_id_ <= 0) return false;
    for (int64_t g : groups())
        if (holders.count(g)) return true;
    return false;
}

std::optional<std::set<int64_t>> Permissions::accessible(const std::string& name, const std::string& table) {
    if (user_id_ <= 0) return std::set<int64_t>();
    if ((has_permission(name, table, 0) && has_permission("access", table, 0)) || is_admin()) return std::nullopt;
    load_groups();
    std::set<int64_t> capable;  // user's groups that hold the capability `name`
    for (int64_t g : groups_) {
        auto caps = capabilities_.find(g);
        if (caps != capabilities_.end() && caps->second.count(name)) capable.insert(g);
    }
    std::set<int64_t> ids = model::records_with(db_, "access", table, capable);
    std::set<int64_t> parents;
    for (int64_t g : capable) {
        auto p = parents_.find(g);
        if (p != parents_.end()) parents.insert(p->second.begin(), p->second.end());
    }
    auto via_parents = model::records_with(db_, "access", table, parents);
    ids.insert(via_parents.begin(), via_parents.end());
    // Step 3, the public group's rows, for members of the public group only (every registered
    // user; not the metrics account, which must see nothing).
    if (auto pub = public_group(); pub && groups_.count(*pub)) {
        auto pub_ids = model::records_with(db_, name, table, {*pub});
        ids.insert(pub_ids.begin(), pub_ids.end());
    }
    return ids;
}

bool Permissions::on_sample_set(const std::string& action, int64_t ss) {
    if (ss <= 0 || user_id_ <= 0) return false;
    if (get_permission(action, "sample_set", ss)) return true;
    // Grants on the legacy patient/run/generic rows are still honoured (imported data).
    auto detail = detail_cache.get(change_, ss, [&] { return model::set_detail(db_, ss); });
    return detail && detail->second > 0 && get_permission(action, detail->first, detail->second);
}

bool Permissions::can_create_sample_set() { return is_admin() || get_permission("create", "sample_set", 0); }
bool Permissions::can_create_sample_set_in_group(int64_t g) { return is_admin() || perm_groups("create").count(g); }
bool Permissions::can_view_sample_set(int64_t ss) { return is_admin() || on_sample_set("read", ss); }
bool Permissions::can_modify_sample_set(int64_t ss) { return is_admin() || on_sample_set("admin", ss); }
bool Permissions::can_upload_sample_set(int64_t ss) { return is_admin() || on_sample_set("upload", ss); }
bool Permissions::can_process_sample_set(int64_t ss) { return is_admin() || on_sample_set("run", ss); }
bool Permissions::can_save_sample_set(int64_t ss) { return is_admin() || on_sample_set("save", ss); }
bool Permissions::can_view_info(int64_t ss) { return on_sample_set("anon", ss); }

bool Permissions::can_modify_file(int64_t f) {
    if (is_admin()) return true;
    for (int64_t ss : file_sets_cache.get(change_, f, [&] { return model::sets_of_file(db_, f); }))
        if (can_modify_sample_set(ss)) return true;
    return false;
}

bool Permissions::can_view_file(int64_t f) {
    if (is_admin()) return true;
    for (int64_t ss : file_sets_cache.get(change_, f, [&] { return model::sets_of_file(db_, f); }))
        if (can_view_sample_set(ss)) return true;
    return false;
}

bool Permissions::can_use_config(int64_t c) {
    return is_admin() || get_permission("read", "config", c) || get_permission("admin", "config", c);
}
// Configs and pre-processes are command lines run on the workers: defining one, changing one or
// changing who may use it is for administrators only. The original also let `create_config` /
// `create` holders, and any `admin` holder whose group has access to the object (the capability
// table is not checked, model.md §2.2), do it.
bool Permissions::can_modify_config(int64_t) { return is_admin(); }
bool Permissions::can_modify_pre_process(int64_t) { return is_admin(); }
bool Permissions::can_view_group(int64_t g) { return is_admin() || get_permission("read", "auth_group", g); }
bool Permissions::can_modify_group(int64_t g) { return is_admin() || get_permission("admin", "auth_group", g); }
bool Permissions::can_modify_user(int64_t u) { return is_admin() || (u == user_id_ && u > 0); }

}  // namespace vidjil::perm
