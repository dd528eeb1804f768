// The get_data cache (see result_cache.h).
#include "jobs/result_cache.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config.h"
#include "jobs/paths.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::jobs {

bool result_cache_enabled(const Config& cfg) { return cfg.get("GET_DATA_CACHE", "1") != "0"; }

std::string result_cache_dir(const Config& cfg) { return results_dir(cfg) + "/cache/get_data"; }

std::string result_cache_prefix(int64_t sample_set_id, int64_t config_id) {
    return "s" + std::to_string(sample_set_id) + "-c" + std::to_string(config_id) + "-";
}

namespace {

// Calls drop(name, mtime) for every entry of the cache directory whose name starts with prefix.
template <class F>
int each_entry(const std::string& dir, const std::string& prefix, F&& drop) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return 0;
    int removed = 0;
    while (struct dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || !text::starts_with(name, prefix)) continue;
        struct stat st {};
        std::string path = dir + "/" + name;
        if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (!drop(name, st.st_mtime)) continue;
        if (::unlink(path.c_str()) == 0)
            ++removed;
        else if (errno != ENOENT)
            log::error("cannot remove " + path + ": " + std::strerror(errno));
    }
    ::closedir(d);
    return removed;
}

}  // namespace

void prune_result_cache(const Config& cfg, int64_t sample_set_id, int64_t config_id, time_t older_than,
                        const std::string& keep) {
    time_t limit = std::time(nullptr) - older_than;
    each_entry(result_cache_dir(cfg), result_cache_prefix(sample_set_id, config_id),
               [&](const std::string& name, time_t mtime) { return name != keep && mtime <= limit; });
}

int sweep_result_cache(const Config& cfg, time_t max_age) {
    time_t limit = std::time(nullptr) - max_age;
    // Temporary files of an interrupted write ("<name>.tmp-…") go too once old.
    return each_entry(result_cache_dir(cfg), "", [&](const std::string&, time_t mtime) { return mtime <= limit; });
}

}  // namespace vidjil::jobs
