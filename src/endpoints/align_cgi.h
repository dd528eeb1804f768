// Handlers of align.cgi and similarity.cgi (api.md §2.10, §3.15): the FASTA body in, the
// alignment library's JSON out (text/html), errors as {"Error": "..."} with a 4xx status.
#pragma once
#include "app/app.h"

namespace vidjil::endpoints {

http::Response align_cgi(app::Context& c);       // {"requestMethod","contentType","seq":[...]}
http::Response similarity_cgi(app::Context& c);  // [[percent, ...], ...]

}  // namespace vidjil::endpoints
