// SQL of the metrics (issue 11, doc/metrics.md): the fast and long metric lists, their cache
// (vidjil_metrics_cache, one refresher at a time), the process figures of the Prometheus scrape,
// and the `metrics` group with its user, who sees nothing else.
#pragma once
#include <json/json.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

// The role of the group whose members (and administrators) may read the metrics.
inline constexpr const char* kMetricsRole = "metrics";

// The fast list (cheap counts): {"user_count": N, ..., "jobs_by_status": [{"status":..,"value":N}]}.
Json::Value metrics_fast(db::Connection& db);
// The long list (per-group and per-config breakdowns, sizes) without results_storage_bytes,
// which the caller adds (a walk of DIR_RESULTS, not SQL).
Json::Value metrics_long(db::Connection& db);

struct MetricsCacheEntry {
    int64_t computed_at = 0;
    int64_t duration_ms = 0;
    std::string body;  // the list as JSON text
};
std::optional<MetricsCacheEntry> metrics_cache_get(db::Connection& db, const std::string& list);
void metrics_cache_put(db::Connection& db, const std::string& list, const MetricsCacheEntry& e);
// MariaDB named lock "vidjil_metrics_<list>": true when this connection holds it (waits up to
// `timeout_s` seconds; 0 = do not wait). Released by metrics_unlock or when the connection ends.
bool metrics_lock(db::Connection& db, const std::string& list, int timeout_s);
void metrics_unlock(db::Connection& db, const std::string& list);

// Figures of the running system for the Prometheus scrape (each one index lookup).
struct RunnerBeat {
    std::string host;
    int64_t heartbeat = 0;  // epoch seconds
};
struct ProcessFigures {
    int64_t queued = 0, running = 0, failed_last_hour = 0;
    std::vector<RunnerBeat> runners;
};
ProcessFigures metrics_process(db::Connection& db);

// The id of the metrics group, if it exists.
std::optional<int64_t> metrics_group(db::Connection& db);

// Creates (or completes) the metrics group and its user. Idempotent: an existing group is kept,
// an existing user with that e-mail is added to the group, unless they belong to another group
// (a user who sees data must not double as the metrics account): then nothing changes and
// `problem` says why. Returns the user id (0 on a problem). Runs its own transaction.
struct MetricsUserResult {
    int64_t user_id = 0;
    bool created_user = false, created_group = false, added_membership = false;
    std::string problem;
};
MetricsUserResult ensure_metrics_user(db::Connection& db, const std::string& email, const std::string& password_hash);

}  // namespace vidjil::model
