// SQL for the segmenter rate limit (see segmenter_rate.h).
#include "model/segmenter_rate.h"

namespace vidjil::model {

int64_t segmenter_hit(db::Connection& db, int64_t user_id, int64_t window_start) {
    // Assignments run left to right: hits is computed against the old window_start.
    db.exec("INSERT INTO vidjil_segmenter_rate (user_id, window_start, hits) VALUES (?, ?, 1) "
            "ON DUPLICATE KEY UPDATE hits = IF(window_start = VALUES(window_start), hits + 1, 1), "
            "window_start = VALUES(window_start)",
            {user_id, window_start});
    auto r = db.query_one("SELECT hits FROM vidjil_segmenter_rate WHERE user_id = ?", {user_id});
    return r ? r->integer(0) : 1;
}

}  // namespace vidjil::model
