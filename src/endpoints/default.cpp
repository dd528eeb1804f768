// Handlers of default/*: start page redirect, identity, first initialisation, impersonation.
#include "endpoints/endpoints.h"

#include <sstream>

#include "auth/password.h"
#include "db/change_counter.h"
#include "endpoints/metrics.h"
#include "model/accounts.h"
#include "model/sessions.h"
#include "model/users.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

static Response redirect_json(const std::string& to) {
    Json::Value v(Json::objectValue);
    v["redirect"] = to;
    return Response::json_text(v);
}

Response default_home(Context& c) {
    return redirect_json(c.perm().is_admin() ? "/vidjil/admin/index" : "/vidjil/sample_set/all?type=patient&page=0");
}

namespace {
// The groups a user may create sets in, per process while the change counter holds.
db::ChangeCache<int64_t, std::vector<model::Group>> creation_groups_cache;
}  // namespace

Response default_whoami(Context& c) {
    Json::Value v(Json::objectValue);
    v["admin"] = c.perm().is_admin();
    v["email"] = c.user().email;
    v["id"] = static_cast<Json::Int64>(c.user_id());
    v["uuid"] = c.session->session.uuid;
    Json::Value groups(Json::arrayValue);
    auto creation = creation_groups_cache.get(c.change, c.user_id(),
                                              [&] { return model::creation_groups(c.db, c.user_id()); });
    for (const auto& g : creation) {
        Json::Value e(Json::objectValue);
        e["description"] = g.description ? Json::Value(*g.description) : Json::Value();
        e["id"] = std::to_string(g.id);  // a string, as the original sends it
        e["role"] = g.role;
        groups.append(e);
    }
    v["groups"] = groups;
    if (c.impersonator()) v["impersonator_id"] = static_cast<Json::Int64>(*c.impersonator());
    return c.format_json() ? Response::json_text(v) : Response::json_api(v);
}

Response default_init_db(Context& c) {
    if (model::count_users(c.db) > 0) return redirect_json("vidjil/auth/login");
    return Response::html(render::render("default/init_db", render::Data()));
}

Response default_init_db_form(Context& c) {
    if (model::count_users(c.db) > 0) return redirect_json("vidjil/auth/login");
    std::string email = text::to_lower(text::trim(c.params.get("email")));
    std::string password = c.params.get("password");
    std::vector<std::string> problems;
    if (!text::is_email(email)) problems.push_back("You must specify an admin email address");
    if (auto p = password_problem(c, password, email); !p.empty()) problems.push_back(p);
    if (password != c.params.get("confirm_password")) problems.push_back("Passwords didn't match");
    if (!problems.empty()) {
        std::string m;
        for (const auto& p : problems) m += (m.empty() ? "" : ", ") + p;
        return Response::error(m);
    }
    // `force` (truncate every table first) is deliberately not supported: see README.
    if (model::init_database(c.db, email, auth::hash_password(password), c.cfg.get("PUBLIC_GROUP_NAME", "public"))) {
        log::info("database initialised with administrator " + email + " from " + c.client_ip());
        c.audit("init_db", "auth_user", 1, email);
        // The metrics account, when METRICS_USER_EMAIL / METRICS_USER_PASSWORD are set.
        std::ostringstream said;
        if (!endpoints::metrics_user_from_config(c.db, c.cfg, said)) log::error("init_db: metrics user: " + said.str());
    }
    return redirect_json("vidjil/auth/login");
}

// Only redirects inside this server are followed: `next` is never an open redirect.
static std::string safe_next(const std::string& next) {
    if (text::starts_with(next, "/vidjil/") && next.find("//") == std::string::npos &&
        next.find('\\') == std::string::npos)
        return next;
    return "/vidjil/default/home.html";
}

Response default_impersonate(Context& c) {
    int64_t target = c.params.get_int("id", 0);
    // Administrators, or someone impersonating (route table: Check::AdminOrImpersonating).
    // An admin already impersonating someone first goes back to being themselves.
    int64_t real = c.impersonator().value_or(c.user_id());
    if (c.impersonator()) {
        perm::Permissions real_perm(c.db, real, c.cfg.get("PUBLIC_GROUP_NAME", "public"));
        if (!real_perm.is_admin()) return Response::error("access denied");
    }
    auto user = target > 0 ? model::user_by_id(c.db, target) : std::nullopt;
    if (!user) return Response::error("user not found");
    if (target == real) {
        model::set_session_user(c.db, c.session->session.id, real, std::nullopt);
    } else {
        model::set_session_user(c.db, c.session->session.id, target, real);
    }
    c.audit("impersonate", "auth_user", target, "by user " + std::to_string(real));
    log::info("user " + std::to_string(real) + " impersonates user " + std::to_string(target));
    if (c.format_json()) {
        Json::Value v(Json::objectValue);
        v["redirect"] = "reload";
        v["message"] = "impersonating user " + std::to_string(target);
        return Response::json_text(v);
    }
    return Response::redirect(safe_next(c.params.get("next")));
}

Response default_stop_impersonate(Context& c) {
    if (!c.impersonator()) return redirect_json("reload");
    int64_t real = *c.impersonator();
    model::set_session_user(c.db, c.session->session.id, real, std::nullopt);
    c.audit("stop_impersonate", "auth_user", c.user_id(), "back to user " + std::to_string(real));
    if (!c.params.has("next") || c.format_json()) return redirect_json("reload");
    return Response::redirect(safe_next(c.params.get("next")));
}

}  // namespace vidjil::endpoints
