// The top level of a large JSON object without building it: get_data changes a few small members
// of a fused result (samples, a handful of injected keys) and passes the clones, usually almost
// all of the bytes, through untouched. Splitting the object into raw member texts and joining
// them again costs one pass over the bytes instead of a parse and a re-serialisation.
#pragma once

#include <json/json.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vidjil::files {

struct RawMember {
    std::string key;             // decoded
    std::string_view raw_key;    // as written, with its quotes
    std::string_view value;      // as written
};

// Members of the JSON object `text`, in order. Values are checked to be well formed as far as
// nesting, strings and literals go (not number syntax). Throws FormatError naming `what`.
std::vector<RawMember> split_object(std::string_view text, const std::string& what);

// {members} where a member whose key is in `replace` is written from it (a null Json value
// drops the member), others as they were; keys of `replace` absent from `members` are appended
// in order. Output is compact and valid JSON.
std::string join_object(const std::vector<RawMember>& members,
                        const std::vector<std::pair<std::string, Json::Value>>& replace);

}  // namespace vidjil::files
