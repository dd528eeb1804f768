// Implementation of sessions (see session.h).
#include "auth/session.h"

#include "config.h"
#include "db/change_counter.h"
#include "util/text.h"

namespace vidjil::auth {

SessionPolicy SessionPolicy::from_config(const Config& cfg) {
    SessionPolicy p;
    p.idle_seconds = cfg.get_int("LOGIN_EXPIRATION_TIME", 3600);
    p.absolute_seconds = cfg.get_int("SESSION_MAX_AGE", 43200);
    p.samesite = cfg.get("SESSION_SAMESITE", "Lax");
    p.secure = cfg.get("SESSION_SECURE", "auto");
    return p;
}

std::string token_hash(const std::string& token) { return text::sha256_hex(token); }

static bool plausible_token(const std::string& t) {
    if (t.size() != 64) return false;
    for (char c : t)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::optional<Current> load_session(db::Connection& db, const SessionPolicy& p, const std::string& token,
                                    int64_t now, const model::SessionRead& ask) {
    if (!plausible_token(token)) return std::nullopt;
    std::string h = token_hash(token);
    // A persistent process reads the change counter with the session and keeps the user's row
    // while it holds (every write to auth_user moves it); a CGI process joins the row instead.
    db::ChangeGate& gate = db::process_change_gate();
    model::SessionRead what;
    what.join = ask.join;
    what.join_id = ask.join_id;
    if (gate.enabled()) {
        what.user = false;
        what.change = true;
        what.news = ask.news;
    }
    auto found = model::session_with_user(db, h, what);
    if (!found) return std::nullopt;
    auto* s = &found->session;
    if (s->expires < now || s->last_seen + p.idle_seconds < now) {
        model::delete_session(db, h);
        return std::nullopt;
    }
    if (!what.user) {
        static db::ChangeCache<int64_t, model::User> users(1024);
        std::optional<uint64_t> change;
        if (found->change && gate.ready(db, now)) change = found->change;
        if (const model::User* u = users.find(change, s->user_id)) {
            found->user = *u;
        } else {
            found->user = model::user_by_id(db, s->user_id);
            if (found->user) users.put(change, s->user_id, *found->user);
        }
    }
    auto& user = found->user;
    if (!user || !user->action_token.empty()) {  // deleted, blocked or pending account
        model::delete_session(db, h);
        return std::nullopt;
    }
    // Activity is recorded at most once a minute: one write per request would be wasteful.
    if (now - s->last_seen >= 60) {
        model::touch_session(db, s->id, now);
        s->last_seen = now;
    }
    return Current{*s, *user, found->change, found->news_version, found->news_gen, std::move(found->joined)};
}

static std::string new_uuid() {
    std::string h = text::random_hex(16);
    h[12] = '4';
    static const char* variant = "89ab";
    h[16] = variant[(h[16] - '0') & 3];
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string start_session(db::Connection& db, const SessionPolicy& p, int64_t user_id,
                          std::optional<int64_t> impersonator, const std::string& ip, const std::string& ua,
                          int64_t now) {
    std::string token = text::random_hex(32);
    model::SessionRow s;
    s.token_hash = token_hash(token);
    s.user_id = user_id;
    s.impersonator_id = impersonator;
    s.uuid = new_uuid();
    s.created = now;
    s.last_seen = now;
    s.expires = now + p.absolute_seconds;
    model::insert_session(db, s, ip, ua);
    return token;
}

static std::string attributes(const SessionPolicy& p, bool https) {
    std::string a = "; Path=/; HttpOnly; SameSite=" + p.samesite;
    // Browsers drop SameSite=None cookies that are not Secure; over plain http (local use) the
    // cookie is then sent as Lax instead of being lost.
    if (p.secure == "always" || https) a += "; Secure";
    else if (p.samesite == "None") a = "; Path=/; HttpOnly; SameSite=Lax";
    return a;
}

std::string set_cookie(const SessionPolicy& p, const std::string& token, bool https) {
    return p.cookie_name + "=" + token + attributes(p, https);
}

std::string clear_cookie(const SessionPolicy& p, bool https) {
    return p.cookie_name + "=" + attributes(p, https) + "; Max-Age=0";
}

}  // namespace vidjil::auth
