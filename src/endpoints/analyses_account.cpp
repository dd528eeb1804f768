// my_account/index and my_account/jobs: what the user's groups hold and the analyses of the
// last 30 days (api.md §3.7). Names of patients follow the anonymisation rules (model.md §2.6).
#include <map>

#include "endpoints/analyses.h"
#include "model/analyses.h"
#include "model/jobs.h"
#include "model/users.h"
#include "util/text.h"

namespace vidjil::endpoints {

namespace {

// The user's groups; an administrator may look at others (group_ids, or the original's
// data={"group_ids":[...]}).
std::vector<int64_t> viewed_groups(Context& c) {
    std::vector<int64_t> ids;
    if (c.perm().is_admin()) {  // scope: an administrator may look at any group
        ids = c.params.int_list("group_ids");
        for (int64_t id : c.params.int_list("group_ids[]")) ids.push_back(id);
        const Json::Value& data = c.params.json("data");
        if (data.isObject() && data["group_ids"].isArray()) {
            for (const auto& v : data["group_ids"]) {
                if (v.isIntegral()) ids.push_back(v.asInt64());
                else if (auto n = text::parse_int(v.isString() ? v.asString() : "")) ids.push_back(*n);
            }
        }
    }
    if (ids.empty()) ids = model::user_group_ids(c.db, c.user_id());
    return ids;
}

class Names {
public:
    explicit Names(Context& c) : c_(c) {}
    const std::string& of(int64_t ss) {
        auto it = cache_.find(ss);
        if (it != cache_.end()) return it->second;
        auto s = model::set_info(c_.db, ss);
        return cache_[ss] = s ? model::display_name(*s, c_.perm().can_view_info(ss), c_.perm().is_admin()) : "?";
    }

private:
    Context& c_;
    std::map<int64_t, std::string> cache_;
};

std::string letter(const std::string& status) { return status.empty() ? "?" : status.substr(0, 1); }

}  // namespace

Response my_account_index(Context& c) {
    Names names(c);
    Json::Value groups(Json::arrayValue);
    for (const auto& [gid, role] : model::groups_by_id(c.db, viewed_groups(c))) {
        Json::Value g(Json::objectValue);
        g["role"] = role;
        auto [sets, files] = model::group_counts(c.db, gid);
        g["sets"] = std::to_string(sets);
        g["files"] = std::to_string(files);
        std::map<std::string, int> counts;
        Json::Value results(Json::arrayValue);
        size_t shown = 0;
        for (const auto& j : model::recent_jobs(c.db, {gid}, 30)) {
            ++counts[j.status];
            if (shown++ >= 10) continue;
            Json::Value r(Json::objectValue);
            r["sample_set_id"] = std::to_string(j.sample_set_id);
            r["config_id"] = std::to_string(j.config_id);
            r["set_name"] = names.of(j.sample_set_id);
            r["config_name"] = j.config_name;
            r["run_date"] = j.run_date;
            r["status"] = j.status;
            r["title_js"] = render::js_string("(" + names.of(j.sample_set_id) + " " + std::to_string(j.config_id) + ")");
            results.append(r);
        }
        Json::Value statuses(Json::arrayValue);
        for (const auto& [status, n] : counts) {
            Json::Value s(Json::objectValue);
            s["status"] = status;
            s["letter"] = letter(status);
            s["count"] = std::to_string(n);
            statuses.append(s);
        }
        Json::Value analyses(Json::arrayValue);
        for (const auto& a : model::recent_analyses(c.db, gid, 10)) {
            Json::Value e(Json::objectValue);
            e["sample_set_id"] = std::to_string(a.sample_set_id);
            e["set_name"] = names.of(a.sample_set_id);
            e["date"] = a.analyze_date;
            analyses.append(e);
        }
        g["statuses"] = statuses;
        g["results"] = results;
        g["analyses"] = analyses;
        groups.append(g);
    }
    Json::Value d(Json::objectValue);
    d["groups"] = groups;
    return c.page("my_account/index", d);
}

Response my_account_jobs(Context& c) {
    Names names(c);
    Json::Value jobs(Json::arrayValue);
    for (const auto& j : model::recent_jobs(c.db, viewed_groups(c), 30)) {
        Json::Value r(Json::objectValue);
        r["results_file_id"] = std::to_string(j.results_file_id);
        r["status"] = j.status;
        r["sample_set_id"] = std::to_string(j.sample_set_id);
        r["set_name"] = names.of(j.sample_set_id);
        r["filename"] = j.filename;
        r["config_id"] = std::to_string(j.config_id);
        r["config_name"] = j.config_name;
        r["run_date"] = j.run_date;
        r["started_at"] = j.started_at;
        r["ended_at"] = j.ended_at;
        r["completed"] = j.status == "COMPLETED";
        r["title_js"] = render::js_string("(" + names.of(j.sample_set_id) + " " + std::to_string(j.config_id) + ")");
        jobs.append(r);
    }
    Json::Value d(Json::objectValue);
    d["jobs"] = jobs;
    return c.page("my_account/jobs", d);
}

}  // namespace vidjil::endpoints
