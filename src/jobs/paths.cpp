// Paths of jobs and results, disk guard (see paths.h).
#include "jobs/paths.h"

#include <sys/statvfs.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

#include "config.h"
#include "model/upload_names.h"
#include "util/text.h"

namespace vidjil::jobs {

static std::string no_slash(std::string d) {
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    return d;
}

std::string results_dir(const Config& cfg) { return no_slash(cfg.get("DIR_RESULTS", "/var/lib/vidjil/results")); }
std::string sequences_dir(const Config& cfg) { return no_slash(cfg.get("DIR_SEQUENCES", "/var/lib/vidjil/uploads")); }
std::string work_root(const Config& cfg) { return no_slash(cfg.get("DIR_WORK", results_dir(cfg) + "/work")); }

static std::string six(int64_t id) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(id));
    return buf;
}

std::string result_workdir(const Config& cfg, int64_t rid) { return work_root(cfg) + "/out-" + six(rid); }
std::string pre_process_workdir(const Config& cfg, int64_t sfid) { return work_root(cfg) + "/pre/out-" + six(sfid); }
std::string result_basename(int64_t rid) { return six(rid); }

std::optional<std::string> stored_result_path(const Config& cfg, const std::string& stored) {
    if (!model::is_safe_stored_name(stored)) return std::nullopt;
    return results_dir(cfg) + "/" + stored;
}

std::optional<std::string> stored_sequence_path(const Config& cfg, const std::string& stored) {
    if (!model::is_safe_stored_name(stored)) return std::nullopt;
    return sequences_dir(cfg) + "/" + stored;
}

bool disk_nearly_full(const Config& cfg, const std::string& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return true;
    double threshold = static_cast<double>(cfg.get_int("FS_LOCK_THRESHOLD", 1));
    double size = static_cast<double>(st.f_blocks) * static_cast<double>(st.f_frsize);
    double avail = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize);
    return size <= 0 || avail * 100.0 < threshold * size;
}

std::optional<std::string> path_inside(const std::string& root, const std::string& relative) {
    if (relative.empty() || relative[0] == '/' || relative.size() > 1024 || text::has_control_chars(relative))
        return std::nullopt;
    for (const std::string& part : text::split(relative, '/'))
        if (part.empty() || part == "." || part == "..") return std::nullopt;
    char real_root[PATH_MAX], real_file[PATH_MAX];
    if (!::realpath(root.c_str(), real_root)) return std::nullopt;
    std::string full = no_slash(root) + "/" + relative;
    if (!::realpath(full.c_str(), real_file)) return std::nullopt;
    std::string r = real_root, f = real_file;
    if (f.size() <= r.size() || f.compare(0, r.size(), r) != 0 || f[r.size()] != '/') return std::nullopt;
    return full;
}

}  // namespace vidjil::jobs
