// Implementation of request parsing (see request.h).
#include "http/request.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "http/multipart_stream.h"
#include "util/text.h"

namespace vidjil::http {

std::string Request::header(const std::string& name) const {
    std::string key = "HTTP_";
    for (char c : name) key.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return env.get(key);
}

const UploadedFile* Request::file(const std::string& field) const {
    for (const auto& f : files)
        if (f.field == field) return &f;
    return nullptr;
}

std::string normalize_path(std::string_view raw) {
    std::string out;
    for (char c : raw) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) throw BadRequest("The address contains control characters.");
        if (c == '/' && !out.empty() && out.back() == '/') continue;
        out.push_back(c);
    }
    if (out.empty() || out[0] != '/') out.insert(out.begin(), '/');
    if (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

static void add_param(ParamMap& out, std::string key, std::string value, const Limits& limits) {
    if (key.size() > limits.max_key) throw BadRequest("A parameter name is too long.");
    if (value.size() > limits.max_value)
        throw BadRequest("Parameter '" + text::escape_for_log(key, 64) + "' is too large.", 413);
    if (!text::valid_utf8(key) || !text::valid_utf8(value))
        throw BadRequest("Parameter '" + text::escape_for_log(key, 64) + "' is not valid UTF-8 text.");
    size_t total = 0;
    for (const auto& kv : out) total += kv.second.size();
    if (total >= limits.max_params) throw BadRequest("Too many parameters.");
    out[std::move(key)].push_back(std::move(value));
}

void parse_urlencoded(std::string_view s, ParamMap& out, const Limits& limits) {
    size_t start = 0;
    while (start <= s.size()) {
        size_t amp = s.find('&', start);
        if (amp == std::string_view::npos) amp = s.size();
        std::string_view pair = s.substr(start, amp - start);
        start = amp + 1;
        if (pair.empty()) {
            if (amp >= s.size()) break;
            continue;
        }
        size_t eq = pair.find('=');
        std::string_view k = pair.substr(0, eq);
        std::string_view v = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        auto key = text::url_decode(k, true);
        auto value = text::url_decode(v, true);
        if (!key || !value) throw BadRequest("Malformed parameters: invalid %-escape.");
        if (!key->empty()) add_param(out, std::move(*key), std::move(*value), limits);
        if (amp >= s.size()) break;
    }
}

std::map<std::string, std::string> parse_cookies(std::string_view header) {
    std::map<std::string, std::string> out;
    for (const std::string& part : text::split(header, ';')) {
        size_t eq = part.find('=');
        if (eq == std::string::npos) continue;
        std::string k = text::trim(part.substr(0, eq));
        std::string v = text::trim(part.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        if (!k.empty() && !out.count(k)) out[k] = v;  // the first (most specific path) wins
    }
    return out;
}

std::string header_param(std::string_view value, std::string_view name) {
    // Walk `a; k="v"; k2=v2`, honouring quotes so that a ';' inside a file name is kept.
    size_t i = value.find(';');
    while (i != std::string_view::npos && i < value.size()) {
        ++i;
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
        size_t eq = value.find('=', i);
        if (eq == std::string_view::npos) return "";
        std::string key = text::to_lower(text::trim(value.substr(i, eq - i)));
        size_t j = eq + 1;
        std::string v;
        if (j < value.size() && value[j] == '"') {
            ++j;
            while (j < value.size() && value[j] != '"') {
                if (value[j] == '\\' && j + 1 < value.size()) ++j;
                v.push_back(value[j++]);
            }
            if (j < value.size()) ++j;
        } else {
            while (j < value.size() && value[j] != ';') v.push_back(value[j++]);
            v = text::trim(v);
        }
        if (key == name) return v;
        i = value.find(';', j);
    }
    return "";
}

std::string multipart_boundary(std::string_view content_type) {
    std::string b = header_param(content_type, "boundary");
    if (b.size() > 200) return "";
    return b;
}

// Small forms go through the same streaming reader as uploads, fed from memory: one parser.
void parse_multipart(std::string_view body, const std::string& boundary, ParamMap& fields,
                     std::vector<UploadedFile>& files, const Limits& limits) {
    size_t pos = 0;
    MultipartReader::Limits ml;
    ml.max_header_bytes = limits.max_part_headers;
    ml.max_parts = limits.max_params;
    ml.max_field_bytes = limits.max_value;
    MultipartReader reader(
        [&body, &pos](char* buf, size_t n) {
            size_t k = std::min(n, body.size() - pos);
            std::memcpy(buf, body.data() + pos, k);
            pos += k;
            return k;
        },
        boundary, ml);
    PartHeaders part;
    while (reader.next_part(part)) {
        if (part.is_file) {
            if (!text::valid_utf8(part.filename) || text::has_control_chars(part.filename))
                throw BadRequest("The uploaded file name is not valid text.");
            UploadedFile f{part.name, part.filename, part.content_type, ""};
            for (std::string_view chunk = reader.next_chunk(); !chunk.empty(); chunk = reader.next_chunk())
                f.data.append(chunk);
            files.push_back(std::move(f));
        } else {
            add_param(fields, part.name, reader.read_field(), limits);
        }
    }
}

Request Request::from_env(const std::map<std::string, std::string>& e, const Limits& limits) {
    return from_env(Env(e), limits);
}

Request Request::from_env(Env&& env, const Limits& limits) {
    Request r;
    r.env = std::move(env);
    const Env& e = r.env;
    auto get = [&](const char* k) { return e.get(k); };
    r.method = get("REQUEST_METHOD");
    if (r.method.empty()) r.method = "GET";
    // nginx's DOCUMENT_URI is the decoded, slash-merged path; fall back to SCRIPT_NAME+PATH_INFO
    // or the raw REQUEST_URI for other front ends and for tests.
    std::string raw = get("DOCUMENT_URI");
    if (raw.empty()) raw = get("SCRIPT_NAME") + get("PATH_INFO");
    if (raw.empty()) {
        raw = get("REQUEST_URI");
        raw = raw.substr(0, raw.find('?'));
        auto dec = text::url_decode(raw, false);
        if (!dec) throw BadRequest("Malformed address.");
        raw = *dec;
    }
    if (!text::valid_utf8(raw)) throw BadRequest("The address is not valid UTF-8.");
    r.path = normalize_path(raw);
    r.query_string = get("QUERY_STRING");
    if (r.query_string.size() > kMaxQueryString)
        throw BadRequest("The address is too long (at most " + std::to_string(kMaxQueryString) +
                             " bytes of parameters in the address): send the parameters in a POST body.",
                         414);
    r.content_type = get("CONTENT_TYPE");
    std::string cl = get("CONTENT_LENGTH");
    if (!cl.empty()) {
        auto n = text::parse_int(cl);
        if (!n || *n < 0) throw BadRequest("Invalid Content-Length.");
        r.content_length = *n;
    }
    r.remote_addr = get("REMOTE_ADDR");
    r.host = get("HTTP_HOST");
    if (r.host.empty()) r.host = get("SERVER_NAME");
    std::string https = text::to_lower(get("HTTPS"));
    r.scheme = (https == "on" || https == "1" || get("REQUEST_SCHEME") == "https") ? "https" : "http";
    r.cookies = parse_cookies(get("HTTP_COOKIE"));
    parse_urlencoded(r.query_string, r.query, limits);
    return r;
}

void Request::parse_body(std::string data, const Limits& limits) {
    std::string ct = text::to_lower(content_type.substr(0, content_type.find(';')));
    ct = text::trim(ct);
    if (ct == "application/x-www-form-urlencoded") {
        parse_urlencoded(data, form, limits);
    } else if (ct == "multipart/form-data") {
        parse_multipart(data, multipart_boundary(content_type), form, files, limits);
    } else {
        body = std::move(data);
    }
}

}  // namespace vidjil::http
