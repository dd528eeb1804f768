// results_file/info, results_file/output, results_file/download: what a job did, its log and
// its output files (model.md §3.7).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "endpoints/analyses.h"
#include "jobs/fuse_set.h"
#include "jobs/paths.h"
#include "model/configs.h"
#include "model/jobs.h"
#include "model/results.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

// The end of a log: the interesting part of a failed run is at the end.
std::string read_log_tail(const std::string& path, size_t max, bool& truncated) {
    truncated = false;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "";
    off_t size = ::lseek(fd, 0, SEEK_END);
    off_t from = size > static_cast<off_t>(max) ? size - static_cast<off_t>(max) : 0;
    truncated = from > 0;
    std::string out(static_cast<size_t>(size - from), '\0');
    ssize_t n = ::pread(fd, out.data(), out.size(), from);
    ::close(fd);
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return text::valid_utf8(out) ? out : text::escape_for_log(out, max);
}

namespace {

struct Listed {
    std::string name;
    long long size;
};

void list_dir(const std::string& root, const std::string& rel, int depth, std::vector<Listed>& out) {
    DIR* d = ::opendir((root + (rel.empty() ? "" : "/" + rel)).c_str());
    if (!d) return;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || name.find(".tmp-") != std::string::npos) continue;
        std::string r = rel.empty() ? name : rel + "/" + name;
        struct stat st {};
        if (::lstat((root + "/" + r).c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode) && depth > 0) list_dir(root, r, depth - 1, out);
        else if (S_ISREG(st.st_mode)) out.push_back({r, static_cast<long long>(st.st_size)});
    }
    ::closedir(d);
}

std::string human_size(long long n) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
    return buf;
}

}  // namespace

Response results_file_info(Context& c) {
    int64_t rid = c.params.get_int("results_file_id", 0);
    auto result = rid > 0 ? model::result_by_id(c.db, rid) : std::nullopt;
    if (!result || !c.perm().can_modify_file(result->sequence_file_id)) return Response::error("access denied");
    auto job = model::job_of_result(c.db, rid);
    auto file = model::sequence_file_by_id(c.db, result->sequence_file_id);
    auto config = model::config_by_id(c.db, result->config_id.value_or(0));
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(rid);
    d["filename"] = file ? file->filename : "";
    d["config_name"] = config ? config->name : "";
    d["status"] = job ? job->status : "";
    if (job && !job->message.empty()) d["message"] = job->message;
    for (const char* key : {"queued_at", "started_at", "ended_at", "host"}) d[key] = "";
    if (job) {
        d["queued_at"] = job->queued_at;
        d["started_at"] = job->started_at;
        d["ended_at"] = job->ended_at;
        d["host"] = job->host;
        d["attempts"] = std::to_string(job->attempts);
    }
    if (result->data_file) {
        d["data_file"] = *result->data_file;
        d["download_name"] = "result-" + std::to_string(rid) + ".vidjil";
    }
    std::string log_path = job && !job->log_path.empty()
                               ? job->log_path
                               : jobs::result_workdir(c.cfg, rid) + "/" + jobs::result_basename(rid) + ".vidjil.log";
    bool truncated = false;
    std::string log = read_log_tail(log_path, 512 * 1024, truncated);
    d["has_log"] = fs::exists(log_path);
    d["log"] = log;
    d["log_truncated"] = truncated;
    c.audit("results_file_info", "results_file", rid);
    return c.page("results_file/info", d);
}

Response results_file_output(Context& c) {
    int64_t rid = c.params.get_int("results_file_id", 0);
    auto result = rid > 0 ? model::result_by_id(c.db, rid) : std::nullopt;
    if (!result || !c.perm().can_view_file(result->sequence_file_id)) return Response::error("access denied");
    std::string dir = jobs::result_workdir(c.cfg, rid);
    if (!fs::exists(dir)) return Response::error("Output path does not exist");
    std::vector<Listed> files;
    list_dir(dir, "", 2, files);
    std::sort(files.begin(), files.end(), [](const Listed& a, const Listed& b) { return a.name < b.name; });
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(rid);
    Json::Value list(Json::arrayValue);
    for (const auto& f : files) {
        Json::Value e(Json::objectValue);
        e["id"] = std::to_string(rid);
        e["name"] = f.name;
        e["name_url"] = text::url_encode(f.name);
        e["size"] = human_size(f.size);
        list.append(e);
    }
    d["files"] = list;
    c.audit("results_file_output", "results_file", result->id);
    return c.page("results_file/output", d);
}

Response results_file_download(Context& c) {
    int64_t rid = c.params.get_int("results_file_id", 0);
    auto result = rid > 0 ? model::result_by_id(c.db, rid) : std::nullopt;
    if (!result || !c.perm().can_view_file(result->sequence_file_id)) return Response::error("access denied");
    std::string name = c.params.get("filename");
    if (name.find("..") != std::string::npos) return Response::error("access denied");
    auto path = jobs::path_inside(jobs::result_workdir(c.cfg, rid), name);
    if (!path) return Response::error("File could not be read", 404);
    c.audit("results_file_download", "results_file", rid, name);
    return send_result_file(c, *path, fs::basename(*path));
}

}  // namespace vidjil::endpoints

namespace vidjil::endpoints {

Response results_file_index(Context& c) {
    auto lines = model::newest_results(c.db, 500, c.params.get_bool("reverse", false));
    Json::Value d(Json::objectValue);
    Json::Value rows(Json::arrayValue);
    for (const auto& l : lines) {
        Json::Value r(Json::objectValue);
        r["id"] = std::to_string(l.id);
        r["sequence_file_id"] = std::to_string(l.sequence_file_id);
        r["sample_set_id"] = std::to_string(l.sample_set_id);
        r["config_id"] = std::to_string(l.config_id);
        r["filename"] = l.filename;
        r["config_name"] = l.config_name;
        r["run_date"] = l.run_date;
        r["status"] = l.status;
        rows.append(r);
    }
    d["results"] = rows;
    d["count"] = std::to_string(lines.size());
    Json::Value configs(Json::arrayValue);
    for (const auto& cfg : model::all_configs(c.db)) {
        Json::Value o(Json::objectValue);
        o["id"] = std::to_string(cfg.id);
        o["name"] = cfg.name;
        configs.append(o);
    }
    d["configs"] = configs;
    return c.page("results_file/index", d);
}

namespace {

// confirm/delete: admin and run on the given set, and the result's file in that set (the
// original checked the set only, then deleted any result id: model.md §9.1-11).
std::optional<model::ResultRow> deletable(Context& c, int64_t ss) {
    int64_t rid = c.params.get_int("results_file_id", 0);
    auto r = rid > 0 ? model::result_by_id(c.db, rid) : std::nullopt;
    if (!r || !c.perm().can_modify_sample_set(ss) || !c.perm().can_process_sample_set(ss) ||
        !model::file_in_set(c.db, r->sequence_file_id, ss))
        return std::nullopt;
    return r;
}

}  // namespace

Response results_file_confirm(Context& c) {
    int64_t ss = c.params.get_int("sample_set_id", 0);
    auto r = deletable(c, ss);
    if (!r) return Response::message("access denied");
    auto file = model::sequence_file_by_id(c.db, r->sequence_file_id);
    auto config = model::config_by_id(c.db, r->config_id.value_or(0));
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(r->id);
    d["sample_set_id"] = std::to_string(ss);
    d["filename"] = file ? file->filename : "";
    d["config_name"] = config ? config->name : "";
    return c.page("results_file/confirm", d);
}

Response results_file_delete(Context& c) {
    int64_t ss = c.params.get_int("sample_set_id", 0);
    auto r = deletable(c, ss);
    if (!r) return Response::message("access denied");
    int64_t config = r->config_id.value_or(0);
    model::delete_result(c.db, r->id);
    c.audit("results_file_delete", "results_file", r->id);
    // Every set holding the file loses this sample from its fused result (the original only
    // re-fused asynchronously and left deleted clones in place).
    for (int64_t set : model::sets_holding_file(c.db, r->sequence_file_id)) {
        try {
            if (model::results_left(c.db, set, config) == 0) model::delete_fused(c.db, set, config);
            else jobs::fuse_set(c.cfg, c.db, set, config);
        } catch (const db::Unavailable&) {
            throw;
        } catch (const std::exception& e) {
            log::error("results_file/delete: fuse of set " + std::to_string(set) + ": " + e.what());
        }
    }
    Json::Value v(Json::objectValue);
    v["redirect"] = "sample_set/index";
    v["args"]["id"] = std::to_string(ss);
    v["args"]["config_id"] = static_cast<Json::Int64>(config);
    v["success"] = "true";
    v["message"] = "[" + std::to_string(r->id) + "] (" + std::to_string(ss) + ") c" + std::to_string(config) +
                   ": process deleted";
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
