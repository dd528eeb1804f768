// SQL for the rate limit of default/logger (vidjil_logger_rate, sql/030): client log lines
// accepted per IP address in fixed one-minute windows.
#pragma once
#include <cstdint>
#include <string>

#include "db/db.h"

namespace vidjil::model {

// Counts one message from `ip` in the window starting at `window_start` (Unix seconds) and
// returns how many it has sent in that window, this one included. Old windows of every address
// are purged when an address opens a new window, so the table stays small.
int64_t logger_hit(db::Connection& db, const std::string& ip, int64_t window_start);

}  // namespace vidjil::model
