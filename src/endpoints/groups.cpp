// Handlers of group/*: listing, creating, editing and deleting groups, members and rights.
#include "endpoints/admin.h"
#include "endpoints/endpoints.h"
#include "model/admin_cli.h"
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

Json::Value group_data(const model::GroupRow& g) {
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(g.id);
    d["role"] = g.role;
    d["description"] = g.description;
    d["members"] = std::to_string(g.members);
    std::string letters, parents;
    for (const auto& r : g.rights) letters += r == "admin" ? "e" : r == "read" ? "" : r.substr(0, 1);
    for (const auto& p : g.parents) parents += (parents.empty() ? "" : ", ") + p;
    d["rights"] = letters;
    d["parents"] = parents;
    return d;
}

}  // namespace

Response group_index(Context& c) {
    Json::Value rows(Json::arrayValue);
    for (const auto& g : model::list_groups(c.db, std::nullopt)) rows.append(group_data(g));
    Json::Value d(Json::objectValue);
    d["message"] = "groups";
    d["query"] = rows;
    return c.page("group/index", d);
}

Response group_add(Context& c) {
    Json::Value parents(Json::arrayValue);
    for (const auto& g : model::list_groups(c.db, std::nullopt)) parents.append(group_data(g));
    Json::Value d(Json::objectValue);
    d["parents"] = parents;
    return c.page("group/add", d);
}

Response group_add_form(Context& c) {
    std::string name = text::trim(c.params.get("group_name"));
    if (name.empty()) return Response::error("group name needed, ");
    if (model::group_by_role(c.db, name)) return Response::error("a group named '" + http::msg_value(name) + "' already exists");
    // The form sends "None" for no parent.
    int64_t parent = text::parse_int(c.params.get("group_parent")).value_or(0);
    db::Transaction tx(c.db);
    int64_t gid = model::create_group(c.db, name, text::trim(c.params.get("info")),
                                      parent > 0 ? std::optional<int64_t>(parent) : std::nullopt, c.user_id());
    c.audit("group_create", "auth_group", gid, name);
    tx.commit();
    Json::Value v = redirect_index("group '" + std::to_string(gid) + "' (" + http::msg_value(name) + ") created");
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
    if (is_special(c, *g) && name != g->role) return Response::error("the " + http::msg_value(g->role) + " group cannot be renamed");
    if (name != g->role && model::group_by_role(c.db, name)) return Response::error("a group named '" + http::msg_value(name) + "' already exists");
    model::update_group(c.db, id, name, text::trim(c.params.get("info", g->description)));
    c.audit("group_edit", "auth_group", id, name);
    return Response::json_text(redirect_index("group '" + std::to_string(id) + "' modified"));
}

Response group_confirm(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto g = model::group_row(c.db, id);
    if (!g) return Response::message("access denied");  // can_modify_group(id): route table
    Json::Value d = group_data(*g);
    d["orphans"] = std::to_string(model::sets_only_owned_by(c.db, id));
    return c.page("group/confirm", d);
}

Response group_delete(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto g = model::group_row(c.db, id);
    if (!g) return Response::error("access denied");  // can_modify_group(id): route table
    if (is_special(c, *g)) return Response::error("the " + http::msg_value(g->role) + " group cannot be deleted");
    // The original deleted the group and left its sample sets owned by nobody (model.md §9.2).
    if (int64_t n = model::sets_only_owned_by(c.db, id); n > 0)
        return Response::error("group '" + http::msg_value(g->role) + "' still owns " + std::to_string(n) +
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
    Json::Value d = group_data(*g);
    Json::Value rights(Json::arrayValue);
    for (const char* r : kRights) {
        Json::Value e(Json::objectValue);
        e["right"] = r;
        e["checked"] = std::find(g->rights.begin(), g->rights.end(), r) != g->rights.end();
        e["editable"] = c.perm().is_admin();  // display
        rights.append(e);
    }
    d["rights_list"] = rights;
    Json::Value members(Json::arrayValue);
    for (const auto& m : model::group_members(c.db, id)) {
        Json::Value e(Json::objectValue);
        e["user_id"] = std::to_string(m.id);
        e["name"] = m.first_name + " " + m.last_name;
        e["email"] = m.email;
        e["last_login"] = m.last_login;
        e["can_kick"] = can_modify;
        members.append(e);
    }
    d["member_list"] = members;
    d["can_modify"] = can_modify;
    if (can_modify) {
        Json::Value users(Json::arrayValue);
        for (const auto& [uid, name] : model::all_user_names(c.db)) {
            Json::Value u(Json::objectValue);
            u["id"] = std::to_string(uid);
            u["name"] = name;
            users.append(u);
        }
        d["users"] = users;
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
                                                      "' permission on '" + table + "' for group " + http::msg_value(g->role)));
}

}  // namespace vidjil::endpoints
