// The get_data cache: fused results with the database's metadata already injected, one file per
// (set, config, digest of everything injected), under DIR_RESULTS/cache/get_data. get_data checks
// permissions, gathers the metadata, and when a file of that digest exists nginx serves it
// (X-Accel-Redirect); otherwise it builds it once. Any change of the fused file, of a sample's
// row, of the set or of what the reader may see (anonymisation) changes the digest, so a stale
// entry is never served; entries are pruned by get_data, the runner's fuse and its sweep.
#pragma once
#include <cstdint>
#include <ctime>
#include <string>

namespace vidjil {
class Config;
}

namespace vidjil::jobs {

// False when GET_DATA_CACHE = 0 in vidjil.conf.
bool result_cache_enabled(const Config& cfg);
// DIR_RESULTS/cache/get_data
std::string result_cache_dir(const Config& cfg);
// "s<set>-c<config>-" : the prefix of every entry of (set, config).
std::string result_cache_prefix(int64_t sample_set_id, int64_t config_id);
// Removes the entries of (set, config) older than `older_than` seconds, except `keep` (a file name).
void prune_result_cache(const Config& cfg, int64_t sample_set_id, int64_t config_id, time_t older_than,
                        const std::string& keep = "");
// Removes every entry not modified for `max_age` seconds (the runner's sweep); returns the count.
int sweep_result_cache(const Config& cfg, time_t max_age);

}  // namespace vidjil::jobs
