// Where jobs and results live on disk (shared by every runner host and the endpoints), and the
// disk-space guard of run requests.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace vidjil {
class Config;
}

namespace vidjil::jobs {

// DIR_RESULTS, DIR_SEQUENCES (no trailing slash).
std::string results_dir(const Config& cfg);
std::string sequences_dir(const Config& cfg);
// DIR_WORK (default DIR_RESULTS/work): work directories of jobs, as the original's
// DIR_OUT_VIDJIL_ID (out-%06d of the results id) and DIR_PRE_VIDJIL_ID (pre/out-%06d of the file).
std::string work_root(const Config& cfg);
std::string result_workdir(const Config& cfg, int64_t results_file_id);
std::string pre_process_workdir(const Config& cfg, int64_t sequence_file_id);
// BASENAME_OUT_VIDJIL_ID: "%06d" of the results id.
std::string result_basename(int64_t results_file_id);

// DIR_RESULTS/<stored name>, or nullopt when the stored name is not a plain file name.
std::optional<std::string> stored_result_path(const Config& cfg, const std::string& stored);
std::optional<std::string> stored_sequence_path(const Config& cfg, const std::string& stored);

// model.md §3.2 check_space: true when `dir` has less than FS_LOCK_THRESHOLD % (default 1) of
// its size available. An unreadable directory counts as full: nothing would be written there.
bool disk_nearly_full(const Config& cfg, const std::string& dir);

// A relative path inside `root` named by a client (results_file/download): refuses "..",
// absolute paths, and symbolic links leading outside. Returns the full path or nullopt.
std::optional<std::string> path_inside(const std::string& root, const std::string& relative);

}  // namespace vidjil::jobs
