// default/get_data and default/get_custom_data: fused results served to the web client with the
// database's view of each sample injected (model.md §4.2, §4.4), plus the file-answer helpers
// of the analyses area.
#include <fcntl.h>
#include <sys/stat.h>

#include <ctime>

#include <tuple>

#include "app/event_journal.h"
#include "db/change_counter.h"
#include "endpoints/analyses.h"
#include "jobs/paths.h"
#include "jobs/result_cache.h"
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

// Hands the file to nginx (X-Accel-Redirect into X_ACCEL_RESULTS) when it lies in DIR_RESULTS,
// or marks it to be streamed by this process; `r` keeps its other headers.
bool attach_result_file(Context& c, Response& r, const std::string& path) {
    return app::attach_file(r, path, jobs::results_dir(c.cfg), c.cfg.get("X_ACCEL_RESULTS"));
}

Response send_result_file(Context& c, const std::string& path, const std::string& download_name) {
    Response r;
    r.set_header("Content-Type", "application/octet-stream");
    r.set_header("Content-Disposition", http::content_disposition(download_name));
    if (!attach_result_file(c, r, path))
        return Response::error("file not found: " + fs::basename(path) +
                                   " is missing on the server (the administrator can restore it from a backup)",
                               404);
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

// The answer headers of get_data (text/html for the web client, or a download with `filename`).
void data_headers(Context& c, Response& r) {
    std::string filename = c.params.get("filename");
    if (filename.empty()) {
        r.set_header("Content-Type", "text/html; charset=UTF-8");
    } else {
        r.set_header("Content-Type", "application/json");
        r.set_header("Content-Disposition", http::content_disposition(filename));
    }
}

// JSON given as text/html (the web client parses it), or as a download with `filename`.
Response json_body(Context& c, std::string body) {
    Response r;
    r.body = std::move(body);
    r.set_header("Content-Length", std::to_string(r.body.size()));  // no chunked re-encoding by nginx
    data_headers(c, r);
    return r;
}

// Top-level members get_data adds for the set (model.md §4.2).
std::vector<std::pair<std::string, Json::Value>> set_fields(Context& c, const model::SetInfo& set,
                                                             const model::ConfigRow& config) {
    std::vector<std::pair<std::string, Json::Value>> f;
    std::string name = model::display_name(set, c.perm().can_view_info(set.id), c.perm().is_admin());
    f.emplace_back("dataFileName", name + " (" + config.name + ")");
    f.emplace_back("info", set.info);
    f.emplace_back("sample_name", name);
    f.emplace_back("group_id", id(set.owner_group));
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

// The digest naming a get_data cache entry: everything the answer depends on. Bump kFormat
// when what get_data writes changes.
std::string cache_digest(const std::string& fused_name, const struct stat& st, const model::ConfigRow& config,
                         const std::vector<files::SampleRecord>& records,
                         const std::vector<std::pair<std::string, Json::Value>>& fields) {
    static constexpr const char* kFormat = "get_data 1";
    std::string m;
    auto add = [&m](const std::string& v) { m += std::to_string(v.size()) + ":" + v + ";"; };
    add(kFormat);
    add(fused_name);
    add(std::to_string(st.st_size) + "." + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
    add(std::to_string(config.id));
    add(config.command);
    for (const auto& r : records) {
        for (int64_t v : {r.sequence_file_id, r.results_file_id, r.patient_id, r.run_id}) add(std::to_string(v));
        for (const auto* v : {&r.sequence_data_file, &r.results_data_file, &r.filename, &r.info}) add(*v);
        add(r.sampling_date ? "1" + *r.sampling_date : "0");
    }
    for (const auto& f : fields) {
        add(f.first);
        add(files::write_compact(f.second));
    }
    return text::sha256_hex(m);
}

// The fused file with the metadata injected; throws files::FormatError when it cannot be read.
std::string injected_result(const std::string& path, int64_t config_id, const std::string& config_command,
                            const std::vector<files::SampleRecord>& records,
                            std::vector<std::pair<std::string, Json::Value>> fields) {
    std::string text = files::read_file(path);
    Json::Value samples, distributions;
    bool has_distributions = false;
    std::vector<files::RawMember> members = files::split_object(text, "fused result");
    for (const auto& m : members) {
        if (m.key == "samples") samples = files::parse_json(std::string(m.value), "samples");
        if (m.key == "distributions") {
            distributions = files::parse_json(std::string(m.value), "distributions");
            has_distributions = true;
        }
    }
    files::inject_samples(samples, has_distributions ? &distributions : nullptr, config_id, config_command, records);
    fields.emplace_back("samples", std::move(samples));
    if (has_distributions) fields.emplace_back("distributions", std::move(distributions));
    return files::join_object(members, fields);
}

// What a get_data of (user, set, config, filename) answered while the change counter had one
// value: the cache entry nginx sends and the fused file it was built from (its size and time
// are compared again: a fused file replaced on disk without a database write is noticed).
struct Answered {
    std::string entry, fused_path;
    off_t fused_size;
    struct timespec fused_mtime;
};
db::ChangeCache<std::tuple<int64_t, int64_t, int64_t, std::string>, Answered> answered_cache(1024);

bool same_file(const std::string& path, off_t size, const struct timespec& mtime) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == size &&
           st.st_mtim.tv_sec == mtime.tv_sec && st.st_mtim.tv_nsec == mtime.tv_nsec;
}

// The read, recorded once the answer is on its way (see get_data).
Response with_read_recorded(Context& c, Response r, int64_t ss, int64_t config_id) {
    model::EventRow event;
    event.time = c.now;
    event.user_id = c.user_id();
    event.impersonator_id = c.impersonator();
    event.client_ip = c.client_ip();
    event.action = "get_data";
    event.table_name = "sample_set";
    event.record_id = ss;
    event.detail = "config " + std::to_string(config_id);
    event.log_msg = "load sample";
    r.after_sent.push_back([&db = c.db, event, uid = c.user_id(), ip = c.client_ip(), ss, config_id] {
        try {
            app::record_event(db, event);
        } catch (const std::exception& e) {
            log::error("get_data: the read of set " + std::to_string(ss) + " (config " + std::to_string(config_id) +
                       ") by user " + std::to_string(uid) + " from " + ip + " could not be recorded: " + e.what());
        }
    });
    return r;
}

}  // namespace

Response get_data(Context& c) {
    auto ss = requested_set(c);
    int64_t config_id = c.params.get_int("config", 0);
    std::string prefix = "get_data (" + (ss ? std::to_string(*ss) : std::string("?")) + ") c" + std::to_string(config_id) + " : ";
    if (!ss || !c.perm().can_view_sample_set(*ss))
        return Response::error(prefix + "you do not have permission to consult this sample_set (" +
                               (ss ? std::to_string(*ss) : std::string("?")) + ")");
    // Same reader, set, config and name, nothing changed since (the counter read with the
    // session), the same fused file: the same cache entry, without reading the database again.
    const auto key = std::make_tuple(c.user_id(), *ss, config_id, c.params.get("filename"));
    if (const Answered* a = answered_cache.find(c.change, key); a && same_file(a->fused_path, a->fused_size, a->fused_mtime)) {
        Response r;
        data_headers(c, r);
        if (attach_result_file(c, r, a->entry)) return with_read_recorded(c, std::move(r), *ss, config_id);
    }
    auto set = model::set_info(c.db, *ss);
    auto config = model::config_by_id(c.db, config_id);
    if (!set || !config) return Response::error(prefix + "file not found");
    auto fused = model::latest_fused(c.db, *ss, config_id);
    if (!fused) return Response::error(prefix + "file not found");
    auto path = jobs::stored_result_path(c.cfg, fused->fused_file);
    struct stat st {};
    if (!path || ::stat(path->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        log::error("get_data: fused file " + fused->fused_file + " of set " + std::to_string(*ss) + " missing on disk");
        return Response::error(prefix + "file not found: the fused result of this set is missing on the server", 404);
    }
    auto records = model::sample_records(c.db, *ss, config_id);
    auto fields = set_fields(c, *set, *config);

    // A cache entry named by the digest of everything injected is served by nginx; the first
    // reader of a new digest builds it.
    const bool cached = jobs::result_cache_enabled(c.cfg) && !c.cfg.get("X_ACCEL_RESULTS").empty();
    std::string entry, body;
    if (cached) {
        std::string dir = jobs::result_cache_dir(c.cfg);
        std::string name = jobs::result_cache_prefix(*ss, config_id) +
                           cache_digest(fused->fused_file, st, *config, records, fields).substr(0, 32) + ".json";
        entry = dir + "/" + name;
        struct stat est {};
        if (::stat(entry.c_str(), &est) == 0) {
            // In use: keep it out of the prunes and sweeps (they go by modification time).
            if (est.st_mtime < std::time(nullptr) - 600) ::utimensat(AT_FDCWD, entry.c_str(), nullptr, 0);
        } else {
            try {
                body = injected_result(*path, config_id, config->command, records, fields);
            } catch (const files::FormatError& e) {
                log::error("get_data: " + fused->fused_file + ": " + e.what());
                return Response::error(prefix + "the fused result of this set is damaged; running an analysis again rebuilds it");
            }
            try {
                fs::mkdirs(dir);
                fs::write_file_atomic(entry, body);
                // Other variants of this set and config (other readers, older metadata) go once
                // they have not been written for an hour.
                jobs::prune_result_cache(c.cfg, *ss, config_id, 3600, name);
                body.clear();
            } catch (const std::exception& e) {
                // A full disk does not stop a clinician from reading: answer from memory.
                log::error("get_data: cannot store " + entry + ": " + e.what());
                entry.clear();
            }
        }
    } else {
        try {
            body = injected_result(*path, config_id, config->command, records, std::move(fields));
        } catch (const files::FormatError& e) {
            log::error("get_data: " + fused->fused_file + ": " + e.what());
            return Response::error(prefix + "the fused result of this set is damaged; running an analysis again rebuilds it");
        }
    }
    // The read is recorded once the answer is on its way: the clinician does not wait for the
    // log flush of these two rows (get_data is the web client's hot path). A failure is written
    // to the server log with who read what, so the trail is never silently lost.
    // Persistent processes write it in a batch with other reads (app/event_journal.h).
    if (!entry.empty()) {
        Response r;
        data_headers(c, r);
        if (attach_result_file(c, r, entry)) {
            answered_cache.put(c.change, key, Answered{entry, *path, st.st_size, st.st_mtim});
            return with_read_recorded(c, std::move(r), *ss, config_id);
        }
        // Removed meanwhile by a sweep: build the answer here.
        try {
            body = injected_result(*path, config_id, config->command, records, std::move(fields));
        } catch (const files::FormatError& e) {
            return Response::error(prefix + "the fused result of this set is damaged; running an analysis again rebuilds it");
        }
    }
    return with_read_recorded(c, json_body(c, std::move(body)), *ss, config_id);
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
                in.set_name = model::display_name(*s, c.perm().can_view_info(s->id), c.perm().is_admin());
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
