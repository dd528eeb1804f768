// JSON texts for the web client (see news_json.h).
#include "endpoints/news_json.h"

#include "render/template.h"

#include <cstdint>
#include <cstdio>

namespace vidjil::endpoints {

namespace {

void append_u(std::string& out, unsigned cp) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", cp);
    out += buf;
}

// Decodes one UTF-8 sequence at s[i]; returns the code point (0xFFFD when invalid) and advances i.
unsigned next_code_point(const std::string& s, size_t& i) {
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

std::string number_or_null(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "null"; }
std::string string_or_null(const std::optional<std::string>& v) { return v ? json_string(*v) : "null"; }

}  // namespace

std::string json_string(const std::string& s) {
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

std::string active_notifications_json(const std::vector<model::Notification>& rows) {
    std::string out = "[";
    for (size_t i = 0; i < rows.size(); ++i) {
        const model::Notification& n = rows[i];
        if (i) out += ", ";
        out += "{\"notification\": {\"id\": " + std::to_string(n.id) + ", \"creator\": " + number_or_null(n.creator) +
               ", \"title\": " + json_string(render::html_escape(n.title)) +
               ", \"message_content\": " + json_string(render::html_escape(n.message_content)) +
               ", \"message_type\": " + json_string(n.message_type) + ", \"priority\": " + json_string(n.priority) +
               ", \"expiration\": " + string_or_null(n.expiration) +
               ", \"creation_datetime\": " + string_or_null(n.creation_datetime) +
               "}, \"user_preference\": {\"val\": null}}";
    }
    return out + "]";
}

std::string html_inert_json(const std::string& json) {
    std::string out;
    out.reserve(json.size());
    for (char c : json) {
        if (c == '<') out += "\\u003c";
        else if (c == '>') out += "\\u003e";
        else if (c == '&') out += "\\u0026";
        else out.push_back(c);
    }
    return out;
}

}  // namespace vidjil::endpoints
