// Handlers of admin/index, user/index and user/info (administration overview and user list).
#include "endpoints/admin.h"

#include <ctime>

#include "jobs/hosts.h"
#include "model/groups.h"
#include "model/monitor.h"
#include "model/runner_hosts.h"
#include "model/users.h"

namespace vidjil::endpoints {

Response admin_index(Context& c) {
    model::JobCounts j = model::job_counts(c.db);
    Json::Value d(Json::objectValue);
    d["queued"] = std::to_string(j.queued);
    d["running"] = std::to_string(j.running);
    d["failed"] = std::to_string(j.failed);
    d["last_results"] = j.last_results;
    d["users"] = std::to_string(j.users);
    d["sample_sets"] = std::to_string(j.sample_sets);
    d["sequence_files"] = std::to_string(j.sequence_files);
    // Runner hosts and their last heartbeat (admin/clean_workers_status clears the dead ones).
    int64_t now = std::time(nullptr), stale = jobs::heartbeat_timeout(c.cfg);
    Json::Value runners(Json::arrayValue);
    for (const auto& h : model::runner_hosts(c.db)) {
        Json::Value r(Json::objectValue);
        r["host"] = h.host;
        r["running"] = std::to_string(h.running);
        r["last_heartbeat"] = h.heartbeat ? std::to_string(now - *h.heartbeat) + " s ago" : "never";
        r["alive"] = h.heartbeat && now - *h.heartbeat <= stale;
        runners.append(r);
    }
    d["runners"] = runners;
    return c.page("admin/index", d);
}

Response user_index(Context& c) {
    std::string sort = c.params.get("sort", "id");
    bool reverse = c.params.get("reverse") == "true";
    Json::Value rows(Json::arrayValue);
    for (const auto& u : model::list_users(c.db, sort, reverse)) {
        Json::Value r(Json::objectValue);
        r["id"] = std::to_string(u.id);
        r["name"] = u.first_name + " " + u.last_name;
        r["email"] = u.email;
        r["last_login"] = u.last_login;
        r["files"] = std::to_string(u.files);
        std::string groups;
        for (const auto& g : u.groups) groups += (groups.empty() ? "" : ", ") + g;
        r["groups"] = groups;
        r["not_me"] = u.id != c.user_id();
        rows.append(r);
    }
    Json::Value d(Json::objectValue);
    d["message"] = "users";
    d["query"] = rows;
    d["reverse_next"] = reverse ? "false" : "true";
    return c.page("user/index", d);
}

Response user_info(Context& c) {
    int64_t id = c.params.get_int("id", c.user_id());
    // The original showed any user's groups to anyone (api.md §6.1-11): self or admin only
    // (can_modify_user(id), route table).
    auto u = model::user_by_id(c.db, id);
    if (!u) return Response::message("access denied");
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(u->id);
    d["name"] = u->first_name + " " + u->last_name;
    d["email"] = u->email;
    Json::Value groups(Json::arrayValue);
    for (const auto& g : model::user_group_roles(c.db, id)) {
        Json::Value e(Json::objectValue);
        e["role"] = g;
        groups.append(e);
    }
    d["groups"] = groups;
    return c.page("user/info", d);
}

}  // namespace vidjil::endpoints
