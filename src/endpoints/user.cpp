// Handlers of user/*: profile and password changes.
#include "endpoints/endpoints.h"

#include "auth/password.h"
#include "auth/throttle.h"
#include "model/events.h"
#include "model/sessions.h"
#include "model/users.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

Response user_edit(Context& c) {
    int64_t id = c.params.get_int("id", c.user_id());  // can_modify_user(id): route table
    auto u = model::user_by_id(c.db, id);
    if (!u) return Response::error("access denied");
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(u->id);
    d["first_name"] = u->first_name;
    d["last_name"] = u->last_name;
    d["email"] = u->email;
    d["ask_current"] = id == c.user_id();
    return c.page("user/edit", d);
}

Response user_edit_form(Context& c) {
    int64_t id = c.params.get_int("id", c.user_id());  // can_modify_user(id): route table
    auto u = model::user_by_id(c.db, id);
    if (!u) return Response::error("access denied");
    std::string first = text::trim(c.params.get("first_name", u->first_name));
    std::string last = text::trim(c.params.get("last_name", u->last_name));
    std::string email = text::to_lower(text::trim(c.params.get("email")));
    std::string password = c.params.get("password");
    bool email_change = !email.empty() && email != text::to_lower(u->email);
    bool password_change = !password.empty();
    if (email.empty()) email = u->email;
    if (first.empty() || last.empty()) return Response::error("first and last names are needed");
    if (email_change && !text::is_email(email)) return Response::error("new_email: not a valid e-mail address");
    if (email_change && model::email_taken(c.db, email, id)) return Response::error("new_email: already used");
    if (password_change) {
        if (password != c.params.get("confirm_password")) return Response::error("password fields must match");
        if (auto p = password_problem(c, password, email); !p.empty()) return Response::error("new_password: " + p);
    }
    // Changing one's own e-mail or password needs the current password: a stolen session alone
    // must not be enough to take the account over. Administrators editing others are exempt.
    // Wrong current passwords count like failed logins (same counters, same auth_event lines):
    // a session alone gives no unlimited guesses.
    if ((email_change || password_change) && id == c.user_id() && !c.impersonator()) {
        const auto throttle = auth::ThrottlePolicy::from_config(c.cfg);
        const std::string ip = c.client_ip(), account = text::to_lower(u->email);
        if (auto refused = auth::throttle_refusal(c.db, throttle, account, u->id, ip, c.now)) {
            model::auth_event(c.db, u->id, ip, "Current password check refused for " + account +
                                                   ": locked after too many failed attempts");
            return Response::error("current password: too many failed attempts, try again later or ask an administrator");
        }
        if (!auth::verify_password(c.params.get("current_password"), u->password).ok) {
            model::auth_event(c.db, u->id, ip, "Current password check failed for " + account);
            auth::throttle_failure(c.db, throttle, account, u->id, ip, c.now, "wrong current passwords");
            return Response::error("current password is wrong");
        }
        auth::throttle_success(c.db, account, ip);
    }
    db::Transaction tx(c.db);
    model::update_profile(c.db, id, first, last, email);
    if (password_change) {
        model::update_password(c.db, id, auth::hash_password(password));
        // Every other session of that account ends; the current one stays open.
        model::delete_user_sessions(c.db, id, id == c.user_id() ? c.session->session.token_hash : "");
    }
    c.audit("user_edit", "auth_user", id,
            std::string(email_change ? "email " : "") + (password_change ? "password" : "") + " changed");
    tx.commit();
    Json::Value v(Json::objectValue);
    v["redirect"] = "back";
    v["message"] = http::msg_value(email) + " (" + std::to_string(id) + ") user edited";
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
