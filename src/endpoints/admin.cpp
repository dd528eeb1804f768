// Handlers of admin/index, user/index and user/info (administration overview and user list).
#include "endpoints/admin.h"

#include "model/groups.h"
#include "model/monitor.h"
#include "model/users.h"

namespace vidjil::endpoints {

Response admin_index(Context& c) {
    model::JobCounts j = model::job_counts(c.db);
    render::Data d;
    d.set("queued", std::to_string(j.queued));
    d.set("running", std::to_string(j.running));
    d.set("failed", std::to_string(j.failed));
    d.set("last_results", j.last_results);
    d.set("users", std::to_string(j.users));
    d.set("sample_sets", std::to_string(j.sample_sets));
    d.set("sequence_files", std::to_string(j.sequence_files));
    return c.page("admin/index", d);
}

Response user_index(Context& c) {
    std::string sort = c.params.get("sort", "id");
    bool reverse = c.params.get("reverse") == "true";
    render::Data rows = render::list();
    for (const auto& u : model::list_users(c.db, sort, reverse)) {
        render::Data r;
        r.set("id", std::to_string(u.id));
        r.set("name", u.first_name + " " + u.last_name);
        r.set("email", u.email);
        r.set("last_login", u.last_login);
        r.set("files", std::to_string(u.files));
        std::string groups;
        for (const auto& g : u.groups) groups += (groups.empty() ? "" : ", ") + g;
        r.set("groups", groups);
        r.set("not_me", u.id != c.user_id());
        rows.push_back(r);
    }
    render::Data d;
    d.set("users_list", rows);
    d.set("reverse_next", reverse ? "false" : "true");
    return c.page("user/index", d);
}

Response user_info(Context& c) {
    int64_t id = c.params.get_int("id", c.user_id());
    // The original showed any user's groups to anyone (api.md §6.1-11): self or admin only
    // (can_modify_user(id), route table).
    auto u = model::user_by_id(c.db, id);
    if (!u) return Response::message("access denied");
    render::Data d;
    d.set("id", std::to_string(u->id));
    d.set("name", u->first_name + " " + u->last_name);
    d.set("email", u->email);
    render::Data groups = render::list();
    for (const auto& g : model::user_group_roles(c.db, id)) {
        render::Data e;
        e.set("role", g);
        groups.push_back(e);
    }
    d.set("groups", groups);
    return c.page("user/info", d);
}

}  // namespace vidjil::endpoints
