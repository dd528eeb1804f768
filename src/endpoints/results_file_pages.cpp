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
    render::Data d;
    d.set("id", std::to_string(rid));
    d.set("filename", file ? file->filename : "");
    d.set("config_name", config ? config->name : "");
    d.set("status", job ? job->status : "");
    if (job && !job->message.empty()) d.set("message", job->message);
    for (const char* key : {"queued_at", "started_at", "ended_at", "host"}) d.set(key, "");
    if (job) {
        d.set("queued_at", job->queued_at);
        d.set("started_at", job->started_at);
        d.set("ended_at", job->ended_at);
        d.set("host", job->host);
        d.set("attempts", std::to_string(job->attempts));
    }
    if (result->data_file) {
        d.set("data_file", *result->data_file);
        d.set("download_name", "result-" + std::to_string(rid) + ".vidjil");
    }
    std::string log_path = job && !job->log_path.empty()
                               ? job->log_path
                               : jobs::result_workdir(c.cfg, rid) + "/" + jobs::result_basename(rid) + ".vidjil.log";
    bool truncated = false;
    std::string log = read_log_tail(log_path, 512 * 1024, truncated);
    d.set("has_log", fs::exists(log_path));
    d.set("log", log);
    d.set("log_truncated", truncated);
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
    render::Data d;
    d.set("id", std::to_string(rid));
    render::Data list = render::list();
    for (const auto& f : files) {
        render::Data e;
        e.set("id", std::to_string(rid));
        e.set("name", f.name);
        e.set("name_url", text::url_encode(f.name));
        e.set("size", human_size(f.size));
        list.push_back(e);
    }
    d.set("files", list);
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
    render::Data d;
    render::Data rows = render::list();
    for (const auto& l : lines) {
        render::Data r;
        r.set("id", std::to_string(l.id));
        r.set("sequence_file_id", std::to_string(l.sequence_file_id));
        r.set("sample_set_id", std::to_string(l.sample_set_id));
        r.set("config_id", std::to_string(l.config_id));
        r.set("filename", l.filename);
        r.set("config_name", l.config_name);
        r.set("run_date", l.run_date);
        r.set("status", l.status);
        rows.push_back(r);
    }
    d.set("results", rows);
    d.set("count", std::to_string(lines.size()));
    render::Data configs = render::list();
    for (const auto& cfg : model::all_configs(c.db)) {
        render::Data o;
        o.set("id", std::to_string(cfg.id));
        o.set("name", cfg.name);
        configs.push_back(o);
    }
    d.set("configs", configs);
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
    render::Data d;
    d.set("id", std::to_string(r->id));
    d.set("sample_set_id", std::to_string(ss));
    d.set("filename", file ? file->filename : "");
    d.set("config_name", config ? config->name : "");
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
