// Implementation of the cross-origin policy (see origin.h).
#include "http/origin.h"

#include "util/text.h"

namespace vidjil::http {

std::string origin_of(const std::string& url) {
    std::string l = text::to_lower(url);
    size_t scheme_end = l.find("://");
    if (scheme_end == std::string::npos) return "";
    std::string scheme = l.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") return "";
    size_t host_end = l.find_first_of("/?#", scheme_end + 3);
    std::string origin = l.substr(0, host_end);
    // Default ports are not written in an Origin header.
    if (scheme == "http" && text::ends_with(origin, ":80")) origin.resize(origin.size() - 3);
    if (scheme == "https" && text::ends_with(origin, ":443")) origin.resize(origin.size() - 4);
    return origin;
}

bool OriginPolicy::allowed_origin(const std::string& origin) const {
    std::string o = origin_of(origin);
    if (o.empty()) return false;
    if (o == origin_of(self)) return true;
    for (const auto& a : allowed)
        if (origin_of(a) == o) return true;
    return false;
}

bool OriginPolicy::request_allowed(const std::string& sec_fetch_site, const std::string& origin,
                                   const std::string& referer) const {
    std::string site = text::to_lower(sec_fetch_site);
    if (site == "same-origin" || site == "none") return true;
    // "null" origins (sandboxed frames, file: pages) are never trusted.
    if (!origin.empty()) return allowed_origin(origin);
    if (!referer.empty()) return allowed_origin(referer);
    // A browser that says the request is cross-site but names no page: refuse.
    if (site == "cross-site" || site == "same-site") return false;
    return true;
}

}  // namespace vidjil::http
