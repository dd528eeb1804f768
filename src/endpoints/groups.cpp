// Handlers of group/*: listing, creating, editing and deleting groups, members and rights.
#include "endpoints/admin.h"
#include "endpoints/endpoints.h"
#include "model/groups.h"
#include "model/users.h"
#include "util/log.h"
#include "util/text.h"

#include <algorithm>
#include <set>

namespace vidjil::endpoints {

namespace {

const char* kRights[] = {"create", "read", "admin", "upload", "run", "save", "anon"};

Json::Value redirect_info(int64_t gid, const std::string& message) {
    Json::Value v(Json::objectValue);
    v["redirect"] = "group/info";
    v["args"]["id"] = std::to_string(gid);
    v["message"] = message;
    return v;
}

Json::Value redirect_index(const std::string& message) {
    Json::Value v(Json::objectValue);
    v["redirect"] = "group/index";
    v["message"] = message;
    return v;
}

bool is_special(Context& c, const model::GroupRow& g) {
    return g.role == "admin" || g.role == c.cfg.get("PUBLIC_GROUP_NAME", "public");
}

render::Data group_data(const model::GroupRow& g) {
    render::Data d;
    d.set("id", std::to_string(g.id));
    d.set("role", g.role);
    d.set("description", g.description);
    d.set("members", std::to_string(g.members));
    std::string letters, parents;
    for (const auto& r : g.rights) letters += r == "admin" ? "e" : r == "read" ? "" : r.substr(0, 1);
    for (const auto& p : g.parents) parents += (parents.empty() ? "" : ", ") + p;
    d.set("rights", letters);
    d.set("parents", parents);
    return d;
}

}  // namespace

Response group_index(Context& c) {
    render::Data rows = render::list();
    for (const auto& g : model::list_groups(c.db, std::nullopt)) rows.push_back(group_data(g));
    render::Data d;
    d.set("groups", rows);
    return c.page("group/index", d);
}

Response group_add(Context& c) {
    render::Data parents = render::list();
    for (const auto& g : model::list_groups(c.db, std::nullopt)) parents.push_back(group_data(g));
    render::Data d;
    d.set("parents", parents);
    return c.page("group/add", d);
}

Response group_add_form(Context& c) {
    std::string name = text::trim(c.params.get("group_name"));
    if (name.empty()) return Response::error("group name needed, ");
    if (model::group_by_role(c.db, name)) return Response::error("a group named '" + name + "' already exists");
    // The form sends "None" for no parent.
    int64_t parent = text::parse_int(c.params.get("group_parent")).value_or(0);
    db::Transaction tx(c.db);
    int64_t gid = model::insert_group(c.db, name, text::trim(c.params.get("info")));
    model::add_membership(c.db, c.user_id(), gid);
    for (const char* r : {"create", "read", "admin", "upload", "save"}) model::add_permission(c.db, gid, r, "sample_set", 0);
    model::add_permission(c.db, gid, "access", "auth_group", gid);
    if (parent > 0 && model::group_row(c.db, parent)) {
        // One level of hierarchy, as the original: a parent that is itself a child hands over
        // to its own parents.
        std::vector<int64_t> grand = model::parent_groups(c.db, parent);
        std::vector<int64_t> parents = grand.empty() ? std::vector<int64_t>{parent} : grand;
        for (int64_t p : parents) {
            model::add_group_parent(c.db, p, gid);
            model::add_permission(c.db, p, "access", "auth_group", gid);
        }
    }
    c.audit("group_create", "auth_group", gid, name);
    tx.commit();
    Json::Value v = redirect_index("group '" + std::to_string(gid) + "' (" + name + ") created");
    v["group_id"] = static_cast<Json::Int64>(gid);
    return Response::json_text(v);
}

Response group_edit(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto g = model::group_row(c.db, id);
    if (!g) return Response::message("access denied");  // can_modify_group(id): route table
    return c.page("group/edit", group_data(*g));
}

Response group_edit_form(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto g = model::group_row(c.db, id);
    if (!g) return Response::error("access denied");  // can_modify_group(id): route table
    std::string name = text::trim(c.params.get("group_name", g->role));
    if (name.empty()) return Response::error("group name needed, ");
    if (is_special(c, *g) && name != g->role) return Response::error("the " + g->role + " group cannot be renamed");
    if (name != g->role && model::group_by_role(c.db, name)) return Response::error("a group named '" + name + "' already exists");
    model::update_group(c.db, id, name, text::trim(c.params.get("info", g->description)));
    c.audit("group_edit", "auth_group", id, name);
    return Response::json_text(redirect_index("group '" + std::to_string(id) + "' modified"));
}

Response group_confirm(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto g = model::group_row(c.db, id);
    if (!g) return Response::message("access denied");  // can_modify_group(id): route table
    render::Data d = group_data(*g);
    d.set("orphans", std::to_string(model::sets_only_owned_by(c.db, id)));
    return c.page("group/confirm", d);
}

Response group_delete(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto g = model::group_row(c.db, id);
    if (!g) return Response::error("access denied");  // can_modify_group(id): route table
    if (is_special(c, *g)) return Response::error("the " + g->role + " group cannot be deleted");
    // The original deleted the group and left its sample sets owned by nobody (model.md §9.2).
    if (int64_t n = model::sets_only_owned_by(c.db, id); n > 0)
        return Response::error("group '" + g->role + "' still owns " + std::to_string(n) +
                               " sample set(s): share them with another group or delete them first");
    model::delete_group(c.db, id);
    c.audit("group_delete", "auth_group", id, g->role);
    return Response::json_text(redirect_index("group '" + std::to_string(id) + "' deleted"));
}

Response group_info(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto g = model::group_row(c.db, id);
    if (!g) return Response::message("access denied");  // can_view_group(id): route table
    bool can_modify = c.perm().can_modify_group(id);
    render::Data d = group_data(*g);
    render::Data rights = render::list();
    for (const char* r : kRights) {
        render::Data e;
        e.set("right", r);
        e.set("checked", std::find(g->rights.begin(), g->rights.end(), r) != g->rights.end());
        e.set("editable", c.perm().is_admin());  // display
        rights.push_back(e);
    }
    d.set("rights_list", rights);
    render::Data members = render::list();
    for (const auto& m : model::group_members(c.db, id)) {
        render::Data e;
        e.set("user_id", std::to_string(m.id));
        e.set("name", m.first_name + " " + m.last_name);
        e.set("email", m.email);
        e.set("last_login", m.last_login);
        e.set("can_kick", can_modify);
        members.push_back(e);
    }
    d.set("member_list", members);
    d.set("can_modify", can_modify);
    if (can_modify) {
        render::Data users = render::list();
        for (const auto& [uid, name] : model::all_user_names(c.db)) {
            render::Data u;
            u.set("id", std::to_string(uid));
            u.set("name", name);
            users.push_back(u);
        }
        d.set("users", users);
    }
    return c.page("group/info", d);
}

static Response membership_change(Context& c, bool add) {
    int64_t gid = c.params.get_int("group_id", 0), uid = c.params.get_int("user_id", 0);
    auto g = model::group_row(c.db, gid);
    if (!g || !c.perm().can_modify_group(gid) || !model::user_by_id(c.db, uid)) {
        log::warn("group membership change refused for user " + std::to_string(c.user_id()));
        Json::Value v = redirect_info(gid, std::string("you don't have permission to ") + (add ? "invite" : "kick") + " people");
        v["success"] = "false";
        return Response::json_text(v);
    }
    // The admin group never loses its last member, and an administrator cannot lock themself out.
    if (!add && g->role == "admin" && (uid == c.user_id() || model::group_members(c.db, gid).size() <= 1))
        return Response::error("an administrator cannot remove themself, nor the last administrator, from the admin group");
    if (add) model::add_membership(c.db, uid, gid);
    else model::remove_membership(c.db, uid, gid);
    c.audit(add ? "group_invite" : "group_kick", "auth_group", gid, "user " + std::to_string(uid));
    return Response::json_text(redirect_info(gid, "user '" + std::to_string(uid) + "' " +
                                                      (add ? "added to" : "removed from") + " group '" +
                                                      std::to_string(gid) + "'"));
}

Response group_invite(Context& c) { return membership_change(c, true); }
Response group_kick(Context& c) { return membership_change(c, false); }

Response group_rights(Context& c) {
    int64_t gid = c.params.get_int("id", 0);
    std::string right = c.params.get("right"), table = c.params.get("name", "sample_set");
    auto g = model::group_row(c.db, gid);
    bool known = std::find(std::begin(kRights), std::end(kRights), right) != std::end(kRights);
    static const std::set<std::string> tables = {"sample_set", "patient", "run", "generic", "config", "pre_process",
                                                  "auth_group"};
    if (!g || !known || !tables.count(table)) return Response::error("unknown group, right or table");
    bool value = c.params.get_bool("value");
    if (value) model::add_permission(c.db, gid, right, table, 0);
    else model::remove_permission(c.db, gid, right, table, 0);
    c.audit("group_rights", "auth_group", gid, (value ? "add " : "remove ") + right + " on " + table);
    return Response::json_text(redirect_info(gid, std::string(value ? "add" : "remove") + " '" + right +
                                                      "' permission on '" + table + "' for group " + g->role));
}

}  // namespace vidjil::endpoints
