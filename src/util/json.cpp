// Implementation of the one JSON reader (see json.h).
#include "util/json.h"

#include <memory>

namespace vidjil::json {

namespace {
// jsoncpp's "* Line 1, Column 5\n  Missing ',' ...\n" as one line: "line 1, column 5: Missing ','".
std::string one_line(const std::string& s) {
    std::string out;
    size_t start = 0;
    while (start < s.size()) {
        size_t end = s.find('\n', start);
        if (end == std::string::npos) end = s.size();
        std::string line = s.substr(start, end - start);
        start = end + 1;
        size_t b = line.find_first_not_of(" *\t\r");
        if (b == std::string::npos) continue;
        line = line.substr(b, line.find_last_not_of(" \t\r") + 1 - b);
        if (!out.empty()) out += ": ";
        out += line;
        if (out.size() > 300) break;  // the first error is enough
    }
    if (out.rfind("Line ", 0) == 0) out[0] = 'l';
    size_t col = out.find(", Column ");
    if (col != std::string::npos) out[col + 2] = 'c';
    return out;
}

// Nesting depth of the text, counted outside strings; stops as soon as it exceeds `limit`.
size_t depth_exceeds(std::string_view s, size_t limit) {
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}
}  // namespace

bool parse(std::string_view text, Json::Value& out, std::string* error, const ParseOptions& options) {
    auto fail = [&](const std::string& why) {
        if (error) *error = why;
        return false;
    };
    if (text.size() > options.max_bytes)
        return fail("the JSON document is too large (" + std::to_string(text.size()) + " bytes, at most " +
                    std::to_string(options.max_bytes) + ")");
    // Checked before jsoncpp sees the text: its recursive reader throws (or, without its stack
    // limit, overflows the stack) on deeply nested input.
    if (depth_exceeds(text, options.max_depth))
        return fail("the JSON document is nested more than " + std::to_string(options.max_depth) + " levels deep");
    Json::CharReaderBuilder b;
    b["collectComments"] = false;
    b["allowComments"] = false;
    b["allowTrailingCommas"] = false;
    b["strictRoot"] = options.container_root;
    b["allowDroppedNullPlaceholders"] = false;
    b["allowNumericKeys"] = false;
    b["allowSingleQuotes"] = false;
    b["stackLimit"] = static_cast<Json::UInt>(options.max_depth + 1);
    b["failIfExtra"] = true;
    b["rejectDupKeys"] = false;
    b["allowSpecialFloats"] = true;  // .vidjil files written by Python may hold NaN/Infinity
    b["skipBom"] = true;
    std::unique_ptr<Json::CharReader> r(b.newCharReader());
    std::string err;
    try {
        Json::Value v;
        if (!r->parse(text.data(), text.data() + text.size(), &v, &err))
            return fail("invalid JSON" + (err.empty() ? std::string() : " (" + one_line(err) + ")"));
        out.swap(v);
        return true;
    } catch (const std::exception& e) {
        return fail(std::string("invalid JSON (") + e.what() + ")");
    }
}

std::string quote(std::string_view s) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (char ch : s) {
        unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

}  // namespace vidjil::json
