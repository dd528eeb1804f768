// Cross-origin policy: which browser pages may act with a user's session (CSRF defence without
// tokens, since the clients send none: Fetch-Metadata, then Origin, then Referer against the
// configured allow-list) and which may read our answers (CORS, never a reflected Origin).
#pragma once
#include <string>
#include <vector>

namespace vidjil::http {

struct OriginPolicy {
    std::string self;                  // scheme://host of this server, as the browser sees it
    std::vector<std::string> allowed;  // CLIENT_ORIGINS

    bool allowed_origin(const std::string& origin) const;
    // False when a browser sent the request from a page that is neither ours nor an allowed
    // client. Requests without any of these headers (API clients, curl) are not browser-driven.
    bool request_allowed(const std::string& sec_fetch_site, const std::string& origin,
                         const std::string& referer) const;
};

// "scheme://host[:port]" of a URL, lower-cased; "" if it is not an http(s) URL.
std::string origin_of(const std::string& url);

}  // namespace vidjil::http
