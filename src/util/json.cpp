// Implementation of the one JSON reader (see json.h).
#include "util/json.h"

#include <cstdio>
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

namespace {

void append_u(std::string& out, unsigned cp) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", cp);
    out += buf;
}

// Decodes one UTF-8 sequence at s[i]; returns the code point (0xFFFD when invalid) and advances i.
unsigned next_code_point(std::string_view s, size_t& i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
        ++i;
        return 0xFFFD;
    }
    unsigned cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    static const unsigned min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    i += len;
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
    return cp;
}

}  // namespace

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size();) {
        unsigned cp = next_code_point(s, i);
        switch (cp) {
            case '"': out += "\\\""; continue;
            case '\\': out += "\\\\"; continue;
            case '\n': out += "\\n"; continue;
            case '\r': out += "\\r"; continue;
            case '\t': out += "\\t"; continue;
            case '\b': out += "\\b"; continue;
            case '\f': out += "\\f"; continue;
            case '<': case '>': case '&': append_u(out, cp); continue;
            default: break;
        }
        if (cp < 0x20 || cp >= 0x7F) {
            if (cp >= 0x10000) {  // a surrogate pair, as Python writes it
                cp -= 0x10000;
                append_u(out, 0xD800 + (cp >> 10));
                append_u(out, 0xDC00 + (cp & 0x3FF));
            } else {
                append_u(out, cp);
            }
        } else {
            out.push_back(static_cast<char>(cp));
        }
    }
    return out + "\"";
}


}  // namespace vidjil::json
