// FastCGI program for align.cgi and similarity.cgi, the web client's alignment services
// (api.md §2.10). The original serves them under /cgi/; /vidjil/cgi/ is the same program for
// deployments (and the test nginx) that only route /vidjil/.
//
// CORS: the original's nginx sent `Access-Control-Allow-Origin: *`. We
// answer only the configured client origins (CLIENT_ORIGINS, plus our own), through the
// pipeline's normal origin policy, because:
//   * the client calls these URLs (config.cgi_address) from the same pages that call the rest of
//     the server, so the allow-list already names every origin that needs them;
//   * an alignment costs up to ~10 s of CPU and 100 MB: with `*`, any web page could make its
//     visitors' browsers run them on our server. With the allow-list, a browser request from
//     another page is refused (403) before any work, since the pipeline checks Origin /
//     Sec-Fetch-Site / Referer first; requests without those headers (curl, scripts) still
//     work, as they would with `*` — CORS was never access control for them;
//   * no credentials are involved either way (no session is loaded: needs_db = false), so the
//     choice is about abuse, not data; one policy for the whole server is easier to reason about.
#include "endpoints/align_cgi.h"

using namespace vidjil::app;
namespace ep = vidjil::endpoints;

int main() {
    // The client POSTs the FASTA text with jQuery's default urlencoded Content-Type: the body is
    // never parsed as a form, the handlers read it raw (and capped) themselves.
    auto route = [](const char* path, Handler h) {
        Route r{path, GET_POST, Access::Public, {}, h};  // GET gets a 405 {"Error": ...} from the handler
        r.raw_body = true;
        r.stream_body = true;
        r.needs_db = false;
        return r;
    };
    static const std::vector<Route> routes = {
        route("/cgi/align.cgi", ep::align_cgi),
        route("/cgi/similarity.cgi", ep::similarity_cgi),
        route("/vidjil/cgi/align.cgi", ep::align_cgi),
        route("/vidjil/cgi/similarity.cgi", ep::similarity_cgi),
    };
    return serve("vidjil-align", routes);
}
