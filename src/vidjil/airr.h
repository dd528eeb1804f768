// AIRR rearrangement TSV (vidjil-algo, IgBLAST, MiXCR, IMGT/V-QUEST) imported as a one-sample
// .vidjil result, the way tools/fuse.py's load_airr does (model.md §3.5 "AIRR import").
#pragma once

#include <json/json.h>

#include <string>

namespace vidjil::files {

// One clone per data row; throws FormatError when there is no usable header line.
// `original_name` goes to samples.original_names.
Json::Value airr_to_vidjil(const std::string& tsv, const std::string& original_name);

// Reads `path` (gzip accepted) and imports it.
Json::Value load_airr(const std::string& path);

// fuse.py's rule to treat an input as AIRR: its path contains ".tsv", ".airr" or ".AIRR".
bool is_airr_path(const std::string& path);

// A V/D/J call without IMGT noise: "Homsap IGHV3-74*01 F, or Homsap IGHV3-74*02 F" gives
// "IGHV3-74*01". Only the first of several alternatives is kept (IMGT's ", or", IgBLAST's ",").
std::string clean_gene_name(const std::string& call);

}  // namespace vidjil::files
