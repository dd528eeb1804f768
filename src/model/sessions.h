// SQL for server-side sessions (vidjil_session) and password-failure throttling (vidjil_auth_throttle).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "db/db.h"
#include "model/users.h"

namespace vidjil::model {

struct SessionRow {
    int64_t id = 0, user_id = 0, created = 0, last_seen = 0, expires = 0;
    std::optional<int64_t> impersonator_id;
    std::string uuid, token_hash;
};

// A route's own row, read in the session statement (one round trip instead of two): `columns`
// (", x.a AS ...") and `join` (" LEFT JOIN ... ON ... = ?", one placeholder: the id). Defined
// next to the route's other SQL; the handler still checks the reader's right before using it.
struct SessionJoin {
    const char* columns;
    const char* join;
};

// What the session statement reads besides the session row. It runs on every request: each
// joined table costs the database about 10 us of CPU per request (a prepared statement is
// optimised again at each execution), so a persistent process, which keeps the user's row
// under the change counter (auth/session.cpp), does not join it.
struct SessionRead {
    bool user = true;     // the user's row (auth_user)
    bool change = false;  // the change counter (vidjil_change)
    bool news = false;    // the news poll's cache state (vidjil_news_version, vidjil_news_cache)
    const SessionJoin* join = nullptr;  // with join_id
    int64_t join_id = 0;
};

// The session of a token hash and, when asked, its user (nullopt user: the account is gone, or
// not asked), in one statement.
struct SessionUser {
    SessionRow session;
    std::optional<User> user;
    // The change counter (sql/060), read in the same statement (db/change_counter.h).
    std::optional<uint64_t> change;
    // The news poll's cache state (sql/030: global version, the user's generation), for the
    // poll's per-process cache (endpoints/news.cpp).
    std::optional<int64_t> news_version, news_gen;
    // The whole row when a SessionJoin was asked (its columns by their names).
    std::optional<db::Row> joined;
};
std::optional<SessionUser> session_with_user(db::Connection& db, const std::string& token_hash,
                                             SessionRead what = {});
void insert_session(db::Connection& db, const SessionRow& s, const std::string& ip, const std::string& user_agent);
void touch_session(db::Connection& db, int64_t id, int64_t now);
void set_session_user(db::Connection& db, int64_t id, int64_t user_id, std::optional<int64_t> impersonator);
void delete_session(db::Connection& db, const std::string& token_hash);
// Revokes every session of a user except (optionally) one.
void delete_user_sessions(db::Connection& db, int64_t user_id, const std::string& except_hash = "");
void delete_expired_sessions(db::Connection& db, int64_t now, int64_t idle_seconds);

// Failed password checks (vidjil_auth_throttle). A row is (email, address): email "" counts an
// address over every account, address "" an account over every address.
struct Throttle {
    int64_t failures = 0, last_failure = 0, locked_until = 0;
};
Throttle throttle_for(db::Connection& db, const std::string& email, const std::string& address);
// One more failure, counted from 1 again when the previous one is older than forget_before;
// returns the new count.
int64_t count_failure(db::Connection& db, const std::string& email, const std::string& address, int64_t now,
                      int64_t forget_before);
// Locks the row until `until`; reset_failures starts its count again.
void lock_throttle(db::Connection& db, const std::string& email, const std::string& address, int64_t until,
                   bool reset_failures);
// Forgets one row.
void clear_throttle_row(db::Connection& db, const std::string& email, const std::string& address);
// Forgets every row of an e-mail (vidjil-admin unlock): its account and (account, address) rows.
void clear_throttle(db::Connection& db, const std::string& email);
// Forgets every row of an address (vidjil-admin unlock ADDRESS).
void clear_address_throttle(db::Connection& db, const std::string& address);

}  // namespace vidjil::model
