// default/logger: client log lines into the server log, rate-limited per IP (see logger.h).
//
// The original let anyone write any number of arbitrary lines into its logs (api.md §6.1-12).
// Here the pipeline already refuses pages that are not allowed clients (CLIENT_ORIGINS), the
// log module escapes control characters (no forged lines) and cuts long messages, and a per-IP
// budget stops a script from filling the disk. The answer never depends on the budget, so
// the client behaves exactly as before.
#include "endpoints/logger.h"

#include "endpoints/news_json.h"
#include "model/logger_rate.h"
#include "util/json.h"
#include "util/log.h"

namespace vidjil::endpoints {

namespace {

log::Level level_of(int64_t lvl) {
    if (lvl <= 10) return log::Level::Debug;
    if (lvl <= 20) return log::Level::Info;
    if (lvl <= 30) return log::Level::Warning;
    if (lvl <= 40) return log::Level::Error;
    return log::Level::Critical;
}

}  // namespace

http::Response default_logger(app::Context& c) {
    std::string msg = c.params.get("msg");
    int64_t limit = c.cfg.get_int("LOGGER_RATE_LIMIT", 60);
    int64_t hits = model::logger_hit(c.db, c.client_ip(), c.now - c.now % 60);
    std::string who = c.logged_in() ? "user " + std::to_string(c.user_id()) : "anonymous";
    if (hits <= limit) {
        log::write(level_of(c.params.get_int("lvl", 20)), "client " + c.client_ip() + " " + who + " /client/: " + msg);
    } else if (hits == limit + 1) {
        log::warn("default/logger: more than " + std::to_string(limit) + " messages this minute from " +
                  c.client_ip() + "; the next ones are dropped until the minute ends");
    }
    http::Response r = http::Response::html("{\"success\":\"false\",\"message\":" + json::quote("/client/: " + msg) + "}");
    return r;
}

}  // namespace vidjil::endpoints
