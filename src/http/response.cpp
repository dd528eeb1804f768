// Implementation of responses (see response.h).
#include "http/response.h"

#include <map>
#include <memory>
#include <sstream>

#include "render/template.h"
#include "util/json.h"
#include "util/text.h"

namespace vidjil::http {

void Response::set_header(const std::string& name, const std::string& value) {
    for (auto& h : headers)
        if (text::iequals(h.first, name)) {
            h.second = value;
            return;
        }
    headers.emplace_back(name, value);
}

std::string Response::get_header(const std::string& name) const {
    for (const auto& h : headers)
        if (text::iequals(h.first, name)) return h.second;
    return "";
}

const char* status_text(int s) {
    switch (s) {
        case 200: return "OK";
        case 204: return "No Content";
        case 206: return "Partial Content";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 413: return "Payload Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        case 507: return "Insufficient Storage";
        default: return "Unknown";
    }
}

std::string Response::cgi_head() const {
    size_t size = 32;
    for (const auto& h : headers) size += h.first.size() + h.second.size() + 4;
    std::string out;
    out.reserve(size);
    out.append("Status: ").append(std::to_string(status)).append(" ").append(status_text(status)).append("\r\n");
    for (const auto& h : headers) {
        out.append(h.first).append(": ");
        // Header values never carry CR/LF: they could split the response.
        for (char c : h.second)
            if (c != '\r' && c != '\n') out.push_back(c);
        out.append("\r\n");
    }
    out.append("\r\n");
    return out;
}

// Through the one HTML escaper (mustache's, as in every template).
std::string msg_value(const std::string& value) { return render::html_escape(value); }

std::string content_disposition(const std::string& filename) {
    std::string name = filename.empty() ? "download" : filename;
    std::string ascii;
    for (char ch : name) {
        unsigned char u = static_cast<unsigned char>(ch);
        ascii.push_back(u < 0x20 || u >= 0x7F || ch == '"' || ch == '\\' ? '_' : ch);
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + text::url_encode(name);
}

namespace {

// One writer per settings and thread, kept: a new writer per answer (Json::writeString) cost
// more than writing a small answer. A writer resets its state at each write.
std::string write_json(const Json::StreamWriterBuilder& b, const Json::Value& v) {
    thread_local std::map<const Json::StreamWriterBuilder*, std::unique_ptr<Json::StreamWriter>> writers;
    auto& w = writers[&b];
    if (!w) w.reset(b.newStreamWriter());
    std::ostringstream os;
    w->write(v, &os);
    return os.str();
}

}  // namespace

// The writers' settings are built once (a builder is a Json::Value of settings: making one per
// answer cost more than writing a small answer); a const builder only hands out new writers.
std::string json_compact(const Json::Value& v) {
    static const Json::StreamWriterBuilder b = [] {
        Json::StreamWriterBuilder s;
        s["indentation"] = "";
        s["precision"] = 15;
        return s;
    }();
    return write_json(b, v);
}

std::string json_pretty(const Json::Value& v) {
    static const Json::StreamWriterBuilder b = [] {
        Json::StreamWriterBuilder s;
        s["indentation"] = "  ";
        s["enableYAMLCompatibility"] = true;  // "key": value, as Python's json.dumps(indent=2)
        s["precision"] = 15;
        return s;
    }();
    return write_json(b, v);
}

bool json_parse(const std::string& t, Json::Value& out, std::string* error) {
    json::ParseOptions o;
    o.container_root = true;
    return json::parse(t, out, error, o);
}

Response Response::json_text(const Json::Value& v, int status) {
    Response r;
    r.status = status;
    r.set_header("Content-Type", "text/html; charset=UTF-8");
    r.body = json_compact(v);
    return r;
}

Response Response::json_api(const Json::Value& v, int status) {
    Response r;
    r.status = status;
    r.set_header("Content-Type", "application/json");
    r.body = json_pretty(v);
    return r;
}

Response Response::html(std::string body, int status) {
    Response r;
    r.status = status;
    r.set_header("Content-Type", "text/html; charset=UTF-8");
    r.body = std::move(body);
    return r;
}

Response Response::redirect(const std::string& location, int status) {
    Response r;
    r.status = status;
    r.set_header("Location", location);
    r.set_header("Content-Type", "text/html; charset=UTF-8");
    return r;
}

Response Response::error(const std::string& message, int status) {
    Json::Value v(Json::objectValue);
    v["success"] = "false";
    v["message"] = message;
    return json_text(v, status);
}

Response Response::message(const std::string& message) {
    Json::Value v(Json::objectValue);
    v["message"] = message;
    return json_text(v);
}

}  // namespace vidjil::http
