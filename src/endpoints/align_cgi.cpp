// align.cgi / similarity.cgi over the alignment library (see align_cgi.h).
//
// The routes stream their body (Route::stream_body): the pipeline would otherwise read up to
// MAX_BODY_SIZE (64 MB by default) into memory before the handler could refuse it. Here the
// declared length is checked first and at most the library's byte limit (2 MB) is ever read,
// so memory stays bounded by the library's own bounds (one traceback byte per DP cell of the
// largest pair) and time by Limits::max_cells.
#include "endpoints/align_cgi.h"

#include <json/json.h>

#include "align/align.h"
#include "endpoints/news_json.h"

namespace vidjil::endpoints {

namespace {

http::Response error(const std::string& message, int status) {
    Json::Value v(Json::objectValue);
    v["Error"] = message;
    return http::Response::html(html_inert_json(http::json_compact(v)), status);
}

// Reads and throws away the rest of a refused body, in small pieces: fcgiwrap answers 502
// instead of our 413 when a CGI exits without consuming its input.
void drain(app::Context& c) {
    char sink[65536];
    while (c.body.read(sink, sizeof sink) > 0) {
    }
}

// Reads the whole body if it is at most `max` bytes; nullopt (body drained) otherwise.
std::optional<std::string> read_capped(app::Context& c, size_t max) {
    int64_t declared = c.req.content_length;
    if (declared > static_cast<int64_t>(max)) {
        drain(c);
        return std::nullopt;
    }
    std::string data;
    size_t want = declared >= 0 ? static_cast<size_t>(declared) : max + 1;
    data.resize(want);
    size_t got = 0;
    while (got < want) {
        size_t n = c.body.read(&data[got], want - got);
        if (n == 0) break;
        got += n;
    }
    if (declared >= 0 && got < want) throw http::BadRequest("The request body is incomplete.");
    data.resize(got);
    if (data.size() > max) {
        drain(c);
        return std::nullopt;
    }
    return data;
}

using Answerer = align::CgiAnswer (*)(const std::string&, const std::string&, const std::string&,
                                      const align::Limits&);

http::Response run(app::Context& c, const char* name, const align::Limits& limits, Answerer answer) {
    if (c.req.method != "POST") {
        http::Response r = error(std::string(name) + " accepts only POST requests, with FASTA text as the body", 405);
        r.set_header("Allow", "POST");
        return r;
    }
    std::optional<std::string> body = read_capped(c, limits.max_total_bytes);
    if (!body)
        return error("request too large: at most " + std::to_string(limits.max_total_bytes) + " bytes are accepted",
                     413);
    align::CgiAnswer a = answer(*body, c.req.method, c.req.content_type, limits);
    return http::Response::html(html_inert_json(a.json), a.status);
}

}  // namespace

http::Response align_cgi(app::Context& c) {
    return run(c, "align.cgi", align::align_limits(), &align::align_answer);
}

http::Response similarity_cgi(app::Context& c) {
    return run(c, "similarity.cgi", align::similarity_limits(), &align::similarity_answer);
}

}  // namespace vidjil::endpoints
