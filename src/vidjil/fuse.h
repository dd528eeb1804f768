// The native fuse: merges the results of the samples of a set (time points of a patient) into
// the one multi-sample .vidjil served to the browser, as tools/fuse.py does (model.md §3.5).
//
// Implemented: loading (.vidjil gzip or not, AIRR TSV, pre-process statistics), -t selection
// with the min-clones-per-locus bypass, reads.distribution ratio buckets (build_stat), -d
// per-sample distributions (fuse_distributions.cpp), merge with padding, W81/W82,
// diversity/mrd/distributions.repertoires concatenation, sample-indexed warnings,
// producer/timestamp/version. --pre/--post are parsed here and run by jobs/fuse_scripts.h.
// Not implemented (fuse.py options the server may pass): -D, --overlaps (Morisita/Jaccard: the
// output format is not specified), --export-airr, --no-clones, .clntab inputs, and the
// `similarity` matrix (computed by an external program; always written as []).
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

// One command of --pre/--post: a script of the pre-fuse or post-fuse directory (a plain name,
// never a path) and its arguments; it is run as `<script> <args> -i <in> -o <out>`.
struct FuseScript {
    std::string script;
    std::vector<std::string> args;
};

struct FuseOptions {
    // -t: keep clones ranked within the top N of at least one sample; 0 keeps every clone.
    unsigned top = 100;
    // -d axis[,axis] (repeatable): one distribution per group, known axes only (see known_axes).
    std::vector<std::vector<std::string>> distributions;
    // --pre 'a x && b y' (run on each input before fusing) and --post (on the fused result).
    std::vector<FuseScript> pre, post;
    // Options of the config's fuse_command that this fuse does not implement (for the log).
    std::vector<std::string> unsupported;
    // Parts of the command skipped with a reason (unknown -d axes), for the log.
    std::vector<std::string> problems;
};

// Options from a config's fuse_command such as "-t 100 -d lenSeqAverage --overlaps" (words as
// jobs::split_words makes them: '...' and "..." group). Throws FormatError when the command
// cannot be used: bad quoting, -t without a number, a --pre/--post command that is empty, uses
// shell syntax, or names its script with a path ('/' or '..').
FuseOptions parse_fuse_command(const std::string& fuse_command);

// The -d axes this fuse computes: seg5, seg4, seg3 (seg["5"/"4"/"3"].name), germline,
// lenSeqAverage (the sample's _average_read_length rounded, "160.0"), lenCDR3 (nucleotides of
// seg.cdr3). A clone without a value for an axis counts under "unknow_axis" (sic, as fuse.py).
const std::vector<std::string>& known_axes();
bool is_known_axis(const std::string& axis);

// -d for sample `sample` of `result`: {"axes": axes, "values": {v1: {v2: [clones, reads]}}},
// nested one level per axis, counting the clones that have reads in that sample.
Json::Value sample_distribution(const Json::Value& result, unsigned sample,
                                const std::vector<std::string>& axes);

// Sets result.distributions.repertoires[<original name of each sample>] to the list of its
// distributions (keys ["clones","reads"], filters {}). A sample without an original name is
// called "sample <first_sample + i + 1>".
void add_distributions(Json::Value& result, const std::vector<std::vector<std::string>>& groups,
                       unsigned first_sample = 0);

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
