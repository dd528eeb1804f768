// Handlers of file/form and file/submit: the sample form, and creating or editing sequence-file
// rows linked to one or several sets (set_ids tokens) before their files are uploaded.
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "endpoints/files.h"
#include "model/tags.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

namespace {

// The original's disk guard: no new samples when the upload disk is nearly full.
bool disk_nearly_full(const Context& c) {
    struct statvfs st;
    if (::statvfs(sequences_dir(c).c_str(), &st) != 0 || st.f_blocks == 0) return false;
    double free_pct = 100.0 * static_cast<double>(st.f_bavail) / static_cast<double>(st.f_blocks);
    return free_pct < static_cast<double>(c.cfg.get_int("FS_LOCK_THRESHHOLD", 1));
}

Response failure(const std::string& message) { return Response::error(message); }

Json::Value token_list(Context& c, const std::vector<model::SampleSet>& sets, std::string& joined) {
    Json::Value list(Json::arrayValue);
    for (const auto& s : sets) {
        std::string token = set_token(s, can_see_names(c, s.id));
        Json::Value t(Json::objectValue);
        t["token"] = token;
        t["text"] = token.substr(3);
        t["stype"] = s.type;
        list.append(t);
        joined += (joined.empty() ? "" : "|") + token;
    }
    return list;
}

std::string text_of(const Json::Value& v) {
    if (v.isString()) return v.asString();
    if (v.isIntegral()) return std::to_string(v.asLargestInt());
    return "";
}

std::vector<int64_t> parse_tokens(const std::string& list, std::vector<std::string>& errors, const std::string& where) {
    std::vector<int64_t> ids;
    for (const auto& token : text::split(list, '|')) {
        if (text::trim(token).empty()) continue;
        auto id = token_set_id(token);
        if (!id) errors.push_back(where + "set_ids: '" + http::msg_value(text::escape_for_log(token, 80)) + "' is not a set token");
        else if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
    }
    return ids;
}

}  // namespace

Response file_form(Context& c) {
    std::vector<model::SampleSet> sets;
    std::optional<model::SequenceFile> file;
    std::string type = c.params.get("sample_type");
    int64_t ssid = 0;
    if (auto fid = c.params.get_int("file_id")) {
        file = c.perm().can_modify_file(*fid) ? model::sequence_file_get(c.db, *fid) : std::nullopt;
        if (!file) return failure("you need admin permission to edit files");
        for (const auto& s : model::sets_of_sequence_file(c.db, *fid))
            if (c.perm().can_view_sample_set(s.id)) sets.push_back(s);
        if (!sets.empty()) ssid = sets.front().id;
        c.audit("read", "sequence_file", *fid, "edit form");
    } else if (auto sid = c.params.get_int("sample_set_id")) {
        auto s = c.perm().can_upload_sample_set(*sid) ? model::sample_set_by_id(c.db, *sid) : std::nullopt;
        if (!s) return failure("you don't have right to upload files");
        if (disk_nearly_full(c))
            return failure("Uploads are temporarily disabled. System admins have been made aware of the situation.");
        sets.push_back(*s);
        ssid = *sid;
        type = s->type;
    } else {
        return failure("missing sample_set or file id");
    }
    Json::Value d(Json::objectValue);
    std::string joined;
    d["tokens"] = token_list(c, sets, joined);
    d["set_ids"] = joined;
    d["editing"] = file.has_value();
    d["sample_set_id"] = std::to_string(ssid);
    d["sample_type"] = model::is_set_type(type) ? type : "generic";
    d["source_module"] = file_source_enabled(c.cfg);
    auto& perm = c.perm();
    auto pp = perm.accessible("read", "pre_process");
    Json::Value pres(Json::arrayValue);
    for (const auto& [id, name] : model::pre_processes(c.db, !pp.has_value(), pp.value_or(std::set<int64_t>()))) {
        Json::Value o(Json::objectValue);
        o["ppid"] = std::to_string(id);
        o["name"] = name;
        o["selected"] = file && file->pre_process_id == id;
        pres.append(o);
    }
    d["pre_processes"] = pres;
    Json::Value gids(Json::arrayValue);
    for (int64_t g : perm.groups()) gids.append(static_cast<Json::Int64>(g));
    d["group_ids"] = http::json_compact(gids);
    d["file_id"] = file ? std::to_string(file->id) : "";
    d["filename"] = file ? file->filename : "";
    d["sampling_date"] = file ? file->sampling_date : "";
    d["info"] = file ? file->info : "";
    // The original's template variables (file/form): title, sets, files, pre-processes, errors.
    d["message"] = file ? "edit sample" : "add samples";
    d["isEditing"] = file.has_value();
    d["source_module_active"] = file_source_enabled(c.cfg);
    Json::Value set_list(Json::arrayValue);
    for (const auto& t : d["tokens"]) set_list.append(t["token"]);
    d["sets"] = set_list;
    Json::Value files(Json::arrayValue);
    if (file) {
        Json::Value f(Json::objectValue);
        f["id"] = std::to_string(file->id);
        f["filename"] = file->filename;
        f["sampling_date"] = file->sampling_date;
        f["info"] = file->info;
        f["pre_process_id"] = file->pre_process_id ? Json::Value(std::to_string(*file->pre_process_id)) : Json::Value();
        files.append(f);
    }
    d["files"] = files;
    Json::Value pre_list(Json::arrayValue);
    for (const auto& o : pres) {
        Json::Value e(Json::objectValue);
        e["id"] = o["ppid"];
        e["name"] = o["name"];
        pre_list.append(e);
    }
    d["pre_process_list"] = pre_list;
    d["errors"] = Json::Value(Json::arrayValue);
    return c.page("file/form", d);
}

namespace {

struct FileInput {
    model::SequenceFile f;
    std::optional<model::SequenceFile> existing;
    std::vector<int64_t> sets;
    std::string filename, filename2;      // as posted
    std::string path1, path2;             // network source: resolved paths
};

// Checks one posted file and its target sets; errors are appended with their position.
FileInput read_file(Context& c, const Json::Value& j, size_t i, const std::vector<int64_t>& common, bool nfs,
                    std::optional<int64_t> pre, std::vector<std::string>& errors) {
    FileInput in;
    std::string where = "file[" + std::to_string(i) + "] ";
    std::string id = text::trim(text_of(j["id"]));
    if (!id.empty()) {
        auto n = text::parse_int(id);
        in.existing = n && *n > 0 && c.perm().can_modify_file(*n) ? model::sequence_file_get(c.db, *n) : std::nullopt;
        if (!in.existing) errors.push_back(where + "no such file, or you may not edit it");
    }
    in.f.sampling_date = text::trim(text_of(j["sampling_date"]));
    if (!in.f.sampling_date.empty() && !text::is_date(in.f.sampling_date))
        errors.push_back(where + "sampling_date: must be a date written YYYY-MM-DD");
    in.f.info = text_of(j["info"]);
    if (in.f.info.size() > 65535 || text::has_control_chars(in.f.info) || !text::valid_utf8(in.f.info))
        errors.push_back(where + "info: too long or not plain text");
    in.filename = text::trim(text_of(j["filename"]));
    in.filename2 = text::trim(text_of(j["filename2"]));
    if (!in.existing && in.filename.empty()) errors.push_back(where + "filename: a file is needed");
    if (!in.existing && pre && in.filename2.empty()) errors.push_back(where + "filename2: this pre-process needs two files");
    for (std::string* name : {&in.filename, &in.filename2}) {
        if (name->empty()) continue;
        std::string problem;
        if (nfs) {
            auto p = resolve_source(c.cfg, *name, problem);
            struct stat st;
            if (p && (::stat(p->c_str(), &st) != 0 || !S_ISREG(st.st_mode))) problem = "not a file: " + *name;
            else if (p && !allowed_source_type(c.cfg, *p)) problem = "this type of file is not accepted: " + *name;
            if (problem.empty()) (name == &in.filename ? in.path1 : in.path2) = *p;
        } else {
            *name = clean_upload_name(*name, problem);
        }
        if (!problem.empty()) errors.push_back(where + "filename: " + http::msg_value(problem));
    }
    in.sets = common;
    for (int64_t s : parse_tokens(text_of(j["set_ids"]), errors, where))
        if (std::find(in.sets.begin(), in.sets.end(), s) == in.sets.end()) in.sets.push_back(s);
    // As the original: a sample must name its sets; it is never attached to the current set.
    if (in.sets.empty()) errors.push_back(where + "missing set association");
    // Admin on every target set (the original computed this and then ignored it, api.md §6.1-5).
    for (int64_t s : in.sets)
        if (!c.perm().can_modify_sample_set(s) || !model::sample_set_by_id(c.db, s))
            errors.push_back(where + "set (" + std::to_string(s) + "): no such set, or you may not add samples to it");
    in.f.pre_process_id = pre;
    in.f.provider = c.user_id();
    return in;
}

// Content of a mounted file: the same checks as an upload.
void check_network_content(const std::string& path, const std::string& where, std::vector<std::string>& errors) {
    std::ifstream is(path, std::ios::binary);
    std::string head(65536, '\0');
    is.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(is.gcount()));
    bool gz = false;
    std::string problem = content_problem(path, head, gz);
    if (!problem.empty()) errors.push_back(where + "filename: " + http::msg_value(problem));
}

void save_file(Context& c, FileInput& in, model::FileRemoval& removal, std::vector<std::string>& links) {
    model::SequenceFile& f = in.f;
    bool create = !in.existing;
    if (create) {
        f.filename = in.path1.empty() ? in.filename : fs::basename(in.path1);
        f.pre_process_flag = f.pre_process_id ? "WAIT" : "COMPLETED";
        f.id = model::insert_sequence_file(c.db, f);
    } else {
        f.id = in.existing->id;
        std::string name = in.path1.empty() ? in.filename : fs::basename(in.path1);
        f.filename = name.empty() ? in.existing->filename : name;
        // A new file replaces the data: the results of the old one no longer apply.
        if (!name.empty() && name != in.existing->filename) model::delete_results_of(c.db, f.id, removal);
        f.pre_process_flag = f.pre_process_id == in.existing->pre_process_id ? in.existing->pre_process_flag
                             : f.pre_process_id                            ? "WAIT"
                                                                           : "COMPLETED";
        model::update_sequence_file_meta(c.db, f);
        // Memberships in sets the user does not administer are someone else's: they stay.
        for (const auto& s : model::sets_of_sequence_file(c.db, f.id))
            if (std::find(in.sets.begin(), in.sets.end(), s.id) == in.sets.end() && c.perm().can_modify_sample_set(s.id))
                model::remove_set_membership(c.db, s.id, f.id);
    }
    for (int64_t s : in.sets) model::add_set_membership(c.db, s, f.id);
    int number = 1;
    for (const std::string& path : {in.path1, in.path2}) {
        if (!path.empty()) {
            std::string stored = link_source_file(c, path);
            links.push_back(stored);
            struct stat st;
            int64_t size = ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
            model::set_data_file(c.db, f.id, number, stored, size, "", true);
        }
        ++number;
    }
    model::register_tags(c.db, "sequence_file", f.id, f.info, model::set_owner_group(c.db, in.sets.front()));
    log_change(c, create ? "create" : "edit", "sequence_file", f.id,
               "sequence file (" + std::to_string(f.id) + ") " + (create ? "added" : "edited") + " in set(s) " +
                   std::to_string(in.sets.front()));
}

}  // namespace

Response file_submit(Context& c) {
    const Json::Value& data = c.params.json("data");
    if (!data.isObject() || !data["file"].isArray() || data["file"].empty())
        return failure("add_form() failed: data must be a JSON object with a 'file' list");
    if (data["file"].size() > 200) return failure("add_form() failed: at most 200 samples at once");
    for (const auto& f : data["file"])
        if (!f.isObject()) return failure("add_form() failed: every element of 'file' must be an object");
    std::vector<std::string> errors;
    std::string source = text_of(data["source"]).empty() ? "computer" : text_of(data["source"]);
    bool nfs = source == "nfs";
    if (source != "computer" && !nfs) errors.push_back("source: must be computer or nfs");
    std::optional<int64_t> pre;
    if (auto n = text::parse_int(text::trim(text_of(data["pre_process"]))); n && *n > 0) {
        auto usable = c.perm().accessible("read", "pre_process");
        if (usable && !usable->count(*n)) errors.push_back("pre_process: no such pre-process, or you may not use it");
        else if (model::pre_processes(c.db, false, {*n}).empty()) errors.push_back("pre_process: no such pre-process");
        else pre = *n;
    }
    std::vector<int64_t> common = parse_tokens(text_of(data["set_ids"]), errors, "");
    std::vector<FileInput> inputs;
    for (Json::ArrayIndex i = 0; i < data["file"].size(); ++i) {
        inputs.push_back(read_file(c, data["file"][i], i, common, nfs, pre, errors));
        for (const std::string& p : {inputs.back().path1, inputs.back().path2})
            if (!p.empty()) check_network_content(p, "file[" + std::to_string(i) + "] ", errors);
    }
    if (!errors.empty()) {
        Response r = failure("add_form() failed: " + errors.front() + (errors.size() > 1 ? " (and more)" : ""));
        Json::Value v;
        http::json_parse(r.body, v);
        for (const auto& e : errors) v["errors"].append(e);
        return Response::json_text(v);
    }
    model::FileRemoval removal;
    std::vector<std::string> links;
    Json::Value ids(Json::arrayValue);
    try {
        db::Transaction tx(c.db);
        for (auto& in : inputs) {
            save_file(c, in, removal, links);
            ids.append(static_cast<Json::Int64>(in.f.id));
        }
        tx.commit();
    } catch (...) {
        for (const auto& l : links) ::unlink((sequences_dir(c) + "/" + l).c_str());
        throw;
    }
    dispose_files(c, removal);
    Json::Value v(Json::objectValue);
    v["file_ids"] = ids;
    v["redirect"] = "sample_set/index";
    Json::Value args(Json::objectValue);
    args["id"] = static_cast<Json::Int64>(inputs.front().sets.front());
    args["config_id"] = -1;
    v["args"] = args;
    v["message"] = "successfully added/edited file(s)";
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
