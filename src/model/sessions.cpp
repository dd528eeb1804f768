// SQL for sessions and login throttling (see sessions.h).
#include "model/sessions.h"

#include <map>
#include <utility>

namespace vidjil::model {

std::optional<SessionUser> session_with_user(db::Connection& db, const std::string& token_hash, SessionRead what) {
    // One statement, only primary/unique key look-ups, joins rather than subqueries (MariaDB
    // optimises a prepared statement again at each execution: subqueries cost more there).
    // SQL_CACHE: with the server's query cache in DEMAND mode (README.Debian; the local stack),
    // the answer comes from the cache until a write to one of the tables invalidates it, which
    // the server does at the write (transactionally consistent): about 10 us of server CPU
    // instead of 35. Without a query cache the word changes nothing.
    static std::map<std::pair<int, const SessionJoin*>, std::string> texts;  // made once each
    std::string& text = texts[{(what.user ? 1 : 0) | (what.change ? 2 : 0) | (what.news ? 4 : 0), what.join}];
    if (text.empty()) {
        std::string sql =
            "SELECT SQL_CACHE s.id, s.user_id, s.impersonator_id, s.uuid, s.created, s.last_seen, s.expires";
        std::string from = " FROM vidjil_session s";
        if (what.user) {
            sql += ", u.id AS uid, u.email, u.first_name, u.last_name, u.password, u.action_token";
            from += " LEFT JOIN auth_user u ON u.id = s.user_id";
        }
        if (what.change) {
            sql += ", c.counter AS chg";
            from += " LEFT JOIN vidjil_change c ON c.id = 1";
        }
        if (what.news) {
            sql += ", v.version AS news_version, n.gen AS news_gen";
            from += " LEFT JOIN vidjil_news_version v ON v.id = 1 "
                    "LEFT JOIN vidjil_news_cache n ON n.user_id = s.user_id";
        }
        if (what.join) {
            sql += what.join->columns;
            from += what.join->join;
        }
        text = sql + from + " WHERE s.token_hash = ?";
    }
    auto r = what.join ? db.query_one(text, {what.join_id, token_hash}) : db.query_one(text, {token_hash});
    if (!r) return std::nullopt;
    SessionUser out;
    SessionRow& s = out.session;
    s.id = r->integer("id");
    s.user_id = r->integer("user_id");
    s.impersonator_id = r->opt_int("impersonator_id");
    s.uuid = r->str("uuid");
    s.created = r->integer("created");
    s.last_seen = r->integer("last_seen");
    s.expires = r->integer("expires");
    s.token_hash = token_hash;
    if (what.change)
        if (auto chg = r->at("chg")) out.change = std::stoull(*chg);
    if (what.news) {
        out.news_version = r->opt_int("news_version");
        out.news_gen = r->opt_int("news_gen");
    }
    if (what.user && !r->is_null("uid")) {
        User u;
        u.id = r->integer("uid");
        u.email = r->str("email");
        u.first_name = r->str("first_name");
        u.last_name = r->str("last_name");
        u.password = r->str("password");
        u.action_token = r->str("action_token");
        out.user = u;
    }
    if (what.join) out.joined = std::move(*r);
    return out;
}

void insert_session(db::Connection& db, const SessionRow& s, const std::string& ip, const std::string& ua) {
    db.exec("INSERT INTO vidjil_session (token_hash, user_id, impersonator_id, uuid, created, last_seen, expires, "
            "client_ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {s.token_hash, s.user_id, s.impersonator_id, s.uuid, s.created, s.last_seen, s.expires,
             ip.substr(0, 64), ua.substr(0, 255)});
}

void touch_session(db::Connection& db, int64_t id, int64_t now) {
    db.exec("UPDATE vidjil_session SET last_seen = ? WHERE id = ?", {now, id});
}

void set_session_user(db::Connection& db, int64_t id, int64_t user_id, std::optional<int64_t> impersonator) {
    db.exec("UPDATE vidjil_session SET user_id = ?, impersonator_id = ? WHERE id = ?", {user_id, impersonator, id});
}

void delete_session(db::Connection& db, const std::string& token_hash) {
    db.exec("DELETE FROM vidjil_session WHERE token_hash = ?", {token_hash});
}

void delete_user_sessions(db::Connection& db, int64_t user_id, const std::string& except_hash) {
    db.exec("DELETE FROM vidjil_session WHERE (user_id = ? OR impersonator_id = ?) AND token_hash <> ?",
            {user_id, user_id, except_hash});
}

void delete_expired_sessions(db::Connection& db, int64_t now, int64_t idle_seconds) {
    db.exec("DELETE FROM vidjil_session WHERE expires < ? OR last_seen < ?", {now, now - idle_seconds});
}

Throttle throttle_for(db::Connection& db, const std::string& email, const std::string& address) {
    Throttle t;
    auto r = db.query_one("SELECT failures, last_failure, locked_until FROM vidjil_auth_throttle "
                          "WHERE email = ? AND address = ?",
                          {email, address});
    if (r) {
        t.failures = r->integer("failures");
        t.last_failure = r->integer("last_failure");
        t.locked_until = r->integer("locked_until");
    }
    return t;
}

int64_t count_failure(db::Connection& db, const std::string& email, const std::string& address, int64_t now,
                      int64_t forget_before) {
    // One statement, so that concurrent failures are all counted (assignments run left to
    // right: `failures` still sees the previous last_failure).
    db.exec("INSERT INTO vidjil_auth_throttle (email, address, failures, last_failure, locked_until) "
            "VALUES (?, ?, 1, ?, 0) ON DUPLICATE KEY UPDATE "
            "failures = IF(last_failure < ?, 1, failures + 1), last_failure = VALUES(last_failure)",
            {email, address, now, forget_before});
    return throttle_for(db, email, address).failures;
}

void lock_throttle(db::Connection& db, const std::string& email, const std::string& address, int64_t until,
                   bool reset_failures) {
    db.exec("UPDATE vidjil_auth_throttle SET locked_until = GREATEST(locked_until, ?), "
            "failures = IF(?, 0, failures) WHERE email = ? AND address = ?",
            {until, reset_failures ? int64_t(1) : int64_t(0), email, address});
}

void clear_throttle_row(db::Connection& db, const std::string& email, const std::string& address) {
    db.exec("DELETE FROM vidjil_auth_throttle WHERE email = ? AND address = ?", {email, address});
}

void clear_throttle(db::Connection& db, const std::string& email) {
    db.exec("DELETE FROM vidjil_auth_throttle WHERE email = ?", {email});
}

void clear_address_throttle(db::Connection& db, const std::string& address) {
    db.exec("DELETE FROM vidjil_auth_throttle WHERE address = ?", {address});
}

}  // namespace vidjil::model
