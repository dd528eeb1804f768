// Handlers that administer one set: delete (with its confirmation page) and the sharing page
// with its toggle (sample_set/confirm, delete, permission, change_permission; api.md §2.4).
#include "endpoints/sets.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

Response sample_set_confirm(Context& c) {
    int64_t id = c.params.get_int("id", 0);  // can_modify_sample_set(id): route table
    auto s = model::sample_set_by_id(c.db, id);
    if (!s) return access_denied();
    auto files = model::files_of_set(c.db, id);
    size_t shared = 0;
    for (int64_t f : files)
        if (model::sets_of_sequence_file(c.db, f).size() > 1) ++shared;
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(id);
    d["type"] = s->type;
    d["name"] = display_name(*s, can_see_names(c, id));
    d["files"] = std::to_string(files.size() - shared);
    d["shared"] = std::to_string(shared);
    d["has_shared"] = shared > 0;
    d["trash"] = !c.cfg.get("DIR_TRASH", "").empty();
    c.audit("read", "sample_set", id, "delete confirmation");
    return c.page("sample_set/confirm", d);
}

Response sample_set_delete(Context& c) {
    int64_t id = c.params.get_int("id", 0);  // can_modify_sample_set(id): route table
    auto s = model::sample_set_by_id(c.db, id);
    if (!s) return access_denied();
    db::Transaction tx(c.db);
    model::RemovedFiles removed = model::delete_sample_set(c.db, *s);
    log_change(c, "delete", "sample_set", id,
               "sample set (" + std::to_string(id) + ") deleted, " + std::to_string(removed.sequences.size() + removed.links.size()) +
                   " sequence file(s) removed");
    tx.commit();
    dispose_files(c, model::FileRemoval{removed.sequences, removed.results, removed.links});
    Json::Value v(Json::objectValue);
    v["redirect"] = "sample_set/all";
    Json::Value args(Json::objectValue);
    args["type"] = s->type;
    args["page"] = 0;
    v["args"] = args;
    v["success"] = "true";
    v["message"] = "sample set (" + std::to_string(id) + ") deleted";
    return Response::json_text(v);
}

Response sample_set_permission(Context& c) {
    int64_t id = c.params.get_int("id", 0);  // can_modify_sample_set(id): route table
    auto s = model::sample_set_by_id(c.db, id);
    if (!s) return access_denied();
    std::set<int64_t> granted;
    for (const auto& g : model::set_groups(c.db, id)) granted.insert(g.first);
    Json::Value rows(Json::arrayValue);
    // Group roles only: the members' names are not shown (the original listed every user).
    for (const auto& [gid, role] : model::groups_named(c.db, true, {})) {
        if (role == "admin") continue;
        Json::Value r(Json::objectValue);
        r["gid"] = std::to_string(gid);
        r["role"] = role;
        r["checked"] = granted.count(gid) > 0;
        rows.append(r);
    }
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(id);
    d["name"] = display_name(*s, can_see_names(c, id));
    d["type"] = s->type;
    d["groups"] = rows;
    c.audit("read", "sample_set", id, "permission page");
    return c.page("sample_set/permission", d);
}

Response sample_set_change_permission(Context& c) {
    auto ss = c.params.get_int("sample_set_id");
    auto gid = c.params.get_int("group_id");
    if (!ss || !gid) {
        Json::Value v(Json::objectValue);
        v["message"] = "incomplete request : sample_set_id and group_id are needed";
        return Response::json_text(v);
    }
    if (!c.perm().can_modify_sample_set(*ss) || !model::sample_set_by_id(c.db, *ss)) return access_denied();
    auto groups = model::groups_named(c.db, false, {*gid});
    if (groups.empty()) {
        Json::Value v(Json::objectValue);
        v["message"] = "incomplete request : no such group";
        return Response::json_text(v);
    }
    auto current = model::set_groups(c.db, *ss);
    if (current.size() == 1 && current.front().first == *gid) {
        // The last group is the owner: without it the set would be lost to everyone but admins.
        Json::Value v(Json::objectValue);
        v["success"] = "false";
        v["message"] = "access 'access' cannot be removed from '" + http::msg_value(groups.front().second) +
                       "': a set keeps at least one group";
        return Response::json_text(v);
    }
    db::Transaction tx(c.db);
    bool granted = model::toggle_set_access(c.db, *ss, *gid);
    std::string msg = "access 'access' " + std::string(granted ? "granted" : "deleted") + " to '" + http::msg_value(groups.front().second) + "'";
    log_change(c, "change_permission", "sample_set", *ss, msg + " (group " + std::to_string(*gid) + ")");
    tx.commit();
    Json::Value v(Json::objectValue);
    v["message"] = msg;
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
