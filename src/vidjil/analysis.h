// .analysis files saved by the browser and what get_analysis serves back (model.md §4.3).
#pragma once

#include <json/json.h>

#include <string>

namespace vidjil::files {

// Served when a set has no saved analysis yet, and the base every saved one is merged over.
Json::Value default_analysis();

// get_analysis: only clones, clusters (a legacy `cluster` is read as clusters), tags,
// report_save and samples (member-wise over the default samples) survive; the rest the browser
// saved (normalization, info, producer, timestamp...) is dropped.
Json::Value reduce_analysis(const Json::Value& saved);

// A saved .analysis file (gzip accepted); throws FormatError when it is not a JSON object.
Json::Value load_analysis(const std::string& path);

}  // namespace vidjil::files
