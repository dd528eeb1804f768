// sample_set/custom: the page where a user picks results of any sets they may read and compares
// them (default/get_custom_data); sample_set/multi_sample_stats: the quality table of picked
// results.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <map>

#include "endpoints/analyses.h"
#include "jobs/paths.h"
#include "model/analyses.h"
#include "model/configs.h"
#include "model/events.h"
#include "model/results.h"
#include "model/sequence_files.h"
#include "util/fs.h"
#include "util/text.h"
#include "vidjil/vidjil_file.h"

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
    Json::Value rows(Json::arrayValue);
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
        std::string set_name = model::display_name(set, c.perm().can_view_info(set.id), c.perm().is_admin());
        bool checked = std::find(kept.begin(), kept.end(), r.results_file_id) != kept.end();
        if (!checked && !matches(words, r.filename + " " + r.info + " " + set_name + " " + r.config_name)) continue;
        seen[r.results_file_id] = true;
        all_ids.push_back(r.results_file_id);
        auto g = std::find_if(by_config.begin(), by_config.end(), [&](const auto& x) { return x.first == r.config_name; });
        if (g == by_config.end()) by_config.push_back({r.config_name, {r.results_file_id}});
        else g->second.push_back(r.results_file_id);
        Json::Value row(Json::objectValue);
        row["rid"] = std::to_string(r.results_file_id);
        row["filename"] = r.filename;
        row["set_name"] = set_name;
        row["config_name"] = r.config_name;
        row["sampling_date"] = r.sampling_date;
        row["info"] = r.info;
        row["run_date"] = r.run_date;
        row["checked"] = checked;
        rows.append(row);
    }
    std::string map_js = config_map_js(by_config);
    Json::Value d(Json::objectValue);
    d["rows"] = rows;
    d["count"] = std::to_string(all_ids.size());
    d["filter"] = filter;
    d["id_js"] = std::to_string(id);
    d["map_js"] = map_js;
    d["all_ids_js"] = ids_js(all_ids);
    Json::Value groups(Json::arrayValue);
    for (const auto& [name, ids] : by_config) {
        Json::Value g(Json::objectValue);
        g["name"] = name;
        g["ids_js"] = ids_js(ids);
        groups.append(g);
    }
    d["config_groups"] = groups;
    Json::Value configs(Json::arrayValue);
    auto usable = c.perm().accessible("read", "config");
    for (const auto& cfg : model::all_configs(c.db)) {
        if (usable && !usable->count(cfg.id)) continue;
        Json::Value o(Json::objectValue);
        o["id"] = std::to_string(cfg.id);
        o["name"] = cfg.name;
        o["selected"] = cfg.id == config_id;
        configs.append(o);
    }
    d["configs"] = configs;
    d["all_selected"] = config_id < 0;
    model::user_log(c.db, c.user_id(), "load compare list", "sample_set", id > 0 ? id : 0);
    c.audit("custom", "sample_set", id > 0 ? std::optional<int64_t>(id) : std::nullopt, "filter " + filter);
    return c.page("sample_set/custom", d);
}

}  // namespace vidjil::endpoints

namespace vidjil::endpoints {

namespace {

// Columns of the QC table, in the order the client numbers them (1-based, api.md §4.3).
const char* kStatsColumns[] = {"sets", "sample", "config_name", "mapped_reads", "mapped_reads_number",
                               "mean_length", "read_lengths", "loci", "clones_5", "intra_contamination",
                               "main_clone", "merged_reads", "pre_process", "shannon", "pielou", "simpson"};
// Hidden until the user shows them (updateDisplayAccordingToConfig).
const char* kHiddenColumns = "[7, 10, 12, 13]";

double first_number(const Json::Value& v) {
    if (v.isArray() && !v.empty() && v[0].isNumeric()) return v[0].asDouble();
    if (v.isNumeric()) return v.asDouble();
    return 0;
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string percent(double part, double whole) { return whole > 0 ? fixed(100.0 * part / whole, 2) + "%" : ""; }

// The statistics of one sample's result (its first sample when several are fused).
std::vector<std::string> stats_of(const Json::Value& r) {
    const Json::Value& reads = r["reads"];
    double total = first_number(reads["total"]), segmented = first_number(reads["segmented"]);
    double len_sum = 0, len_reads = 0, len_min = 0, len_max = 0;
    int big = 0;
    std::string main_clone;
    double main_reads = -1;
    for (const auto& cl : r["clones"]) {
        double n = first_number(cl["reads"]), len = first_number(cl["_average_read_length"]);
        if (len > 0 && n > 0) {
            len_sum += len * n;
            len_reads += n;
            len_min = len_min == 0 ? len : std::min(len_min, len);
            len_max = std::max(len_max, len);
        }
        if (segmented > 0 && n >= 0.05 * segmented) ++big;
        if (n > main_reads) {
            main_reads = n;
            main_clone = cl.isMember("name") && cl["name"].isString() ? cl["name"].asString() : cl["id"].asString();
        }
    }
    std::string loci;
    if (reads["germline"].isObject())
        for (const auto& locus : reads["germline"].getMemberNames())
            if (first_number(reads["germline"][locus]) > 0) loci += (loci.empty() ? "" : " ") + locus;
    const Json::Value& div = r["diversity"];
    auto index = [&](const char* key) {
        const Json::Value& v = div.isObject() ? div[key] : Json::Value();
        return v.isNull() ? std::string() : fixed(first_number(v), 3);
    };
    double merged = first_number(reads["merged"]);
    return {percent(segmented, total),
            fixed(segmented, 0),
            len_reads > 0 ? fixed(len_sum / len_reads, 1) : "",
            len_reads > 0 ? fixed(len_min, 0) + "-" + fixed(len_max, 0) : "",
            loci,
            std::to_string(big),
            "",  // intra-run contamination: not computed by this server
            main_clone.empty() ? "" : main_clone + " (" + percent(main_reads, segmented) + ")",
            merged > 0 ? percent(merged, total) : "",
            "",
            index("index_H_entropy"),
            index("index_E_equitability"),
            index("index_Ds_diversity")};
}

}  // namespace

Response sample_set_multi_sample_stats(Context& c) {
    int64_t ss = c.params.get_int("sample_set_id", 0);
    std::vector<int64_t> ids = c.params.int_list("results_ids");
    for (int64_t id : c.params.int_list("results_ids[]")) ids.push_back(id);
    int64_t config_id = c.params.get_int("config_id", 0);
    if (ss <= 0 || (ids.empty() && config_id <= 0))
        return Response::message("Missing sample_set_id and results_ids or config_id in query");
    // The set is named in the open links and the log: it must be readable too.
    if (!c.perm().can_view_sample_set(ss)) return Response::message("access denied");
    std::vector<files::SampleRecord> records;
    if (ids.empty()) {
        // The newest non-hidden result of each file of the set for the config.
        std::map<int64_t, bool> seen;
        for (auto& r : model::sample_records(c.db, ss, config_id))
            if (!seen[r.sequence_file_id] && !r.results_data_file.empty()) {
                seen[r.sequence_file_id] = true;
                records.push_back(r);
            }
    } else {
        if (ids.size() > 200) return Response::message("too many results selected");
        for (int64_t rid : ids) {
            auto r = model::sample_record(c.db, rid);
            // Every result must be readable (through any set holding its file).
            if (!r || !c.perm().can_view_file(r->sequence_file_id)) return Response::message("access denied");
            records.push_back(*r);
        }
    }
    Json::Value rows(Json::arrayValue);
    Json::Value tsv(Json::arrayValue);
    Json::Value head(Json::arrayValue);
    for (const char* col : kStatsColumns) head.append(col);
    tsv.append(head);
    for (const auto& rec : records) {
        auto result = model::result_by_id(c.db, rec.results_file_id);
        std::string sets;
        for (int64_t s : model::sets_holding_file(c.db, rec.sequence_file_id))
            if (c.perm().can_view_sample_set(s))
                if (auto info = model::set_info(c.db, s))
                    sets += (sets.empty() ? "" : ", ") + model::display_name(*info, c.perm().can_view_info(s), c.perm().is_admin());
        auto config = result && result->config_id ? model::config_by_id(c.db, *result->config_id) : std::nullopt;
        std::vector<std::string> cells = {sets, rec.filename, config ? config->name : ""};
        auto path = result && result->data_file ? jobs::stored_result_path(c.cfg, *result->data_file) : std::nullopt;
        std::vector<std::string> stats;
        try {
            if (!result || !result->data_file || result->data_file->empty())
                throw files::FormatError("this analysis has no result yet");
            if (!path || !fs::exists(*path)) throw files::FormatError("the result file is missing on the server");
            stats = stats_of(files::load_vidjil(*path));
        } catch (const files::FormatError& e) {
            stats.assign(13, "");
            stats[0] = std::string("unreadable: ") + e.what();
        }
        cells.insert(cells.end(), stats.begin(), stats.end());
        auto pp = model::sequence_file_by_id(c.db, rec.sequence_file_id);
        if (pp && pp->pre_process_id)
            if (auto p = model::pre_process_by_id(c.db, *pp->pre_process_id)) cells[12] = p->name;
        Json::Value row(Json::objectValue);
        Json::Value tds(Json::arrayValue);
        Json::Value line(Json::arrayValue);
        for (const auto& v : cells) {
            Json::Value td(Json::objectValue);
            td["value"] = v;
            tds.append(td);
            line.append(v);
        }
        tsv.append(line);
        row["cells"] = tds;
        row["sfid"] = std::to_string(rec.sequence_file_id);
        row["open_js"] = "{'sample_set_id': " + std::to_string(ss) + ", 'custom': [" +
                               std::to_string(rec.results_file_id) + "]}";
        rows.append(row);
        c.audit("multi_sample_stats", "results_file", rec.results_file_id);
    }
    model::user_log(c.db, c.user_id(), "load multi sample stats (" + std::to_string(records.size()) + " results)",
                    "sample_set", ss);
    Json::Value d(Json::objectValue);
    Json::Value columns(Json::arrayValue);
    for (size_t i = 0; i < std::size(kStatsColumns); ++i) {
        Json::Value col(Json::objectValue);
        col["n"] = std::to_string(i + 1);
        col["name"] = kStatsColumns[i];
        columns.append(col);
    }
    d["columns"] = columns;
    d["rows"] = rows;
    d["export_js"] = render::js_string(files::write_compact(tsv));
    d["hidden_js"] = kHiddenColumns;
    return c.page("sample_set/multi_sample_stats", d);
}

}  // namespace vidjil::endpoints
