// The metrics (issue 11, doc/metrics.md): the fast and long lists as JSON for the metrics group
// and administrators, and the Prometheus text format at /metrics for a scraper holding
// METRICS_TOKEN.
#pragma once
#include <json/json.h>

#include <iosfwd>
#include <string>
#include <vector>

#include "app/app.h"

namespace vidjil::endpoints {

using app::Context;
using http::Response;

Response metrics_fast(Context& c);        // /vidjil/metrics/fast  (metrics group, admins)
Response metrics_long(Context& c);        // /vidjil/metrics/long  (metrics group, admins)
Response metrics_prometheus(Context& c);  // /metrics (Authorization: Bearer METRICS_TOKEN)

// One list ("fast" or "long") from the cache, recomputed when older than its cache time
// (METRICS_FAST_CACHE_SECONDS, METRICS_CACHE_SECONDS) or when `force`, by one process at a time.
// With `allow_stale`, figures older than the cache time are returned as they are (stale = true)
// and the caller has them recomputed later (the Prometheus scrape does it after its answer).
struct MetricsList {
    Json::Value metrics;
    int64_t computed_at = 0, duration_ms = 0;
    bool computed_now = false;  // computed by this call (else read from the cache)
    bool stale = false;         // older than the cache time (allow_stale only)
};
MetricsList metrics_list(db::Connection& db, const Config& cfg, const std::string& list, bool force,
                         bool allow_stale = false);

// The Prometheus text exposition (format 0.0.4) of both lists plus the process figures. The
// lists that were served stale are appended to `stale` (when given).
std::string prometheus_text(db::Connection& db, const Config& cfg, std::vector<std::string>* stale = nullptr);

// Prometheus label value escaping (\\, \" and \n).
std::string prometheus_label(const std::string& value);

// When METRICS_USER_EMAIL and METRICS_USER_PASSWORD are set: creates or completes the metrics
// group and user (model::ensure_metrics_user) and says what it did on `out`. Returns false on a
// problem (an invalid setting, or the e-mail belongs to a user of another group), true otherwise
// (also when the keys are not set: nothing to do).
bool metrics_user_from_config(db::Connection& db, const Config& cfg, std::ostream& out);

}  // namespace vidjil::endpoints
