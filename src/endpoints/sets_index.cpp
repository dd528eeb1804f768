// Handler of sample_set/index: one set with its files and, for the chosen config, the status of
// each file's latest result (api.md §3.3; the HTML of §4.3, the JSON of §5.3).
#include "endpoints/sets.h"

#include <cstdio>
#include <random>
#include <stdexcept>

#include "render/compiled.h"
#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

namespace {

// The web client's origin for links back to it: the request's Origin when it is one of
// CLIENT_ORIGINS, else BASE_URL ("": relative); never an Origin or Host a request brings.
std::string client_origin(const Context& c) {
    std::string origin = c.req.header("Origin");
    for (const std::string& o : c.cfg.get_list("CLIENT_ORIGINS"))
        if (!origin.empty() && o == origin) return origin;
    return c.base_url();
}

// A database row as JSON: ids and sizes as numbers, T/F booleans as booleans, NULL as null.
Json::Value row_json(const db::Row& r, std::initializer_list<const char*> ints, std::initializer_list<const char*> bools,
                     const char* skip = nullptr) {
    Json::Value v(Json::objectValue);
    for (size_t i = 0; i < r.size(); ++i) {
        const std::string& name = r.names()[i];
        if (skip && name == skip) continue;
        const auto& value = r.at(i);
        if (!value) {
            v[name] = Json::Value();
            continue;
        }
        bool is_int = false, is_bool = false;
        for (const char* n : ints) is_int = is_int || name == n;
        for (const char* n : bools) is_bool = is_bool || name == n;
        if (is_int) v[name] = static_cast<Json::Int64>(r.integer(i));
        else if (is_bool) v[name] = *value == "T";
        else v[name] = *value;
    }
    return v;
}

Json::Value null_result() {
    Json::Value v(Json::objectValue);
    for (const char* k : {"id", "sequence_file_id", "config_id", "run_date", "scheduler_task_id", "hidden", "data_file"})
        v[k] = Json::Value();
    v["status"] = "";
    return v;
}

struct SetPage {
    model::SampleSet set;
    bool anon = false, can_modify = false, can_upload = false, can_run = false;
    int64_t config_id = -1;
    std::string config_name;
    std::vector<model::SetFileRow> files;
    std::map<int64_t, std::vector<model::SampleSet>> shared;  // file -> other visible sets
    std::map<int64_t, bool> shared_anon;
};

// The other sets of each file that the user may see (never names of sets they cannot read).
void load_shared(Context& c, SetPage& p) {
    std::map<int64_t, std::optional<model::SampleSet>> cache;
    for (const auto& [fid, sets] : model::sets_of_set_files(c.db, p.set.id)) {
        for (int64_t ss : sets) {
            if (ss == p.set.id) continue;
            if (!cache.count(ss)) {
                cache[ss] = c.perm().can_view_sample_set(ss) ? model::sample_set_by_id(c.db, ss) : std::nullopt;
                if (cache[ss]) p.shared_anon[ss] = can_see_names(c, ss);
            }
            if (cache[ss]) p.shared[fid].push_back(*cache[ss]);
        }
    }
}

int64_t choose_config(Context& c, int64_t set_id, std::optional<int64_t> asked) {
    if (!asked) return -1;
    int64_t cid = *asked;
    if (cid == -1) cid = model::most_used_config(c.db, set_id).value_or(-1);
    if (cid > 0 && !c.perm().can_use_config(cid)) cid = -1;
    return cid;
}

// The JSON page (api.md §5.3) as text. Its "query" list is written one file at a time, each
// row's Json freed once written, then put in place in the rest of the page: a 5000-file run
// as one Json tree cost more in allocations than in writing (issue 13). The text is the same
// as json_compact of the whole tree (members in key order, no whitespace: a value's text does
// not depend on where it sits).
std::string page_json(Context& c, const SetPage& p) {
    Json::Value v(Json::objectValue);
    std::string query = "[";
    bool shared_any = false;
    for (const auto& f : p.files) {
        int64_t fid = f.file.integer("id");
        Json::Value e(Json::objectValue);
        e["sequence_file"] = row_json(f.file,
                                      {"id", "patient_id", "size_file", "size_file2", "provider", "pre_process_id",
                                       "pre_process_scheduler_task_id"},
                                      {"network"}, "membership_id");
        Json::Value m(Json::objectValue);
        m["id"] = static_cast<Json::Int64>(f.membership_id);
        m["sample_set_id"] = static_cast<Json::Int64>(p.set.id);
        m["sequence_file_id"] = static_cast<Json::Int64>(fid);
        e["sample_set_membership"] = m;
        e["results_file"] = f.result ? row_json(*f.result, {"id", "sequence_file_id", "config_id", "scheduler_task_id"},
                                                {"hidden"})
                                     : null_result();
        Json::Value shares(Json::arrayValue);
        auto it = p.shared.find(fid);
        if (it != p.shared.end())
            for (const auto& s : it->second) {
                Json::Value sh(Json::objectValue);
                sh["title"] = display_name(s, p.shared_anon.at(s.id));
                sh["sample_type"] = s.type;
                sh["id"] = static_cast<Json::Int64>(s.id);
                shares.append(sh);
                shared_any = true;
            }
        e["list_share_set"] = shares;
        if (query.size() > 1) query += ",";
        query += http::json_compact(e);
    }
    query += "]";
    // A placeholder no other member can hold (a string's quotes are escaped inside it, so
    // `"query":"` is only ever this member's key), replaced by the rows' text.
    const std::string placeholder = "\\u0001rows\\u0001";
    v["query"] = "\x01rows\x01";
    Json::Value owners(Json::arrayValue);
    for (const auto& g : model::set_groups(c.db, p.set.id)) owners.append(g.second);
    v["owners"] = owners;
    v["has_shared_sets"] = shared_any;
    Json::Value pre(Json::objectValue);
    for (const auto& [id, name] : model::pre_processes(c.db, true, {})) pre[std::to_string(id)] = name;
    v["pre_process_list"] = pre;
    v["config_id"] = static_cast<Json::Int64>(p.config_id);
    v["config"] = p.config_id > 0;
    Json::Value info(Json::objectValue);
    std::string name = display_name(p.set, p.anon);
    // The api's shape: the set token as HTML (api.md §5), from its template.
    render::Data token;
    token.set("type", p.set.type);
    token.set("name", name);
    info["name"] = render::render("partials/set_token", token);
    info["filename"] = name;
    info["label"] = p.set.id_label;
    info["info"] = p.set.info;
    if (p.set.type == "patient") info["birth"] = p.anon && !p.set.birth.empty() ? Json::Value(p.set.birth) : Json::Value();
    v["info"] = info;
    v["can_modify"] = p.can_modify;
    v["can_upload"] = p.can_upload;
    model::ResultFiles fused = p.config_id > 0 ? model::fused_files(c.db, p.set.id, p.config_id) : model::ResultFiles();
    model::ResultFiles analysis = model::analysis_files(c.db, p.set.id);
    v["fused_count"] = static_cast<Json::Int64>(fused.count);
    v["fused_file"] = fused.latest;
    v["fused_filename"] = name + "_" + p.config_name + ".vidjil";
    v["analysis_count"] = static_cast<Json::Int64>(analysis.count);
    v["analysis_file"] = analysis.latest;
    v["analysis_filename"] = name + ".analysis";
    v["sample_type"] = p.set.type;
    v["classification"] = Json::Value(Json::arrayValue);
    v["tag_decorator"] = "<TagDecorator>";
    v["http_origin"] = client_origin(c) + "/";
    std::string text = http::json_compact(v);
    const std::string member = "\"query\":\"" + placeholder + "\"";
    size_t at = text.find(member);
    if (at == std::string::npos) throw std::logic_error("sample_set/index: the rows' placeholder was not written");
    return text.replace(at + 8, member.size() - 8, query);
}

// What every row of a page shares, computed once.
struct RowCommon {
    std::string ssid, cfg, type_js, origin, tag_target;
    bool can_modify = false, has_config = false, can_run = false;
};

// templates/sample_set/index_row.html compiled once per process, and the slots of its names.
struct RowTemplate {
    render::Compiled t{"sample_set/index_row"};
    int id = t.slot("id"), ssid = t.slot("ssid"), filename = t.slot("filename"), missing = t.slot("missing"),
        sampling_date = t.slot("sampling_date"), info_tags = t.slot("info_tags"), size = t.slot("size"),
        shares = t.slot("shares"), sid = t.slot("sid"), stype = t.slot("stype"), sname = t.slot("sname"),
        pre_process = t.slot("pre_process"), pre_process_flag = t.slot("pre_process_flag"),
        pre_process_failed = t.slot("pre_process_failed"), can_modify = t.slot("can_modify"),
        type_js = t.slot("type_js"), download = t.slot("download"), has_config = t.slot("has_config"),
        cfg = t.slot("cfg"), result = t.slot("result"), rid = t.slot("rid"), run_date = t.slot("run_date"),
        status = t.slot("status"), result_download = t.slot("result_download"), open_href = t.slot("open_href"),
        can_run = t.slot("can_run");
    TagSlots tags{t};
};
const RowTemplate& row_template() {
    static const RowTemplate r;
    return r;
}

// One file's row as the compiled template's data (templates/sample_set/index_row.html).
void file_row(const RowTemplate& t, const SetPage& p, const RowCommon& k, const model::SetFileRow& f,
              render::Compiled::Object& d) {
    for (auto& v : d) v.kind = render::Compiled::Value::Absent;
    int64_t fid = f.file.integer("id");
    std::string id = std::to_string(fid);
    d[t.id].set(id);
    d[t.ssid].set(k.ssid);
    d[t.filename].set(f.file.str("filename"));
    d[t.missing].set(f.file.is_null("data_file"));
    d[t.sampling_date].set(f.file.str("sampling_date"));
    d[t.info_tags] = tag_parts_value(t.t, t.tags, f.file.str("info"), k.tag_target, "sequence_file");
    d[t.size].set(format_size(f.file.integer("size_file") + f.file.integer("size_file2")));
    render::Compiled::Value& shares = d[t.shares];
    shares.kind = render::Compiled::Value::List;
    shares.items.clear();
    auto it = p.shared.find(fid);
    if (it != p.shared.end())
        for (const auto& s : it->second) {
            render::Compiled::Object sh = t.t.object();
            sh[t.sid].set(std::to_string(s.id));
            sh[t.stype].set(s.type);
            sh[t.sname].set(display_name(s, p.shared_anon.at(s.id)));
            shares.items.push_back(std::move(sh));
        }
    std::string flag = f.file.str("pre_process_flag");
    d[t.pre_process].set(!f.file.is_null("pre_process_id"));
    d[t.pre_process_flag].set(flag);
    d[t.pre_process_failed].set(flag == "FAILED");
    d[t.can_modify].set(k.can_modify);
    d[t.type_js].set(k.type_js);
    if (!f.file.is_null("data_file"))
        d[t.download].set("DB_ADDRESS/sample_set/download_sequence_file/" + f.file.str("data_file") + "?filename=" +
                          text::url_encode(f.file.str("filename")));
    d[t.has_config].set(k.has_config);
    d[t.cfg].set(k.cfg);
    if (f.result) {
        const db::Row& r = *f.result;
        std::string rid = r.str("id");
        d[t.result].set(true);
        d[t.rid].set(rid);
        d[t.run_date].set(r.str("run_date"));
        d[t.status].set(r.str("status"));
        if (!r.is_null("data_file"))
            d[t.result_download].set("DB_ADDRESS/default/download/" + r.str("data_file") + "?filename=result-" + k.ssid +
                                     "-" + rid + ".txt");
        d[t.open_href].set(k.origin + "/?custom=" + rid + "&sample_set_id=" + k.ssid + "&config=" + k.cfg);
    }
    d[t.can_run].set(k.can_run);
}

// The rows of the page's table, rendered one file at a time into one string (placed in
// index.html where its marker is, already escaped by the row template). A run of 5000 files
// took 1-1.7 s when the rows were 5000 view-model objects converted to mustache data and
// rendered in one section (issue 13); then 170-200 ms of CPU with a mustache data map per row
// rendered by kainjow (hash look-ups, a std::function per node, a string per escaped value).
// The row template is now compiled once per process (render::Compiled: the same output, byte
// for byte) and each row's data is one vector by slot, reused from row to row.
// Appended to `out`, with room kept for `tail` more bytes once the first row's size is known.
void rows_html(Context& c, const SetPage& p, std::string& out, size_t tail) {
    RowCommon k;
    k.ssid = std::to_string(p.set.id);
    k.tag_target = "/sample_set/custom?id=" + k.ssid;
    k.cfg = std::to_string(p.config_id);
    k.type_js = render::js_string(p.set.type);
    k.origin = client_origin(c);
    k.can_modify = p.can_modify;
    k.has_config = p.config_id > 0;
    k.can_run = p.can_run;
    const RowTemplate& t = row_template();
    render::Compiled::Object d = t.t.object();
    bool first = true;
    for (const auto& f : p.files) {
        size_t before = out.size();
        file_row(t, p, k, f, d);
        t.t.render(d, out);
        if (first) out.reserve(out.size() + (out.size() - before) * (p.files.size() - 1) + p.files.size() * 64 + tail);
        first = false;
    }
}

// Stands for the rows in the page's data: the rows (8 MB of HTML for a run of 5000 files)
// are written once into the rendered page instead of being copied into the view, the mustache
// data, index.html's output, the layout's data and its output (memmove and page faults were a
// quarter of the page's CPU time, issue 13). Random per process, and an HTML comment that no
// escaped value can spell: it is nowhere else in the page.
const std::string& rows_marker() {
    static const std::string marker = [] {
        std::random_device rd;
        char buf[64];
        std::snprintf(buf, sizeof buf, "<!--vidjil-rows-%08x%08x-->", rd(), rd());
        return std::string(buf);
    }();
    return marker;
}

// The page with the rows rendered where the marker was, straight into the page's text (no
// string of the rows alone to copy: 7.7-8.7 MB for a 5000-file run).
void put_rows(Context& c, const SetPage& p, std::string& page) {
    size_t at = page.find(rows_marker());
    if (at == std::string::npos) throw std::logic_error("sample_set/index: no place for the rows in the page");
    std::string out;
    out.append(page, 0, at);
    size_t tail = page.size() - at - rows_marker().size();
    rows_html(c, p, out, tail);
    out.append(page, at + rows_marker().size(), std::string::npos);
    page = std::move(out);
}

Json::Value page_data(Context& c, const SetPage& p) {
    Json::Value d(Json::objectValue);
    std::string ssid = std::to_string(p.set.id), cfg = std::to_string(p.config_id);
    d["id"] = ssid;
    d["type"] = p.set.type;
    d["name"] = display_name(p.set, p.anon);
    d["birth"] = p.anon ? p.set.birth : "";
    d["info_tags"] = tag_parts(p.set.info, "/sample_set/all", p.set.type);
    std::string owners;
    for (const auto& g : model::set_groups(c.db, p.set.id)) owners += (owners.empty() ? "" : " ") + g.second;
    d["owners"] = owners;
    d["cfg"] = cfg;
    d["has_config"] = p.config_id > 0;
    d["config_name"] = p.config_name;
    d["can_modify"] = p.can_modify;
    d["can_upload"] = p.can_upload;
    d["can_run"] = p.can_run;
    // Config selector: one optgroup per classification.
    Json::Value groups(Json::arrayValue);
    std::string current;
    Json::Value options(Json::arrayValue);
    auto flush = [&]() {
        if (options.empty()) return;
        Json::Value g(Json::objectValue);
        g["label"] = current;
        g["options"] = options;
        groups.append(g);
        options = Json::Value(Json::arrayValue);
    };
    std::set<int64_t> usable;
    auto ids = c.perm().accessible("read", "config");
    for (const auto& conf : model::config_choices(c.db, !ids.has_value(), ids.value_or(std::set<int64_t>()))) {
        if (conf.classification != current) flush();
        current = conf.classification;
        Json::Value o(Json::objectValue);
        o["cid"] = std::to_string(conf.id);
        o["cname"] = conf.name;
        o["selected"] = conf.id == p.config_id;
        options.append(o);
    }
    flush();
    d["config_groups"] = groups;
    std::string id_list;
    for (const auto& f : p.files) id_list += (id_list.empty() ? "" : ", ") + f.file.str("id");
    d["rows_html"] = rows_marker();  // the rows are put in place in the rendered page
    d["file_count"] = std::to_string(p.files.size());
    d["file_ids"] = "[" + id_list + "]";
    d["vidjil_download"] = "DB_ADDRESS/default/get_data?sample_set_id=" + ssid + "&config=" + cfg + "&filename=" +
                                 text::url_encode(display_name(p.set, p.anon) + "_" + p.config_name + ".vidjil");
    d["analysis_download"] = "DB_ADDRESS/default/get_analysis?sample_set_id=" + ssid + "&config=" + cfg +
                                   "&filename=" + text::url_encode(display_name(p.set, p.anon) + ".analysis");
    d["label_js"] = render::js_string("(" + display_name(p.set, p.anon) + " " + p.config_name + ")");
    return d;
}

}  // namespace

Response sample_set_index(Context& c) {
    int64_t id = c.params.get_int("id", 0);  // can_view_sample_set(id): route table
    auto set = model::sample_set_by_id(c.db, id);
    if (set && (c.params.get_int("next", 0) == 1 || c.params.get_int("next", 0) == -1)) {
        model::SetListQuery q = visible_sets(c, set->type, "read");
        if (auto n = model::neighbour_set(c.db, q, id, static_cast<int>(c.params.get_int("next", 0)))) {
            id = *n;
            set = model::sample_set_by_id(c.db, id);
        }
    }
    if (!set) {
        Json::Value v(Json::objectValue);
        v["success"] = "true";
        v["message"] = "Could not get a sample set with id " + std::to_string(id);
        return Response::json_text(v);
    }
    SetPage p;
    p.set = *set;
    p.anon = can_see_names(c, id);
    p.can_modify = c.perm().can_modify_sample_set(id);
    p.can_upload = c.perm().can_upload_sample_set(id);
    p.can_run = c.perm().can_process_sample_set(id);
    p.config_id = choose_config(c, id, c.params.get_int("config_id"));
    if (p.config_id > 0)
        for (const auto& conf : model::config_choices(c.db, true, {}))
            if (conf.id == p.config_id) p.config_name = conf.name;
    p.files = model::set_file_rows(c.db, id, p.config_id);
    load_shared(c, p);
    log_change(c, "read", "sample_set", id, "load sample set (" + std::to_string(id) + ")");
    if (c.format_json()) {
        Response r = Response::json_text(Json::Value(Json::objectValue));
        r.body = page_json(c, p);
        return r;
    }
    Response r = c.page("sample_set/index", page_data(c, p));
    put_rows(c, p, r.body);
    return r;
}

}  // namespace vidjil::endpoints
