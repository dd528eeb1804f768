// Internals of the sequence-file handlers: what content a stored file may have, the mounted
// filesystem (FILE_SOURCE) with its confinement, and the storage of network files.
#pragma once
#include <optional>
#include <string>

#include "config.h"
#include "endpoints/sets.h"

namespace vidjil::endpoints::sets {

// "" when a file named `filename` whose first bytes are `head` may be stored as a sequence
// file (FASTA/FASTQ, gzipped or not) or a precomputed result (AIRR TSV, .vidjil); otherwise
// the reason, for the user. The content decides, and must agree with the name's extension.
std::string content_problem(const std::string& filename, const std::string& head, bool& gzipped);

// A file name as the client sent it (browsers may send C:\fakepath\x.fa): its base name, or
// "" when it is empty, has control characters or is "." / "..".
std::string clean_upload_name(const std::string& name, std::string& problem);

// The mounted filesystem of the lab (FILE_SOURCE, FILE_TYPES); enabled when both are set.
bool file_source_enabled(const Config& cfg);
// The real path of `node` ("/dir/file.fastq", relative to FILE_SOURCE) when it exists and
// resolves inside FILE_SOURCE (no "..", symlinks to the outside refused). `problem` says why not.
std::optional<std::string> resolve_source(const Config& cfg, const std::string& node, std::string& problem);
// True when the name ends with one of FILE_TYPES.
bool allowed_source_type(const Config& cfg, const std::string& name);

// Links a mounted file into DIR_SEQUENCES under the original's network-file name
// (sequence_file.data_file.<16 hex>.<hex of the name without extension>.<extension>).
// Returns the stored name; throws std::runtime_error.
std::string link_source_file(const Context& c, const std::string& real_path);

}  // namespace vidjil::endpoints::sets
