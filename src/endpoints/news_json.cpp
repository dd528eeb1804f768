// JSON texts for the web client (see news_json.h).
#include "endpoints/news_json.h"

#include "render/template.h"
#include "util/json.h"

#include <cstdint>
#include <cstdio>

namespace vidjil::endpoints {

namespace {

std::string number_or_null(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "null"; }
std::string string_or_null(const std::optional<std::string>& v) { return v ? json::quote(*v) : "null"; }

}  // namespace

std::string active_notifications_json(const std::vector<model::Notification>& rows) {
    std::string out = "[";
    for (size_t i = 0; i < rows.size(); ++i) {
        const model::Notification& n = rows[i];
        if (i) out += ", ";
        out += "{\"notification\": {\"id\": " + std::to_string(n.id) + ", \"creator\": " + number_or_null(n.creator) +
               ", \"title\": " + json::quote(render::html_escape(n.title)) +
               ", \"message_content\": " + json::quote(render::html_escape(n.message_content)) +
               ", \"message_type\": " + json::quote(n.message_type) + ", \"priority\": " + json::quote(n.priority) +
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
