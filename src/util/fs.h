// File-system helpers: durable writes (temp + fsync + rename + fsync of the directory),
// reading whole small files, creating directories.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace vidjil::fs {

// Writes `data` to `path` so that a crash leaves either the old file or the complete new one.
void write_file_atomic(const std::string& path, const std::string& data, int mode = 0640);
// Reads a whole file; throws std::runtime_error if it cannot. max_bytes guards memory.
std::string read_file(const std::string& path, size_t max_bytes = 256u << 20);
bool exists(const std::string& path);
void mkdirs(const std::string& path, int mode = 0750);
void fsync_dir(const std::string& dir);
std::string dirname(const std::string& path);
// The names of the entries of a directory (no "." and ".."), sorted; nullopt (errno set) when
// it cannot be opened.
std::optional<std::vector<std::string>> list_dir(const std::string& dir);
std::string basename(const std::string& path);

}  // namespace vidjil::fs
