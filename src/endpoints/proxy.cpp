// proxy/index, proxy/imgt, proxy/assign_subsets: the web client's IMGT/V-QUEST and ARResT
// AssignSubsets exports, relayed because those sites do not answer cross-origin requests. The
// original relayed anonymous POSTs to fixed URLs; here: logged-in users only, upstream URLs from
// vidjil.conf (PROXY_IMGT_URL, PROXY_ASSIGN_SUBSETS_URL; absent = 503), bounded request and
// answer sizes (PROXY_MAX_BODY, PROXY_MAX_RESPONSE), a time limit (PROXY_TIMEOUT), http(s) only,
// no redirects followed, through libcurl.
#include <curl/curl.h>

#include <mutex>

#include "endpoints/routes.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

namespace {

struct Upstream {
    std::string name, url_key, referer_key;
};

struct Sink {
    std::string data;
    size_t max = 0;
    bool too_big = false;
};

size_t write_cb(char* ptr, size_t size, size_t nmemb, void* userdata) {
    Sink* s = static_cast<Sink*>(userdata);
    size_t n = size * nmemb;
    if (s->data.size() + n > s->max) {
        s->too_big = true;
        return 0;  // aborts the transfer
    }
    s->data.append(ptr, n);
    return n;
}

Response failure(const std::string& message, int status) { return Response::error(message, status); }

// A JSON string literal as the whole answer (the original's `return "…"`).
Response json_literal(const std::string& s, int status = 200) {
    Response r;
    r.status = status;
    r.set_header("Content-Type", "application/json");
    r.body = http::json_compact(Json::Value(s));
    return r;
}

Response relay(Context& c, const Upstream& up) {
    std::string url = c.cfg.get(up.url_key);
    if (url.empty())
        return failure("the " + up.name + " export is not available on this server (" + up.url_key +
                           " is not set in vidjil.conf)",
                       503);
    size_t max_body = static_cast<size_t>(c.cfg.get_int("PROXY_MAX_BODY", 8 << 20));
    size_t max_response = static_cast<size_t>(c.cfg.get_int("PROXY_MAX_RESPONSE", 32 << 20));
    long timeout = static_cast<long>(c.cfg.get_int("PROXY_TIMEOUT", 60));

    // The form fields, minus the client's `Session` (never sent to a third party).
    std::string body;
    for (const auto& [key, values] : c.req.form) {
        if (key == "Session") continue;
        for (const auto& v : values) body += (body.empty() ? "" : "&") + text::url_encode(key) + "=" + text::url_encode(v);
    }
    if (body.size() > max_body)
        return failure("the data sent to " + up.name + " is too large (at most " + std::to_string(max_body) +
                           " bytes, PROXY_MAX_BODY)",
                       413);

    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    CURL* h = curl_easy_init();
    if (!h) return failure("the " + up.name + " export failed: out of memory", 500);
    Sink sink;
    sink.max = max_response;
    std::string referer = up.referer_key.empty() ? "" : c.cfg.get(up.referer_key);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout < 15 ? timeout : 15L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_USERAGENT, "vidjil-server proxy");
    if (!referer.empty()) curl_easy_setopt(h, CURLOPT_REFERER, referer.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    char err[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    c.audit("proxy", "", std::nullopt, up.name + " " + std::to_string(body.size()) + " bytes");

    if (sink.too_big)
        return failure(up.name + " answered more than " + std::to_string(max_response) + " bytes (PROXY_MAX_RESPONSE)", 502);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return failure(up.name + " did not answer within " + std::to_string(timeout) + " s (PROXY_TIMEOUT)", 504);
    if (rc != CURLE_OK) {
        log::warn("proxy " + up.name + ": " + url + ": " + (err[0] ? err : curl_easy_strerror(rc)));
        return failure(up.name + " could not be reached: " + (err[0] ? err : curl_easy_strerror(rc)), 502);
    }
    if (code != 200) return json_literal("the site returned an invalid response", 502);
    Response r;
    r.set_header("Content-Type", "text/html; charset=UTF-8");
    // Third-party HTML from our origin: the pipeline's CSP for text/html (sandbox, nothing runs
    // when it is opened directly) applies to it as to every page.
    r.body = std::move(sink.data);
    return r;
}

}  // namespace

Response proxy_index(Context&) { return json_literal("index()"); }

Response proxy_imgt(Context& c) { return relay(c, {"IMGT/V-QUEST", "PROXY_IMGT_URL", ""}); }

Response proxy_assign_subsets(Context& c) {
    return relay(c, {"ARResT/AssignSubsets", "PROXY_ASSIGN_SUBSETS_URL", "PROXY_ASSIGN_SUBSETS_REFERER"});
}

}  // namespace vidjil::endpoints
