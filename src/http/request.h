// An HTTP request as the endpoints see it, and the parsers that build it from a CGI/FastCGI
// environment: path normalisation, query strings, urlencoded and multipart bodies, cookies.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "http/env.h"

namespace vidjil::http {

// A malformed request: answered 400 (or the given status) with `what()` as the message.
class BadRequest : public std::runtime_error {
public:
    explicit BadRequest(const std::string& m, int status = 400) : std::runtime_error(m), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

// key -> values, in arrival order (a repeated key is a list).
using ParamMap = std::map<std::string, std::vector<std::string>>;

struct UploadedFile {
    std::string field, filename, content_type, data;
};

// Longest query string accepted (bytes): answered 414 beyond. nginx's large_client_header_buffers
// (nginx/*.conf) lets any request line with such a query string through and answers the same 414
// for longer ones; much more would not fit nginx's 64 KB FastCGI parameter record.
inline constexpr size_t kMaxQueryString = 16384;

// Limits applied while parsing, from the configuration.
struct Limits {
    size_t max_body = 16u << 20;       // bytes of a non-streamed body
    size_t max_value = 8u << 20;       // bytes of one parameter value
    size_t max_key = 256;              // bytes of one parameter name
    size_t max_params = 10000;         // number of parameters
    size_t max_part_headers = 16384;   // bytes of the headers of one multipart part
};

class Request {
public:
    std::string method, path, query_string, content_type, remote_addr, host, scheme;
    int64_t content_length = -1;
    Env env;  // the CGI variables
    std::map<std::string, std::string> cookies;
    ParamMap query, form;
    std::vector<UploadedFile> files;
    std::string body;  // the raw body, when it is not form data (e.g. FASTA for align.cgi)

    // Header by its HTTP name ("Origin", "Sec-Fetch-Site"); "" when absent.
    std::string header(const std::string& name) const;
    std::string self_origin() const { return scheme + "://" + host; }
    bool https() const { return scheme == "https"; }
    const UploadedFile* file(const std::string& field) const;

    // Fills method, path, query and cookies from a CGI environment, taken over.
    static Request from_env(Env&& env, const Limits& limits);
    // The same from name/value pairs (tests).
    static Request from_env(const std::map<std::string, std::string>& env, const Limits& limits);
    // Parses an already read body according to content_type (urlencoded, multipart or raw).
    void parse_body(std::string data, const Limits& limits);
};

// Collapses repeated slashes, refuses NUL and control characters, keeps "/" as root.
std::string normalize_path(std::string_view raw);
// Query-string rules of the original: repeated key = list, "key" alone = "", empty keys dropped,
// '+' = space. Throws BadRequest on a malformed escape or invalid UTF-8.
void parse_urlencoded(std::string_view s, ParamMap& out, const Limits& limits);
std::map<std::string, std::string> parse_cookies(std::string_view header);
// The boundary of a multipart/form-data content type, "" if absent.
std::string multipart_boundary(std::string_view content_type);
// A whole in-memory multipart body (small forms), read by the streaming MultipartReader.
void parse_multipart(std::string_view body, const std::string& boundary, ParamMap& fields,
                     std::vector<UploadedFile>& files, const Limits& limits);
// One parameter of a header value such as `form-data; name="x"; filename="y"`.
std::string header_param(std::string_view value, std::string_view name);

}  // namespace vidjil::http
