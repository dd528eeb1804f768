// FastCGI program for the metrics (issue 11, doc/metrics.md): /vidjil/metrics/fast and
// /vidjil/metrics/long (JSON, the metrics group and administrators) and /metrics (Prometheus text,
// bearer token METRICS_TOKEN, checked by the handler: it is not a user session).
#include "endpoints/metrics.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;

int main() {
    const Access readers = Access::object(Check::MetricsReader, "", Refusal::Forbidden,
                                          "access denied: the metrics are for the metrics group and administrators");
    static const std::vector<Route> routes = {
        {"/vidjil/metrics/fast", GET, readers, {opt("refresh", Type::Bool)}, vidjil::endpoints::metrics_fast},
        {"/vidjil/metrics/long", GET, readers, {opt("refresh", Type::Bool)}, vidjil::endpoints::metrics_long},
        {"/metrics", GET, Access::Public, {}, vidjil::endpoints::metrics_prometheus},
    };
    return serve("vidjil-metrics", routes);
}
