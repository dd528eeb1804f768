// Sessions: a 256-bit random token in the `vidjil_session` cookie, a server-side row keyed by
// the token's SHA-256, idle and absolute expiry, rotation at login, revocation at logout.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "db/db.h"
#include "model/sessions.h"
#include "model/users.h"

namespace vidjil {
class Config;
}

namespace vidjil::auth {

struct SessionPolicy {
    std::string cookie_name = "vidjil_session";
    int64_t idle_seconds = 3600;       // LOGIN_EXPIRATION_TIME
    int64_t absolute_seconds = 43200;  // SESSION_MAX_AGE
    std::string samesite = "Lax";      // SESSION_SAMESITE: None for a client on another origin
    std::string secure = "auto";       // SESSION_SECURE: auto (when the request is https) | always
    static SessionPolicy from_config(const Config& cfg);
};

struct Current {
    model::SessionRow session;
    model::User user;
    std::optional<uint64_t> change;  // the change counter read with the session
    std::optional<int64_t> news_version, news_gen;  // the news poll's cache state, read with it
    std::optional<db::Row> joined;  // the route's own row, when it asked for one (Route::session_join)
};

// The session of a cookie token, if it is valid now; expired sessions are deleted.
// `ask`: what the route wants read with the session: ask.news (the news poll's cache state, for
// persistent processes; Route::news_state) and ask.join/join_id (Route::session_join); the rest
// of `ask` is decided here.
std::optional<Current> load_session(db::Connection& db, const SessionPolicy& p, const std::string& token,
                                    int64_t now, const model::SessionRead& ask = {});
// Creates a new session and returns its token (the cookie value).
std::string start_session(db::Connection& db, const SessionPolicy& p, int64_t user_id,
                          std::optional<int64_t> impersonator, const std::string& ip, const std::string& ua,
                          int64_t now);
std::string token_hash(const std::string& token);
std::string set_cookie(const SessionPolicy& p, const std::string& token, bool https);
std::string clear_cookie(const SessionPolicy& p, bool https);

}  // namespace vidjil::auth
