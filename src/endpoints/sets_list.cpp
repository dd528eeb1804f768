// Handlers listing sample sets: sample_set/all (page and format=json), samplesetById and the
// set-token auto-completion of the sample form (api.md §3.3, §5.3).
#include "endpoints/sets.h"
#include "db/change_counter.h"
#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

namespace {

constexpr int64_t kStep = 50;
// LIST_TOTALS_MAX_SETS: the footer counts the files of at most this many listed sets.
constexpr int64_t kTotalsMaxSets = 2000;

// The footer's count of an unfiltered list (no word, no tag), per process while the change
// counter holds: it depends on the detail table and the grants only, whose writes move the
// counter. An addition: the first request after any change counts again (bench/README-sets).
db::ChangeCache<std::string, int64_t> list_count_cache(1024);

std::string count_key(const model::SetListQuery& q) {
    std::string k = q.type + (q.see_all ? "|all|" : "|");
    for (int64_t g : q.read_groups) k += std::to_string(g) + ",";
    return k + "|" + (q.public_group ? std::to_string(*q.public_group) : "");
}

std::string type_label(const std::string& type) {
    return type == "patient" ? "patients" : type == "run" ? "runs" : "sets";
}

// One row as the api reads it (§5.3). Names and birth dates are anonymised without `anon`
// (the original sent them in clear in this JSON).
Json::Value row_json(const model::SetListRow& row, bool anon) {
    const model::SampleSet& s = row.set;
    Json::Value v(Json::objectValue);
    v["id"] = static_cast<Json::Int64>(s.detail_id);
    v["sample_set_id"] = static_cast<Json::Int64>(s.id);
    v["info"] = s.info;
    v["creator"] = s.creator_name;
    v["file_count"] = static_cast<Json::Int64>(row.file_count);
    if (s.type == "patient") {
        v["first_name"] = anon ? s.first_name : "";
        v["last_name"] = anon ? s.last_name : display_name(s, false);
        v["birth"] = anon && !s.birth.empty() ? Json::Value(s.birth) : Json::Value();
        v["id_label"] = s.id_label;
    } else {
        v["name"] = s.name;
        if (s.type == "run") {
            v["run_date"] = s.run_date.empty() ? Json::Value() : Json::Value(s.run_date);
            v["id_label"] = s.id_label;
        }
    }
    Json::Value extra(Json::objectValue);
    extra["GROUP_CONCAT(DISTINCT config.id, ';', config.name, ';', fused_file.fused_file)"] =
        row.fused_concat.empty() ? Json::Value() : Json::Value(row.fused_concat);
    std::string groups;
    for (const auto& g : row.groups) groups += (groups.empty() ? "" : ",") + g;
    extra["GROUP_CONCAT(DISTINCT auth_group.role)"] = groups.empty() ? Json::Value() : Json::Value(groups);
    extra["COUNT(DISTINCT sequence_file.id)"] = static_cast<Json::Int64>(row.file_count);
    extra["SUM(sequence_file.size_file)"] = static_cast<Json::Int64>(row.size);
    v["_extra"] = extra;
    return v;
}

std::vector<int64_t> ids_of(const std::vector<model::SetListRow>& rows) {
    std::vector<int64_t> ids;
    for (const auto& r : rows) ids.push_back(r.set.id);
    return ids;
}

// Each word and tag of a filter is one SQL clause: a bounded number keeps the statement (and
// the number of distinct prepared statements) small.
constexpr size_t kMaxFilterWords = 20;

void parse_filter(const std::string& filter, model::SetListQuery& q) {
    std::string f = text::replace_all(filter, "\t", " ");
    for (std::string w : text::split(f, ' ')) {
        w = text::trim(w);
        if (!w.empty() && w[0] == '-') w = w.substr(1);  // the original strips it (no negation)
        if (w.empty()) continue;
        if (w[0] == '#') {
            if (w.size() > 1) q.tags.push_back(w.substr(1));
        } else {
            q.words.push_back(w);
        }
        if (q.words.size() + q.tags.size() > kMaxFilterWords)
            throw http::BadRequest("The filter has too many words (at most " + std::to_string(kMaxFilterWords) + ").");
    }
}

std::string call_all(const std::string& type_js, const std::string& filter_js, const std::string& extra) {
    return "db.call('sample_set/all', {'type': " + type_js + ", 'filter': " + filter_js + extra + "})";
}

Json::Value html_row(const model::SetListRow& row, bool anon, bool can_admin, bool show_groups) {
    const model::SampleSet& s = row.set;
    Json::Value d(Json::objectValue);
    std::string id = std::to_string(s.id);
    d["id"] = id;
    d["type"] = s.type;
    d["name"] = display_name(s, anon);
    d["is_patient"] = s.type == "patient";
    d["is_run"] = s.type == "run";
    d["birth"] = anon ? s.birth : "";
    d["run_date"] = s.run_date;
    d["info_tags"] = tag_parts(s.info, "/sample_set/all", s.type);
    Json::Value confs(Json::arrayValue);
    for (const auto& [cid, cname] : row.configs) {
        Json::Value cd(Json::objectValue);
        cd["cid"] = std::to_string(cid);
        cd["cname"] = cname;
        cd["label_js"] = render::js_string("(" + display_name(s, anon) + " " + cname + ")");
        confs.append(cd);
    }
    d["confs"] = confs;
    std::string groups;
    for (const auto& g : row.groups) groups += (groups.empty() ? "" : ", ") + g;
    d["show_groups"] = show_groups;
    d["groups"] = groups;
    d["creator"] = s.creator_name;
    d["files"] = std::to_string(row.file_count) + " (" + format_size(row.size) + ")";
    d["can_admin"] = can_admin;
    return d;
}

Json::Value header(const model::SetListQuery& q, bool show_groups, const std::string& type_js,
                    const std::string& filter_js) {
    std::vector<std::pair<std::string, std::string>> cols = {{"name", "name"}};
    if (q.type == "patient") cols.push_back({"birth", "birth"});
    if (q.type == "run") cols.push_back({"run_date", "date"});
    cols.push_back({"info", "info"});
    cols.push_back({"confs", "results"});
    if (show_groups) {
        cols.push_back({"groups", "groups"});
        cols.push_back({"creator", "creator"});
    }
    cols.push_back({"file_count", "files"});
    Json::Value list(Json::arrayValue);
    for (const auto& [key, label] : cols) {
        Json::Value h(Json::objectValue);
        h["label"] = label;
        bool reverse = q.sort == key && !q.reverse;
        h["onclick"] = call_all(type_js, filter_js, ", 'sort': '" + key + "'" + (reverse ? ", 'reverse': true" : ""));
        list.append(h);
    }
    return list;
}

Response all_page(Context& c, const model::SetListQuery& q, std::vector<model::SetListRow>& rows,
                  const std::set<int64_t>& anon, const std::set<int64_t>& admin, int64_t page, bool has_next,
                  const std::string& filter, int64_t total, int64_t max_sets, const std::vector<int64_t>& matching) {
    auto& perm = c.perm();
    size_t real_groups = 0;
    for (int64_t g : perm.groups())
        if (g != perm.public_group().value_or(0)) ++real_groups;
    bool show_groups = perm.is_admin() || real_groups > 1;
    std::string type_js = render::js_string(q.type), filter_js = render::js_string(filter);
    Json::Value d(Json::objectValue);
    d["type"] = q.type;
    d["type_js"] = type_js;
    d["title"] = type_label(q.type);
    d["filter"] = filter;
    d["filter_onchange"] = "db.call('sample_set/all', {'type': " + type_js + ", 'filter': this.value, 'page': 0})";
    Json::Value keys(Json::arrayValue);
    for (int64_t g : perm.groups()) keys.append(static_cast<Json::Int64>(g));
    d["group_keys"] = http::json_compact(keys);
    d["can_create"] = perm.can_create_sample_set();
    d["columns"] = header(q, show_groups, type_js, filter_js);
    d["show_groups"] = show_groups;
    d["is_patient"] = q.type == "patient";
    d["is_run"] = q.type == "run";
    Json::Value list(Json::arrayValue);
    for (const auto& r : rows) list.append(html_row(r, anon.count(r.set.id) > 0, admin.count(r.set.id) > 0, show_groups));
    d["rows"] = list;
    model::SetListTotals t = model::list_totals(c.db, q, total, rows, max_sets, matching);
    d["totals"] = std::to_string(t.sets) + " " + type_label(q.type) + ", " +
                  (t.files_counted ? std::to_string(t.files) + " files (" + format_size(t.size) + ")"
                                   : "files counted up to " + std::to_string(max_sets) + " " + type_label(q.type) +
                                         ": filter the list to count them");
    std::string sort = q.sort.empty() ? "" : ", 'sort': " + render::js_string(q.sort) + (q.reverse ? ", 'reverse': true" : "");
    d["has_prev"] = page > 0;
    d["prev_onclick"] = call_all(type_js, filter_js, ", 'page': " + std::to_string(page - 1) + sort);
    d["has_next"] = has_next;
    d["next_onclick"] = call_all(type_js, filter_js, ", 'page': " + std::to_string(page + 1) + sort);
    d["page"] = std::to_string(page + 1);
    return c.page("sample_set/all", d);
}

}  // namespace

Response sample_set_all(Context& c) {
    std::string type = c.params.get("type", "generic");
    if (!model::is_set_type(type)) type = "generic";
    model::SetListQuery q = visible_sets(c, type, "read");
    std::string filter = c.params.get("filter");
    parse_filter(filter, q);
    q.sort = c.params.get("sort");
    q.reverse = c.params.has("reverse") && c.params.get("reverse") != "false";
    if (q.sort == "file_count") q.kept_file_counts = db::set_file_counts_exact(c.db, c.now);
    if (q.sort == "name") q.name_keys = model::name_keys_usable(c.db, q.type);
    if (!q.words.empty()) q.folded_words = model::folded_words_usable(c.db, q.type);
    std::optional<int64_t> page = c.params.get_int("page");
    if (page && *page < 0) page = 0;
    if (page) {
        q.limit = kStep + 1;  // one more than shown: is there a next page?
        q.offset = *page * kStep;
    }
    int64_t total = 0;  // the HTML footer counts every matching set; the JSON does not
    int64_t max_sets = c.cfg.get_int("LIST_TOTALS_MAX_SETS", kTotalsMaxSets);
    std::vector<int64_t> matching;  // every matching id, when a filter's pass gave them
    const bool keep_count = !c.format_json() && page && q.words.empty() && q.tags.empty();
    if (keep_count)
        if (const int64_t* n = list_count_cache.find(c.change, count_key(q))) q.known_total = *n;
    std::vector<model::SetListRow> rows =
        c.format_json() ? model::list_sample_sets(c.db, q)
                        : model::list_sample_sets(c.db, q, &total, page ? &matching : nullptr, std::max<int64_t>(max_sets, 0));
    if (keep_count && !q.known_total) list_count_cache.put(c.change, count_key(q), total);
    bool has_next = page && static_cast<int64_t>(rows.size()) > kStep;
    if (has_next) rows.pop_back();
    std::vector<int64_t> ids = ids_of(rows);
    std::set<int64_t> anon = model::sets_granted_to(c.db, ids, q.anon_groups);
    std::set<int64_t> admin = c.perm().is_admin() ? std::set<int64_t>(ids.begin(), ids.end())
                                           : model::sets_granted_to(c.db, ids, c.perm().perm_groups("admin"));
    c.audit("list", "sample_set", std::nullopt,
            "type=" + type + " filter=" + filter + " page=" + (page ? std::to_string(*page) : "all") + " rows=" +
                std::to_string(rows.size()));
    if (!c.format_json())
        return all_page(c, q, rows, anon, admin, page.value_or(0), has_next, filter, total, max_sets, matching);
    Json::Value v(Json::objectValue);
    Json::Value query(Json::arrayValue);
    for (const auto& r : rows) query.append(row_json(r, anon.count(r.set.id) > 0));
    v["query"] = query;
    Json::Value groups(Json::arrayValue);
    for (int64_t g : c.perm().groups()) groups.append(static_cast<Json::Int64>(g));
    v["group_ids"] = groups;
    Json::Value admins(Json::arrayValue);
    for (int64_t id : admin) admins.append(static_cast<Json::Int64>(id));
    v["admin_permissions"] = admins;
    v["isAdmin"] = c.perm().is_admin();
    v["reverse"] = q.reverse;
    v["step"] = static_cast<Json::Int64>(kStep);
    v["page"] = static_cast<Json::Int64>(page.value_or(0));
    return Response::json_text(v);
}

Response sample_set_by_id(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    std::string type = c.params.get("type", "generic");
    Json::Value out(Json::arrayValue);
    if (model::is_set_type(type) && c.perm().can_view_sample_set(id)) {
        model::SetListQuery q;
        q.type = type;
        q.see_all = true;  // the permission was checked on this very set
        q.only_id = id;
        for (const auto& r : model::list_sample_sets(c.db, q)) {
            out.append(row_json(r, can_see_names(c, id)));
            c.audit("read", "sample_set", id, "samplesetById");
        }
    }
    return Response::json_text(out);
}

Response sample_set_auto_complete(Context& c) {
    const Json::Value& keys = c.params.json("keys");
    if (!keys.isArray() || keys.empty() || !keys[0].isString()) {
        Json::Value e(Json::objectValue);
        e["success"] = "false";
        e["message"] = "missing group ids";
        return Response::json_text(e);
    }
    std::string typed = text::trim(keys[0].asString());
    Json::Value list(Json::arrayValue);
    for (const char* type : {"generic", "patient", "run"}) {
        model::SetListQuery q = visible_sets(c, type, "admin");  // files are added to sets one administers
        parse_filter(typed, q);
        q.tags.clear();
        if (!q.words.empty()) q.folded_words = model::folded_words_usable(c.db, type);
        q.limit = typed.empty() ? 10 : 50;
        q.details = false;
        auto rows = model::list_sample_sets(c.db, q);
        std::set<int64_t> anon = model::sets_granted_to(c.db, ids_of(rows), q.anon_groups);
        for (const auto& r : rows) {
            Json::Value e(Json::objectValue);
            e["name"] = set_token(r.set, anon.count(r.set.id) > 0);
            e["id"] = static_cast<Json::Int64>(r.set.id);
            e["type"] = type;
            list.append(e);
        }
    }
    c.audit("list", "sample_set", std::nullopt, "auto_complete '" + typed + "' rows=" + std::to_string(list.size()));
    Json::Value v(Json::objectValue);
    v[keys[0].asString()] = list;
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
