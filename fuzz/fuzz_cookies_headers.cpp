// libFuzzer harness for cookies and header values: the Cookie header, Content-Disposition /
// Content-Type parameters (header_param, multipart_boundary), headers seen through
// Request::from_env and the cross-origin policy that reads Origin/Referer/Sec-Fetch-Site.
// Input: lines; line 1 = Cookie, 2 = a header value, 3 = Origin, 4 = Referer,
// 5 = Sec-Fetch-Site, 6 = Host. Oracles: cookie names are non-empty and trimmed; a quoted
// parameter without quotes or backslashes comes back as written.
#include <string>
#include <vector>

#include "fuzz/harnesses.h"
#include "http/origin.h"
#include "http/request.h"
#include "util/text.h"

using namespace vidjil;

int vidjil::fuzz::cookies_headers(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> l;
    size_t start = 0;
    while (l.size() < 6) {
        size_t nl = input.find('\n', start);
        l.push_back(input.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    l.resize(6);

    for (const auto& kv : http::parse_cookies(l[0]))
        if (kv.first.empty() || kv.first != text::trim(kv.first)) __builtin_trap();

    const std::string& value = l[1];
    http::header_param(value, "name");
    http::header_param(value, "filename");
    if (http::multipart_boundary(value).size() > 200) __builtin_trap();
    if (value.find('"') == std::string::npos && value.find('\\') == std::string::npos) {
        if (http::header_param("form-data; name=\"" + value + "\"; filename=\"x\"", "name") != value) __builtin_trap();
    }

    http::Limits limits;
    try {
        std::map<std::string, std::string> env = {
            {"REQUEST_URI", "/" + l[1]}, {"HTTP_COOKIE", l[0]}, {"HTTP_ORIGIN", l[2]},
            {"HTTP_REFERER", l[3]},      {"HTTP_SEC_FETCH_SITE", l[4]}, {"HTTP_HOST", l[5]},
            {"CONTENT_TYPE", l[1]},      {"CONTENT_LENGTH", l[4]},       {"HTTPS", l[4]}};
        http::Request r = http::Request::from_env(env, limits);
        if (r.header("Origin") != l[2] || r.header("sec-fetch-site") != l[4]) __builtin_trap();
        http::OriginPolicy policy{r.self_origin(), {l[3], "https://client.example"}};
        policy.request_allowed(r.header("Sec-Fetch-Site"), r.header("Origin"), r.header("Referer"));
        policy.allowed_origin(l[2]);
        // The own origin is always allowed, whatever the host looks like.
        if (!http::origin_of(r.self_origin()).empty() && !policy.allowed_origin(r.self_origin())) __builtin_trap();
        r.parse_body(l[5], limits);
    } catch (const http::BadRequest&) {
    }
    return 0;
}

VIDJIL_FUZZ_ENTRY(cookies_headers)
