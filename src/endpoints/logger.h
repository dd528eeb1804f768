// Handler of default/logger: the web client's log lines (api.md §2.9, §3.1).
#pragma once
#include "app/app.h"

namespace vidjil::endpoints {

// Writes `msg` at level `lvl` (10..50) to the server log, at most LOGGER_RATE_LIMIT lines per
// client IP and minute (default 60), and always answers like the original:
// {"success":"false","message":"/client/: <msg>"}.
http::Response default_logger(app::Context& c);

}  // namespace vidjil::endpoints
