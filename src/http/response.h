// An HTTP response, and the constructors for the kinds of answers the clients expect: JSON text
// served as text/html (the web client's content-type trap), JSON for the API, HTML fragments,
// redirects, and errors in the original's {"success":"false","message":...} shape.
#pragma once
#include <json/json.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace vidjil::http {

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Work done once the answer has been handed over completely (app::serve runs it): the client
    // does not wait for it. Each task reports its own failures.
    std::vector<std::function<void()>> after_sent;

    void set_header(const std::string& name, const std::string& value);
    std::string get_header(const std::string& name) const;
    // Status line and headers in CGI form ("Status: 200 OK\r\n...\r\n\r\n").
    std::string cgi_head() const;

    // JSON the web client parses itself: compact, Content-Type text/html (api.md §1.4).
    static Response json_text(const Json::Value& v, int status = 200);
    // JSON for the API client: application/json, sorted keys, indented like py4web.
    static Response json_api(const Json::Value& v, int status = 200);
    static Response html(std::string body, int status = 200);
    static Response redirect(const std::string& location, int status = 303);
    // {"success":"false","message":m} as json_text.
    static Response error(const std::string& message, int status = 200);
    static Response message(const std::string& message);  // {"message":m}
};

// A user-controlled value (a name, an e-mail, a file name...) placed inside a JSON `message`:
// the web client shows messages as HTML flashes (innerHTML), so the value is HTML-escaped.
// Every message that quotes such a value goes through this one helper.
std::string msg_value(const std::string& value);

// The one Content-Disposition builder: `attachment; filename="<ASCII>"; filename*=UTF-8''<exact>`
// (RFC 6266 / 5987): control, non-ASCII, '"' and '\\' become '_' in the ASCII name, which
// cannot break the header; an empty name is "download".
std::string content_disposition(const std::string& filename);
const char* status_text(int status);
std::string json_compact(const Json::Value& v);
std::string json_pretty(const Json::Value& v);
// A JSON object or array from a client, through the one reader (json::parse, depth-limited);
// false (and an error text a person understands) when it is not valid JSON.
bool json_parse(const std::string& text, Json::Value& out, std::string* error = nullptr);

}  // namespace vidjil::http
