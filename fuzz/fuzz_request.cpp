// libFuzzer harness for the request parsers that read bytes from the wire: query strings,
// cookies, urlencoded and multipart bodies, header parameters and typed validation.
#include <string>

#include "fuzz/harnesses.h"
#include "http/params.h"
#include "http/request.h"

using namespace vidjil;

int vidjil::fuzz::request(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    // The first line chooses the boundary/content type; the rest is the payload.
    size_t nl = input.find('\n');
    std::string head = nl == std::string::npos ? input : input.substr(0, nl);
    std::string body = nl == std::string::npos ? "" : input.substr(nl + 1);
    http::Limits limits;
    limits.max_body = 1 << 20;
    try {
        http::ParamMap m;
        http::parse_urlencoded(body, m, limits);
    } catch (const http::BadRequest&) {
    }
    http::parse_cookies(body);
    http::header_param(head, "filename");
    try {
        http::ParamMap fields;
        std::vector<http::UploadedFile> files;
        http::parse_multipart(body, http::multipart_boundary("multipart/form-data; " + head), fields, files, limits);
    } catch (const http::BadRequest&) {
    }
    try {
        std::map<std::string, std::string> env = {{"REQUEST_METHOD", "POST"}, {"REQUEST_URI", head},
                                                  {"QUERY_STRING", body}, {"HTTP_COOKIE", body}};
        http::Request r = http::Request::from_env(env, limits);
        http::Params::validate(r, {http::opt("id", http::Type::Id), http::opt("data", http::Type::Json),
                                   http::opt("d", http::Type::Date), http::opt("e", http::Type::Email),
                                   http::opt("b", http::Type::Bool), http::opt("t")});
    } catch (const http::BadRequest&) {
    }
    return 0;
}

VIDJIL_FUZZ_ENTRY(request)
