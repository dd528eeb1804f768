// SQL for the default/logger rate limit (see logger_rate.h).
#include "model/logger_rate.h"

namespace vidjil::model {

int64_t logger_hit(db::Connection& db, const std::string& ip, int64_t window_start) {
    // Assignments run left to right: hits is computed against the old window_start.
    db.exec("INSERT INTO vidjil_logger_rate (ip, window_start, hits) VALUES (?, ?, 1) "
            "ON DUPLICATE KEY UPDATE hits = IF(window_start = VALUES(window_start), hits + 1, 1), "
            "window_start = VALUES(window_start)",
            {ip.substr(0, 64), window_start});
    auto r = db.query_one("SELECT hits FROM vidjil_logger_rate WHERE ip = ?", {ip.substr(0, 64)});
    int64_t hits = r ? r->integer("hits") : 1;
    if (hits == 1) db.exec("DELETE FROM vidjil_logger_rate WHERE window_start < ?", {window_start - 3600});
    return hits;
}

}  // namespace vidjil::model
