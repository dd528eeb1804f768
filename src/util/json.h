// THE JSON reader: every JSON document the server parses (request parameters, uploaded
// .analysis files, .vidjil results, files our own programs wrote) goes through json::parse, which
// bounds the nesting depth and the size so that no input can exhaust the stack or the memory.
#pragma once
#include <json/json.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace vidjil::json {

// Deeper than any real .vidjil / .analysis file (about 10 levels), far below the depth at which
// jsoncpp's recursive reader would overflow the stack.
inline constexpr size_t kMaxDepth = 256;

struct ParseOptions {
    size_t max_depth = kMaxDepth;
    size_t max_bytes = std::string_view::npos;  // no limit beyond the caller's own
    // The document must be an object or an array (request parameters: handlers index into them).
    bool container_root = false;
};

// Parses `text` (NaN/Infinity accepted as Python writes them, no comments, nothing after the
// document, a repeated key keeps its last value). False, with a message a person understands in
// *error, when the text is not valid JSON or exceeds the limits; never throws.
bool parse(std::string_view text, Json::Value& out, std::string* error = nullptr, const ParseOptions& options = {});

// A JSON string literal as Python's json.dumps writes it (ensure_ascii: non-ASCII as \uXXXX),
// with '<', '>' and '&' also \u-escaped: answers served as text/html can never be read as
// markup. Invalid UTF-8 becomes U+FFFD. For small documents written on a hot path or in the
// exact shape the web client expects, without building a Json::Value.
std::string quote(std::string_view s);

}  // namespace vidjil::json
