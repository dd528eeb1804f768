// sample_set/custom: the page where a user picks results of any sets they may read and compares
// them (default/get_custom_data), or previews their quality (sample_set/multi_sample_stats).
#include <algorithm>
#include <map>

#include "endpoints/analyses.h"
#include "model/analyses.h"
#include "model/configs.h"
#include "model/results.h"
#include "util/text.h"

namespace vidjil::endpoints {

namespace {

constexpr size_t kMaxRows = 500;

// {'<config name>': [ids], ...} for the client's checkbox helpers (JavaScript literal).
std::string config_map_js(const std::vector<std::pair<std::string, std::vector<int64_t>>>& groups) {
    std::string out = "{";
    for (size_t i = 0; i < groups.size(); ++i) {
        out += (i ? ", " : "") + render::js_string(groups[i].first) + ": [";
        for (size_t j = 0; j < groups[i].second.size(); ++j) out += (j ? ", " : "") + std::to_string(groups[i].second[j]);
        out += "]";
    }
    return out + "}";
}

std::string ids_js(const std::vector<int64_t>& ids) {
    std::string out = "[";
    for (size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
    return out + "]";
}

// Every word of the filter is found (case-insensitively) in what the row shows.
bool matches(const std::vector<std::string>& words, const std::string& shown) {
    std::string hay = text::to_lower(shown);
    return std::all_of(words.begin(), words.end(),
                       [&](const std::string& w) { return hay.find(text::to_lower(w)) != std::string::npos; });
}

}  // namespace

Response sample_set_custom(Context& c) {
    if (!c.params.has("id")) return Response::error("Missing field id");
    int64_t id = c.params.get_int("id", 0);
    if (id > 0 && !c.perm().can_view_sample_set(id)) return Response::message("access denied");
    int64_t config_id = c.params.get_int("config_id", -1);
    std::string filter = text::trim(c.params.get("filter"));
    std::vector<int64_t> kept = c.params.int_list("custom_list");
    std::vector<std::string> words;
    for (const auto& w : text::split(filter, ' '))
        if (!w.empty()) words.push_back(w);

    // Without a filter, the results of the set the user came from; with one, of every set they
    // may read. Patient names are shown (and searched) only as the reader may see them.
    auto readable = c.perm().accessible("read", "sample_set");
    std::optional<int64_t> only = words.empty() && id > 0 ? std::optional<int64_t>(id) : std::nullopt;
    auto candidates = model::custom_candidates(c.db, readable, only, config_id, kMaxRows * 4);
    std::vector<std::pair<std::string, std::vector<int64_t>>> by_config;
    std::vector<int64_t> all_ids;
    render::Data rows = render::list();
    std::map<int64_t, bool> seen;
    for (const auto& r : candidates) {
        if (seen.count(r.results_file_id) || all_ids.size() >= kMaxRows) continue;
        model::SetInfo set;
        set.id = r.sample_set_id;
        set.sample_type = r.sample_type;
        set.detail_id = r.detail_id;
        set.first_name = r.first_name;
        set.last_name = r.last_name;
        set.name = r.set_name;
        std::string set_name = model::display_name(set, c.perm().can_view_info(set.id), c.is_admin());
        bool checked = std::find(kept.begin(), kept.end(), r.results_file_id) != kept.end();
        if (!checked && !matches(words, r.filename + " " + r.info + " " + set_name + " " + r.config_name)) continue;
        seen[r.results_file_id] = true;
        all_ids.push_back(r.results_file_id);
        auto g = std::find_if(by_config.begin(), by_config.end(), [&](const auto& x) { return x.first == r.config_name; });
        if (g == by_config.end()) by_config.push_back({r.config_name, {r.results_file_id}});
        else g->second.push_back(r.results_file_id);
        render::Data row;
        row.set("rid", std::to_string(r.results_file_id));
        row.set("filename", r.filename);
        row.set("set_name", set_name);
        row.set("config_name", r.config_name);
        row.set("sampling_date", r.sampling_date);
        row.set("info", r.info);
        row.set("run_date", r.run_date);
        row.set("checked", checked);
        rows.push_back(row);
    }
    std::string map_js = config_map_js(by_config);
    render::Data d;
    d.set("rows", rows);
    d.set("count", std::to_string(all_ids.size()));
    d.set("filter", filter);
    d.set("id_js", std::to_string(id));
    d.set("map_js", map_js);
    d.set("all_ids_js", ids_js(all_ids));
    render::Data groups = render::list();
    for (const auto& [name, ids] : by_config) {
        render::Data g;
        g.set("name", name);
        g.set("ids_js", ids_js(ids));
        groups.push_back(g);
    }
    d.set("config_groups", groups);
    render::Data configs = render::list();
    auto usable = c.perm().accessible("read", "config");
    for (const auto& cfg : model::all_configs(c.db)) {
        if (usable && !usable->count(cfg.id)) continue;
        render::Data o;
        o.set("id", std::to_string(cfg.id));
        o.set("name", cfg.name);
        o.set("selected", cfg.id == config_id);
        configs.push_back(o);
    }
    d.set("configs", configs);
    d.set("all_selected", config_id < 0);
    c.audit("custom", "sample_set", id > 0 ? std::optional<int64_t>(id) : std::nullopt, "filter " + filter);
    return c.page("sample_set/custom", d);
}

}  // namespace vidjil::endpoints
