// Internal to the fuse: how two results (with na and nb samples) become one, value by value.
#pragma once

#include <json/json.h>

namespace vidjil::files::merge {

// A per-sample list for a side of `n` samples: arrays as they are, a lone value as [value],
// and `pad` for each sample the side has no value for.
Json::Value concat(const Json::Value& a, unsigned na, const Json::Value& b, unsigned nb,
                   const Json::Value& pad);

// Objects whose members are per-sample lists (reads.germline, mrd, pre_process.stats...):
// member-wise concat over the union of their keys, nested objects likewise.
Json::Value concat_members(const Json::Value& a, unsigned na, const Json::Value& b, unsigned nb,
                           const Json::Value& pad);

// diversity as per-sample lists; an absent index is "na" as in fuse.py.
Json::Value diversity_lists(const Json::Value& diversity, unsigned n);

// Clones merged by id, in order of first appearance; clones absent from a side get zeros there.
Json::Value merge_clones(Json::Value&& a, unsigned na, Json::Value&& b, unsigned nb);

// Whole results; top-level values that are not per-sample (config, germlines...) are dropped.
Json::Value merge_results(Json::Value&& a, unsigned na, Json::Value&& b, unsigned nb);

}  // namespace vidjil::files::merge
