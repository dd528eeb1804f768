// Handlers of auth/*: the login page, login, logout and account registration.
#include "endpoints/endpoints.h"

#include "auth/password.h"
#include "auth/throttle.h"
#include "model/accounts.h"
#include "model/events.h"
#include "model/sessions.h"
#include "model/users.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

std::string password_problem(const Context& c, const std::string& password, const std::string& user) {
    return auth::password_problem(password, auth::PasswordPolicy::from_config(c.cfg), user);
}

Response auth_login(Context& c) {
    if (model::count_users(c.db) == 0) {
        Json::Value v(Json::objectValue);
        v["redirect"] = "/vidjil/default/init_db";
        return Response::json_text(v);
    }
    Json::Value d(Json::objectValue);
    d["healthcare"] = c.cfg.get_bool("HEALTHCARE_COMPLIANCE", false);
    return Response::html(render::render("auth/login", render::from_json(d)));
}

static Response login_answer(const std::optional<std::string>& error, const model::User* user) {
    Json::Value v(Json::objectValue);
    v["redirect"] = "/vidjil/default/home.html";
    v["error"] = error ? Json::Value(*error) : Json::Value();
    v["user_id"] = user ? Json::Value(static_cast<Json::Int64>(user->id)) : Json::Value();
    v["user_email"] = user ? Json::Value(user->email) : Json::Value();
    return Response::json_text(v);
}

Response auth_submit(Context& c) {
    std::string email = text::to_lower(text::trim(c.params.get("login", c.params.get("email"))));
    std::string password = c.params.get("password");
    const std::string ip = c.client_ip();
    const auto throttle = auth::ThrottlePolicy::from_config(c.cfg);

    auto user = email.empty() ? std::nullopt : model::user_by_email(c.db, email);
    std::optional<int64_t> uid;
    if (user) uid = user->id;
    if (auto refused = auth::throttle_refusal(c.db, throttle, email, uid, ip, c.now)) {
        model::auth_event(c.db, uid, ip, "Login refused for " + email + ": locked after too many failed attempts");
        return login_answer(*refused, nullptr);
    }
    auth::Verification v;
    if (user) v = auth::verify_password(password, user->password);
    else auth::hash_password(password);  // same cost as a verification: no timing hint of unknown e-mails
    if (!v.ok || email.empty()) {
        model::auth_event(c.db, uid, ip, "Login failed for " + email);
        auth::throttle_failure(c.db, throttle, email, uid, ip, c.now, "failed logins");
        return login_answer(std::string("Invalid Credentials"), nullptr);
    }
    if (user->action_token == "account-blocked") return login_answer(std::string("Account is blocked"), nullptr);
    if (text::starts_with(user->action_token, "pending-registration"))
        return login_answer(std::string("Registration is pending"), nullptr);
    if (user->action_token == "pending-approval") return login_answer(std::string("Account needs to be approved"), nullptr);

    auth::throttle_success(c.db, email, ip);
    if (v.needs_rehash) model::update_password(c.db, user->id, auth::hash_password(password));
    auto policy = c.session_policy();
    // A new token at every login: a session fixed before login is worthless afterwards.
    auto old = c.req.cookies.find(policy.cookie_name);
    if (old != c.req.cookies.end()) model::delete_session(c.db, auth::token_hash(old->second));
    std::string token =
        auth::start_session(c.db, policy, user->id, std::nullopt, ip, c.req.header("User-Agent"), c.now);
    c.set_cookies.clear();
    c.set_cookies.push_back(auth::set_cookie(policy, token, c.req.https()));
    model::auth_event(c.db, user->id, ip, "User " + std::to_string(user->id) + " Logged-in");
    return login_answer(std::nullopt, &*user);
}

Response auth_logout(Context& c) {
    auto policy = c.session_policy();
    if (c.logged_in()) {
        model::delete_session(c.db, c.session->session.token_hash);
        model::auth_event(c.db, c.user_id(), c.client_ip(), "User " + std::to_string(c.user_id()) + " Logged-out");
    }
    c.set_cookies.clear();
    c.set_cookies.push_back(auth::clear_cookie(policy, c.req.https()));
    Json::Value v(Json::objectValue);
    v["redirect"] = "/vidjil/default/home.html";
    return Response::json_text(v);
}

// Registration is for administrators, unless the configuration opens it to everyone: declared in
// the route table (Check::AdminUnlessOpenRegistration).
Response auth_register(Context& c) {
    Json::Value d(Json::objectValue);
    d["message"] = "Create a user account";
    if (!c.logged_in()) return Response::html(render::render("auth/register", render::from_json(d)));
    return c.page("auth/register", d);
}

Response auth_register_form(Context& c) {
    std::string first = text::trim(c.params.get("first_name")), last = text::trim(c.params.get("last_name"));
    std::string email = text::to_lower(text::trim(c.params.get("email")));
    std::string password = c.params.get("password");
    // As the original: a password mismatch alone, else the field errors as a JSON text
    // ({"password": "..."}) in `message` (api.md §3.2).
    if (password != c.params.get("confirm_password")) return Response::error("password fields must match");
    Json::Value errors(Json::objectValue);
    if (first.empty()) errors["first_name"] = "first name needed";
    if (last.empty()) errors["last_name"] = "last name needed";
    if (!text::is_email(email)) errors["email"] = "a valid e-mail address is needed";
    else if (model::email_taken(c.db, email)) errors["email"] = "this e-mail address is already used";
    if (auto p = password_problem(c, password, email); !p.empty()) errors["password"] = p;
    if (!errors.empty()) return Response::error(http::json_compact(errors));
    db::Transaction tx(c.db);
    int64_t uid = model::create_account(c.db, email, first, last, auth::hash_password(password),
                                        c.cfg.get("PUBLIC_GROUP_NAME", "public"));
    c.audit("register", "auth_user", uid, email);
    tx.commit();
    Json::Value v(Json::objectValue);
    v["redirect"] = "back";
    v["message"] = http::msg_value(email) + " (" + std::to_string(uid) + ") user added";
    v["user_id"] = static_cast<Json::Int64>(uid);
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
