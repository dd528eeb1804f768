// default/get_data and default/get_custom_data: fused results served to the web client with the
// database's view of each sample injected (model.md §4.2, §4.4), plus the file-answer helpers
// of the analyses area.
#include <sys/stat.h>

#include "endpoints/analyses.h"
#include "jobs/paths.h"
#include "model/analyses.h"
#include "model/configs.h"
#include "model/events.h"
#include "model/results.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"
#include "vidjil/fuse.h"
#include "vidjil/inject.h"
#include "vidjil/json_spans.h"
#include "vidjil/vidjil_file.h"

namespace vidjil::endpoints {

std::optional<int64_t> requested_set(Context& c) {
    if (auto ss = c.params.get_int("sample_set_id"); ss && *ss > 0) return ss;
    for (const char* legacy : {"patient", "run"})
        if (auto id = c.params.get_int(legacy); id && *id > 0) return model::set_of_detail(c.db, legacy, *id);
    return std::nullopt;
}

void set_attachment(Response& r, const std::string& filename) {
    std::string safe;
    for (char ch : filename)
        if (static_cast<unsigned char>(ch) >= 0x20 && ch != '"' && ch != '\\' && ch != '/' && ch != ';') safe.push_back(ch);
    if (safe.empty()) safe = "download";
    r.set_header("Content-Disposition", "attachment; filename=\"" + safe + "\"");
}

Response send_result_file(Context& c, const std::string& path, const std::string& download_name) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return Response::error("file not found: " + fs::basename(path) +
                                   " is missing on the server (the administrator can restore it from a backup)",
                               404);
    Response r;
    r.set_header("Content-Type", "application/octet-stream");
    set_attachment(r, download_name);
    std::string accel = c.cfg.get("X_ACCEL_RESULTS");
    std::string root = jobs::results_dir(c.cfg) + "/";
    if (!accel.empty() && text::starts_with(path, root)) {
        // nginx serves the file itself from its `internal` location: no copy through this process.
        std::string uri = text::ends_with(accel, "/") ? accel : accel + "/";
        auto parts = text::split(path.substr(root.size()), '/');
        // '=' (base64 padding of stored names) stays as it is: nginx compares the path literally.
        for (size_t i = 0; i < parts.size(); ++i) uri += (i ? "/" : "") + text::replace_all(text::url_encode(parts[i]), "%3D", "=");
        r.set_header("X-Accel-Redirect", uri);
        return r;
    }
    r.set_header("Content-Length", std::to_string(st.st_size));
    r.set_header(app::kStreamFile, path);
    return r;
}

namespace {

Json::Value logs_json(const std::vector<model::LogLine>& logs) {
    Json::Value out(Json::arrayValue);
    for (const auto& l : logs) {
        Json::Value e(Json::objectValue);
        e["message"] = l.message;
        e["created"] = l.created;
        out.append(e);
    }
    return out;
}

Json::Value id(int64_t v) { return Json::Value(static_cast<Json::Int64>(v)); }

// JSON given as text/html (the web client parses it), or as a download with `filename`.
Response json_body(Context& c, std::string body) {
    Response r;
    r.body = std::move(body);
    r.set_header("Content-Length", std::to_string(r.body.size()));  // no chunked re-encoding by nginx
    std::string filename = c.params.get("filename");
    if (filename.empty()) {
        r.set_header("Content-Type", "text/html; charset=UTF-8");
    } else {
        r.set_header("Content-Type", "application/json");
        set_attachment(r, filename);
    }
    return r;
}

// Top-level members get_data adds for the set (model.md §4.2).
std::vector<std::pair<std::string, Json::Value>> set_fields(Context& c, const model::SetInfo& set,
                                                             const model::ConfigRow& config) {
    std::vector<std::pair<std::string, Json::Value>> f;
    std::string name = model::display_name(set, c.perm().can_view_info(set.id), c.is_admin());
    f.emplace_back("dataFileName", name + " (" + config.name + ")");
    f.emplace_back("info", set.info);
    f.emplace_back("sample_name", name);
    f.emplace_back("group_id", id(model::owner_group(c.db, set.id)));
    if (set.sample_type == "patient") {
        f.emplace_back("patient_name", name);
        f.emplace_back("patient_id", id(set.detail_id));
    } else {
        f.emplace_back(set.sample_type == "run" ? "run_id" : "generic_id", id(set.detail_id));
    }
    f.emplace_back("logs", logs_json(model::record_logs(c.db, set.sample_type, set.detail_id)));
    f.emplace_back("sample_set_id", id(set.id));
    f.emplace_back("config_name", config.name);
    return f;
}

}  // namespace

Response get_data(Context& c) {
    auto ss = requested_set(c);
    int64_t config_id = c.params.get_int("config", 0);
    std::string prefix = "get_data (" + (ss ? std::to_string(*ss) : std::string("?")) + ") c" + std::to_string(config_id) + " : ";
    if (!ss || !c.perm().can_view_sample_set(*ss))
        return Response::error(prefix + "you do not have permission to consult this sample_set (" +
                               (ss ? std::to_string(*ss) : std::string("?")) + ")");
    auto set = model::set_info(c.db, *ss);
    auto config = model::config_by_id(c.db, config_id);
    if (!set || !config) return Response::error(prefix + "file not found");
    auto fused = model::latest_fused(c.db, *ss, config_id);
    if (!fused) return Response::error(prefix + "file not found");
    auto path = jobs::stored_result_path(c.cfg, fused->fused_file);
    if (!path || !fs::exists(*path)) {
        log::error("get_data: fused file " + fused->fused_file + " of set " + std::to_string(*ss) + " missing on disk");
        return Response::error(prefix + "file not found: the fused result of this set is missing on the server", 404);
    }
    std::string text = files::read_file(*path);
    std::vector<files::RawMember> members;
    Json::Value samples, distributions;
    bool has_distributions = false;
    try {
        members = files::split_object(text, "fused result");
        for (const auto& m : members) {
            if (m.key == "samples") samples = files::parse_json(std::string(m.value), "samples");
            if (m.key == "distributions") {
                distributions = files::parse_json(std::string(m.value), "distributions");
                has_distributions = true;
            }
        }
    } catch (const files::FormatError& e) {
        log::error("get_data: " + fused->fused_file + ": " + e.what());
        return Response::error(prefix + "the fused result of this set is damaged; running an analysis again rebuilds it");
    }
    files::inject_samples(samples, has_distributions ? &distributions : nullptr, config_id, config->command,
                          model::sample_records(c.db, *ss, config_id));
    auto fields = set_fields(c, *set, *config);
    fields.emplace_back("samples", std::move(samples));
    if (has_distributions) fields.emplace_back("distributions", std::move(distributions));
    std::string body = files::join_object(members, fields);
    {
        // One commit (one log flush) for both lines: get_data is the hot path of the web client.
        db::Transaction tx(c.db);
        model::user_log(c.db, c.user_id(), "load sample", "sample_set", *ss);
        c.audit("get_data", "sample_set", *ss, "config " + std::to_string(config_id));
        tx.commit();
    }
    return json_body(c, std::move(body));
}

Response get_custom_data(Context& c) {
    std::vector<int64_t> ids = c.params.int_list("custom");
    const std::string prefix = "default/get_custom_data : ";
    if (ids.empty()) return Response::error(prefix + "no file selected, ");
    if (ids.size() > static_cast<size_t>(c.cfg.get_int("CUSTOM_MAX_SAMPLES", 200)))
        return Response::error(prefix + "too many samples selected");
    std::vector<files::FuseInput> inputs;
    std::vector<files::CustomInput> described;
    for (int64_t rid : ids) {
        auto record = model::sample_record(c.db, rid);
        // A result is readable when one of the sets holding its file is (the original only
        // looked at the first set).
        if (!record || !c.perm().can_view_file(record->sequence_file_id))
            return Response::error(prefix + "you do not have permission to consult this element (" + std::to_string(rid) + ")");
        auto result = model::result_by_id(c.db, rid);
        auto path = result && result->data_file ? jobs::stored_result_path(c.cfg, *result->data_file) : std::nullopt;
        if (!path || !fs::exists(*path))
            return Response::error(prefix + "result " + std::to_string(rid) + " has no result file on the server", 404);
        files::CustomInput in;
        in.record = *record;
        auto sets = model::sets_holding_file(c.db, record->sequence_file_id);
        if (!sets.empty())
            if (auto s = model::set_info(c.db, sets.front()))
                in.set_name = model::display_name(*s, c.perm().can_view_info(s->id), c.is_admin());
        if (auto cfg = model::config_by_id(c.db, result->config_id.value_or(0))) in.config_command = cfg->command;
        try {
            inputs.push_back(files::load_fuse_input(*path));
        } catch (const files::FormatError& e) {
            return Response::error(prefix + "result " + std::to_string(rid) + " cannot be read: " + e.what());
        }
        in.samples = files::sample_count(inputs.back().result);
        described.push_back(in);
        c.audit("get_custom_data", "results_file", rid);
    }
    Json::Value fused = files::fuse(inputs, files::FuseOptions{});
    files::custom_samples(fused["samples"], described);
    std::string title = ids.size() == 1 ? "Sample " + std::to_string(ids.front()) : "Compare samples";
    for (const char* key : {"sample_name", "dataFileName", "info"}) fused[key] = title;
    return json_body(c, files::write_compact(fused));
}

}  // namespace vidjil::endpoints
