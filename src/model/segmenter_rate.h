// SQL for the rate limit of /vidjil/segmenter (vidjil_segmenter_rate, sql/040): calls per user in
// fixed one-minute windows.
#pragma once
#include <cstdint>

#include "db/db.h"

namespace vidjil::model {

// Counts one call of `user_id` in the window starting at `window_start` (Unix seconds); returns
// the number of calls in that window, this one included.
int64_t segmenter_hit(db::Connection& db, int64_t user_id, int64_t window_start);

}  // namespace vidjil::model
