// vidjil-admin metrics-user (see metrics.h).
#include "tools/metrics.h"

#include <iostream>
#include <sstream>

#include "endpoints/metrics.h"

namespace vidjil::tools {

int cmd_metrics_user(db::Connection& db, const Config& cfg, int argc, char** /*argv*/, std::ostream& out) {
    if (argc != 2) {
        out << "usage: vidjil-admin metrics-user (reads METRICS_USER_EMAIL and METRICS_USER_PASSWORD)\n";
        return 2;
    }
    if (cfg.get("METRICS_USER_EMAIL", "").empty() || cfg.get("METRICS_USER_PASSWORD", "").empty()) {
        out << "set METRICS_USER_EMAIL and METRICS_USER_PASSWORD in " << cfg.origin() << " first\n";
        return 1;
    }
    // What was done on `out`; a refusal on standard error (as every vidjil-admin error).
    std::ostringstream said;
    bool ok = endpoints::metrics_user_from_config(db, cfg, said);
    (ok ? out : std::cerr) << said.str();
    return ok ? 0 : 1;
}

}  // namespace vidjil::tools
