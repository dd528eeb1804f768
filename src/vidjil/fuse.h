// The native fuse: merges the results of the samples of a set (time points of a patient) into
// the one multi-sample .vidjil served to the browser, as tools/fuse.py does (model.md §3.5).
//
// Implemented: loading (.vidjil gzip or not, AIRR TSV, pre-process statistics), -t selection
// with the min-clones-per-locus bypass, reads.distribution ratio buckets (build_stat), merge
// with padding, W81/W82, diversity/mrd/distributions.repertoires concatenation, sample-indexed
// warnings, producer/timestamp/version.
// Not implemented (fuse.py options the server may pass): -d/--distributions axes (computing
// distributions.repertoires; existing ones are merged), -D, --overlaps (Morisita/Jaccard),
// --pre/--post scripts, --export-airr, --no-clones, .clntab inputs, and the `similarity` matrix
// (computed by an external program; always written as []).
#pragma once

#include "vidjil/vidjil_file.h"

#include <json/json.h>

#include <string>
#include <vector>

namespace vidjil::files {

struct FuseInput {
    Json::Value result;       // a .vidjil result or an AIRR import
    Json::Value pre_process;  // pre-process statistics (pre_process.vidjil), null when none
};

struct FuseOptions {
    // -t: keep clones ranked within the top N of at least one sample; 0 keeps every clone.
    unsigned top = 100;
    // Options of the config's fuse_command that this fuse does not implement (for the log).
    std::vector<std::string> unsupported;
};

// Options from a config's fuse_command such as "-t 100 -d lenSeqAverage --overlaps".
FuseOptions parse_fuse_command(const std::string& fuse_command);

// Loads one fuse input as fuse.py does: AIRR when the path says so (or the content is a TSV
// with an AIRR header), else a .vidjil whose samples.timestamp becomes the file's mtime.
// `pre_process_path` (may be empty) adds samples.pre_process and reads.merged.
FuseInput load_fuse_input(const std::string& path, const std::string& pre_process_path = "");

// The fused result. Throws FormatError on inputs that cannot be merged (no input, two samples
// with the same name in distributions.repertoires).
Json::Value fuse(const std::vector<FuseInput>& inputs, const FuseOptions& options = {});

// fuse.py build_stat: reads.distribution["0.1"], ["0.01"] ... ["0.0000001"] = per sample, the
// reads of the clones whose share of segmented reads falls in that decade (the last bucket
// also takes everything smaller).
void build_stat(Json::Value& result);

}  // namespace vidjil::files
