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
    render::Data groups = render::list();
    for (const auto& [gid, role] : model::groups_by_id(c.db, viewed_groups(c))) {
        render::Data g;
        g.set("role", role);
        auto [sets, files] = model::group_counts(c.db, gid);
        g.set("sets", std::to_string(sets));
        g.set("files", std::to_string(files));
        std::map<std::string, int> counts;
        render::Data results = render::list();
        size_t shown = 0;
        for (const auto& j : model::recent_jobs(c.db, {gid}, 30)) {
            ++counts[j.status];
            if (shown++ >= 10) continue;
            render::Data r;
            r.set("sample_set_id", std::to_string(j.sample_set_id));
            r.set("config_id", std::to_string(j.config_id));
            r.set("set_name", names.of(j.sample_set_id));
            r.set("config_name", j.config_name);
            r.set("run_date", j.run_date);
            r.set("status", j.status);
            r.set("title_js", render::js_string("(" + names.of(j.sample_set_id) + " " + std::to_string(j.config_id) + ")"));
            results.push_back(r);
        }
        render::Data statuses = render::list();
        for (const auto& [status, n] : counts) {
            render::Data s;
            s.set("status", status);
            s.set("letter", letter(status));
            s.set("count", std::to_string(n));
            statuses.push_back(s);
        }
        render::Data analyses = render::list();
        for (const auto& a : model::recent_analyses(c.db, gid, 10)) {
            render::Data e;
            e.set("sample_set_id", std::to_string(a.sample_set_id));
            e.set("set_name", names.of(a.sample_set_id));
            e.set("date", a.analyze_date);
            analyses.push_back(e);
        }
        g.set("statuses", statuses);
        g.set("results", results);
        g.set("analyses", analyses);
        groups.push_back(g);
    }
    render::Data d;
    d.set("groups", groups);
    return c.page("my_account/index", d);
}

Response my_account_jobs(Context& c) {
    Names names(c);
    render::Data jobs = render::list();
    for (const auto& j : model::recent_jobs(c.db, viewed_groups(c), 30)) {
        render::Data r;
        r.set("results_file_id", std::to_string(j.results_file_id));
        r.set("status", j.status);
        r.set("sample_set_id", std::to_string(j.sample_set_id));
        r.set("set_name", names.of(j.sample_set_id));
        r.set("filename", j.filename);
        r.set("config_id", std::to_string(j.config_id));
        r.set("config_name", j.config_name);
        r.set("run_date", j.run_date);
        r.set("started_at", j.started_at);
        r.set("ended_at", j.ended_at);
        r.set("completed", j.status == "COMPLETED");
        r.set("title_js", render::js_string("(" + names.of(j.sample_set_id) + " " + std::to_string(j.config_id) + ")"));
        jobs.push_back(r);
    }
    render::Data d;
    d.set("jobs", jobs);
    return c.page("my_account/jobs", d);
}

}  // namespace vidjil::endpoints
