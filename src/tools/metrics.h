// vidjil-admin metrics-user: creates (or completes) the metrics group and its user from
// METRICS_USER_EMAIL / METRICS_USER_PASSWORD (doc/metrics.md), for databases initialised before.
#pragma once
#include <ostream>

#include "config.h"
#include "db/db.h"

namespace vidjil::tools {

// Idempotent. 0 when done (or nothing to do), 1 when a key is missing or invalid, or when the
// e-mail belongs to a user of another group.
int cmd_metrics_user(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);

}  // namespace vidjil::tools
