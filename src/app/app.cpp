// Implementation of the request pipeline (see app.h).
#include "app/app.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <set>

#include "db/change_counter.h"
#include "db/schema_check.h"
#include "http/origin.h"
#include "model/events.h"
#include "model/metrics.h"
#include "model/users.h"
#include "util/log.h"
#include "util/text.h"

extern char** environ;

namespace vidjil::app {

bool attach_file(http::Response& r, const std::string& path, const std::string& root, const std::string& accel) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    std::string dir = root.empty() || text::ends_with(root, "/") ? root : root + "/";
    if (!accel.empty() && !dir.empty() && text::starts_with(path, dir)) {
        // nginx serves the file itself from its `internal` location: no copy through this process.
        // It decodes the URI, so every segment is encoded; '=' (base64 padding of stored names)
        // may stay as it is.
        std::string uri = text::ends_with(accel, "/") ? accel : accel + "/";
        auto parts = text::split(path.substr(dir.size()), '/');
        for (size_t i = 0; i < parts.size(); ++i)
            uri += (i ? "/" : "") + text::replace_all(text::url_encode(parts[i]), "%3D", "=");
        r.set_header("X-Accel-Redirect", uri);
        return true;
    }
    r.set_header("Content-Length", std::to_string(st.st_size));
    r.set_header(kStreamFile, path);
    return true;
}

using http::Response;

perm::Permissions& Context::perm() {
    if (!perm_)
        perm_ = std::make_unique<perm::Permissions>(db, user_id(), cfg.get("PUBLIC_GROUP_NAME", "public"), "admin",
                                                    change);
    return *perm_;
}

void Context::audit(const std::string& action, const std::string& table, std::optional<int64_t> record,
                    const std::string& detail) {
    std::optional<int64_t> uid;
    if (logged_in()) uid = user_id();
    model::audit(db, uid, impersonator(), client_ip(), action, table, record, detail);
}

std::string Context::base_url() const {
    std::string b = text::trim(cfg.get("BASE_URL", ""));
    if (!text::starts_with(b, "https://") && !text::starts_with(b, "http://")) return "";
    while (!b.empty() && b.back() == '/') b.pop_back();
    return b;
}

Response Context::admin_only_denied() {
    Json::Value v(Json::objectValue);
    v["success"] = "false";
    v["message"] = "access denied";
    v["redirect"] = base_url() + "/vidjil/sample_set/all?type=patient&page=0";
    return Response::json_text(v);
}

Response Context::page(const std::string& name, const Json::Value& view) {
    if (format_json()) return Response::json_text(view.isNull() ? Json::Value(Json::objectValue) : view);
    render::Data layout;
    layout.set("content", render::render(name, render::from_json(view)));
    if (logged_in()) {
        layout.set("logged_in", true);
        layout.set("user_id", std::to_string(user_id()));
        layout.set("user_name", user().first_name + " " + user().last_name);
        bool admin = perm().is_admin();  // display: the admin menu
        layout.set("admin", admin);
        bool impersonating = impersonator().has_value();
        layout.set("impersonating", impersonating);
        std::string here = req.path + (req.query_string.empty() ? "" : "?" + req.query_string);
        layout.set("next_js", render::js_string(here));
        if (admin || impersonating) {
            render::Data users = render::list();
            for (const auto& [id, name_] : model::all_user_names(db)) {
                if (id <= 1) continue;  // the first admin is not offered, as in the original
                render::Data u;
                u.set("id", std::to_string(id));
                u.set("name", name_);
                users.push_back(u);
            }
            layout.set("users", users);
        }
    }
    return Response::html(render::render("layout", layout));
}

Access Access::admin_error(std::string text) {
    Access a(Admin);
    a.refusal = Refusal::Error;
    a.text = std::move(text);
    return a;
}

Access Access::admin_message(std::string text) {
    Access a(Admin);
    a.refusal = Refusal::Message;
    a.text = std::move(text);
    return a;
}

Access Access::object(Check check, std::string param, Refusal refusal, std::string text) {
    Access a(User);
    a.check = check;
    a.param = std::move(param);
    a.refusal = refusal;
    a.text = std::move(text);
    return a;
}

const char* check_name(Check c) {
    switch (c) {
        case Check::None: return "";
        case Check::CreateSet: return "can_create_sample_set";
        case Check::ReadSet: return "can_view_sample_set";
        case Check::ModifySet: return "can_modify_sample_set";
        case Check::ReadFile: return "can_view_file";
        case Check::ModifyFile: return "can_modify_file";
        case Check::ViewGroup: return "can_view_group";
        case Check::ModifyGroup: return "can_modify_group";
        case Check::ModifyUser: return "can_modify_user";
        case Check::AdminOrImpersonating: return "is_admin_or_impersonating";
        case Check::AdminUnlessOpenRegistration: return "is_admin_unless_open_registration";
        case Check::MetricsReader: return "can_read_metrics";
    }
    return "?";
}

std::string Access::describe() const {
    if (check != Check::None) return std::string(check_name(check)) + "(" + param + ")";
    switch (level) {
        case Public: return "public";
        case User: return "user";
        case Admin: return "admin";
    }
    return "?";
}

namespace {

// The first value of a request parameter, from the query string, else from the form ("").
std::string first_value(const http::Request& req, const char* name) {
    for (const http::ParamMap* m : {&req.query, &req.form}) {
        auto it = m->find(name);
        if (it != m->end() && !it->second.empty()) return it->second.front();
    }
    return "";
}

// A route path ending in "/*" takes any path below it; the rest is the request's path tail
// (e.g. the stored file name of /vidjil/default/download/<name>).
bool route_matches(const Route& r, http::Request& req) {
    const std::string& path = req.path;
    if (text::ends_with(r.path, "/*")) {
        std::string prefix = r.path.substr(0, r.path.size() - 1);
        if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
        req.env.set(kPathTail, std::string_view(path).substr(prefix.size()));
        return true;
    }
    if (r.path == path) return true;
    return text::ends_with(r.path, "/index") && r.path.substr(0, r.path.size() - 6) == path;
}

Response not_found(const http::Request* req) {
    if (req && req->header("Accept").find("application/json") != std::string::npos) {
        Json::Value v(Json::objectValue);
        v["code"] = 404;
        v["message"] = "NOT FOUND";
        return Response::json_api(v, 404);
    }
    return Response::html("<h1>404</h1><p>Not found: this address is not part of the Vidjil server.</p>", 404);
}


void add_cors(Response& r, const http::OriginPolicy& policy, const std::string& origin, bool credentials) {
    if (origin.empty()) return;
    r.set_header("Vary", "Origin");
    if (!policy.allowed_origin(origin)) return;
    r.set_header("Access-Control-Allow-Origin", origin);
    if (credentials) r.set_header("Access-Control-Allow-Credentials", "true");
}

std::string read_body(BodySource& body, int64_t length, size_t max) {
    std::string data;
    if (length <= 0) return data;
    if (static_cast<uint64_t>(length) > max)
        throw http::BadRequest("The request body is too large (at most " + std::to_string(max >> 20) + " MB).", 413);
    data.resize(static_cast<size_t>(length));
    size_t got = 0;
    while (got < data.size()) {
        size_t n = body.read(&data[got], data.size() - got);
        if (n == 0) throw http::BadRequest("The request body is incomplete.");
        got += n;
    }
    return data;
}

Response login_redirect(const http::Request& req) {
    if (req.header("Accept").find("application/json") != std::string::npos) {
        Response r;
        r.status = 403;
        r.set_header("Content-Type", "text/html; charset=UTF-8");
        return r;
    }
    std::string here = req.path + (req.query_string.empty() ? "" : "?" + req.query_string);
    return Response::redirect("/vidjil/auth/login?next=" + text::url_encode(here));
}


// The route's declared rule, for a caller who passed the login gate (or a public route).
bool allowed(Context& c, const Access& a) {
    if (a.level == Access::Admin && !c.perm().is_admin()) return false;
    if (a.check == Check::None) return true;
    // The user pages default to the caller's own account when no id is given.
    int64_t fallback = a.check == Check::ModifyUser ? c.user_id() : 0;
    int64_t id = a.param.empty() ? 0 : c.params.get_int(a.param, fallback);
    perm::Permissions& p = c.perm();
    switch (a.check) {
        case Check::None: return true;
        case Check::CreateSet: return p.can_create_sample_set();
        case Check::ReadSet: return p.can_view_sample_set(id);
        case Check::ModifySet: return p.can_modify_sample_set(id);
        case Check::ReadFile: return id > 0 && p.can_view_file(id);
        case Check::ModifyFile: return id > 0 && p.can_modify_file(id);
        case Check::ViewGroup: return id > 0 && p.can_view_group(id);
        case Check::ModifyGroup: return id > 0 && p.can_modify_group(id);
        case Check::ModifyUser: return id > 0 && p.can_modify_user(id);
        case Check::AdminOrImpersonating: return c.logged_in() && (p.is_admin() || c.impersonator().has_value());
        case Check::AdminUnlessOpenRegistration:
            return c.cfg.get_bool("OPEN_REGISTRATION", false) || (c.logged_in() && p.is_admin());
        case Check::MetricsReader: {
            if (!c.logged_in()) return false;
            if (p.is_admin()) return true;
            auto g = model::metrics_group(c.db);
            return g && p.groups().count(*g) > 0;
        }
    }
    return false;
}

// The answer to a caller the route's rule refuses: logged, audited, in the route's own words.
Response refuse(Context& c, const Route& route) {
    const Access& a = route.access;
    std::string who = c.logged_in() ? "user " + std::to_string(c.user_id()) : "an anonymous client";
    log::warn(route.path + " refused (" + a.describe() + "): " + who + " (ip " + c.client_ip() + ")");
    if (c.logged_in()) {
        // "/vidjil/notification/add_form" -> action "notification_add_form_denied" on table "notification".
        std::string rest = text::starts_with(route.path, "/vidjil/") ? route.path.substr(8) : route.path;
        std::string table = rest.substr(0, rest.find('/'));
        std::string action = rest;
        for (char& ch : action)
            if (ch == '/' || ch == '*' || ch == '.') ch = '_';
        std::optional<int64_t> record;
        int64_t id = c.params.get_int(a.param.empty() ? "id" : a.param, 0);
        if (id > 0) record = id;
        try {
            c.audit(action + "_denied", table, record);
        } catch (const db::Unavailable&) {
            throw;
        } catch (const std::exception& e) {
            log::error(std::string("cannot audit a refusal: ") + e.what());
        }
    }
    if (!c.logged_in()) return login_redirect(c.req);  // a public route's check (registration)
    switch (a.refusal) {
        case Refusal::AdminOnly: return c.admin_only_denied();
        case Refusal::Error: return Response::error(a.text);
        case Refusal::Message: return Response::message(a.text);
        case Refusal::Forbidden: return Response::error(a.text, 403);
    }
    return Response::error("access denied");
}

Response run(const Config& cfg, db::Connection& db, const std::vector<Route>& routes,
             http::Env&& env, BodySource& body) {
    http::Limits limits;
    limits.max_body = static_cast<size_t>(cfg.get_int("MAX_BODY_SIZE", 64 << 20));
    limits.max_value = limits.max_body;
    http::Request req = http::Request::from_env(std::move(env), limits);
    const Route* route = nullptr;
    for (const Route& r : routes)
        if (!route && route_matches(r, req)) route = &r;
    if (!route) return not_found(&req);

    http::OriginPolicy origins{req.self_origin(), cfg.get_list("CLIENT_ORIGINS")};
    std::string origin = req.header("Origin");
    if (req.method == "OPTIONS") {
        Response r;
        r.status = origins.allowed_origin(origin) ? 204 : 403;
        r.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        r.set_header("Access-Control-Allow-Headers", "Content-Type");
        r.set_header("Access-Control-Max-Age", "86400");
        add_cors(r, origins, origin, true);
        return r;
    }
    unsigned m = req.method == "GET" || req.method == "HEAD" ? unsigned(GET) : req.method == "POST" ? unsigned(POST) : 0u;
    if (!(m & route->methods)) {
        Response r = Response::error("Method " + req.method + " is not allowed here.", 405);
        r.set_header("Allow", route->methods == GET ? "GET" : route->methods == POST ? "POST" : "GET, POST");
        return r;
    }
    if (!origins.request_allowed(req.header("Sec-Fetch-Site"), origin, req.header("Referer"))) {
        log::warn("cross-site request refused: " + req.path + " from origin '" + origin + "' referer '" +
                  req.header("Referer") + "' ip " + req.remote_addr);
        return Response::error("Request refused: it comes from a page that is not an allowed Vidjil client (" +
                                   (origin.empty() ? http::origin_of(req.header("Referer")) : origin) +
                                   "). The administrator can allow it in CLIENT_ORIGINS.",
                               403);
    }
    if (!route->stream_body) {
        std::string data = read_body(body, req.content_length, limits.max_body);
        if (route->raw_body) req.body = std::move(data);
        else req.parse_body(std::move(data), limits);
    }
    Context ctx(cfg, db, req, body);
    ctx.now = time(nullptr);
    if (route->needs_db) {
        db.ensure();
        // Never half-serve a schema older than this binary (asked once per process while it is fine).
        if (!db::process_schema_gate().current(db, ctx.now)) {
            Response r = Response::error(db::kSchemaTooOld, 503);
            r.set_header("Retry-After", "30");
            add_cors(r, origins, origin, true);
            return r;
        }
        auto token = req.cookies.find("vidjil_session");
        if (token != req.cookies.end() && !token->second.empty()) {
            model::SessionRead ask;
            ask.news = route->news_state;
            if (route->session_join) {
                auto id = text::parse_int(first_value(req, route->session_join_param));
                if (id && *id > 0) {
                    ask.join = route->session_join;
                    ask.join_id = *id;
                }
            }
            ctx.session = auth::load_session(db, ctx.session_policy(), token->second, ctx.now, ask);
            if (!ctx.session) ctx.set_cookies.push_back(auth::clear_cookie(ctx.session_policy(), req.https()));
            else if (ctx.session->change && db::process_change_gate().ready(db, ctx.now)) ctx.change = ctx.session->change;
        }
    }
    if (route->access.level != Access::Public && !ctx.session) {
        Response r = login_redirect(req);
        for (const auto& c : ctx.set_cookies) r.headers.emplace_back("Set-Cookie", c);
        add_cors(r, origins, origin, true);
        return r;
    }
    std::vector<http::ParamSpec> specs = route->params;
    specs.push_back(http::opt("format", http::Type::Text, http::From::Any, 16));
    ctx.params = http::Params::validate(req, specs);
    Response r = allowed(ctx, route->access) ? route->handler(ctx) : refuse(ctx, *route);
    for (const auto& c : ctx.set_cookies) r.headers.emplace_back("Set-Cookie", c);
    add_cors(r, origins, origin, true);
    return r;
}

}  // namespace

void add_security_headers(Response& r) {
    r.set_header("X-Content-Type-Options", "nosniff");
    r.set_header("Referrer-Policy", "same-origin");
    r.set_header("X-Frame-Options", "DENY");
    if (r.get_header("Cache-Control").empty()) r.set_header("Cache-Control", "no-store");
    if (r.get_header("Content-Type").rfind("text/html", 0) == 0)
        // Pages are fragments injected by the client; opened directly, nothing in them may run.
        r.set_header("Content-Security-Policy",
                     "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
                     "base-uri 'none'; form-action 'self'; sandbox");
}

const char* refusal_name(Refusal r) {
    switch (r) {
        case Refusal::AdminOnly: return "admin_only_denied";
        case Refusal::Error: return "error";
        case Refusal::Message: return "message";
        case Refusal::Forbidden: return "forbidden";
    }
    return "?";
}

namespace {

// Counts what the request read of its body, so that the rest can be drained afterwards.
class CountingBody : public BodySource {
public:
    explicit CountingBody(BodySource& inner) : inner_(inner) {}
    size_t read(char* buf, size_t n) override {
        size_t got = inner_.read(buf, n);
        consumed += got;
        return got;
    }
    uint64_t consumed = 0;

private:
    BodySource& inner_;
};

// An answer given before the body was read (404, 405, a refused origin, an early error):
// under fcgiwrap, a CGI that exits with unread input makes the client see a 502 instead of
// our message, so a reasonably sized rest is read and dropped.
void drain(CountingBody& body, const std::string& content_length, uint64_t cap) {
    auto length = text::parse_int(content_length);
    if (!length || *length <= 0 || static_cast<uint64_t>(*length) <= body.consumed) return;
    uint64_t rest = static_cast<uint64_t>(*length) - body.consumed;
    if (rest > cap) return;
    char buf[65536];
    try {
        while (rest > 0) {
            size_t n = body.read(buf, rest < sizeof buf ? static_cast<size_t>(rest) : sizeof buf);
            if (n == 0) break;
            rest -= n;
        }
    } catch (...) {
    }
}

}  // namespace

Response dispatch(const Config& cfg, db::Connection& db, const std::vector<Route>& routes,
                  http::Env env, BodySource& raw_body) {
    Response r;
    CountingBody body(raw_body);
    const std::string content_length = env.get("CONTENT_LENGTH");
    try {
        r = run(cfg, db, routes, std::move(env), body);
    } catch (const http::BadRequest& e) {
        r = Response::error(e.what(), e.status());
    } catch (const db::Unavailable& e) {
        log::error(std::string("database unavailable: ") + e.what());
        r = Response::error("The database is unavailable at the moment. Please try again in a few minutes.", 503);
        r.set_header("Retry-After", "30");
    } catch (const std::exception& e) {
        std::string ref = text::random_hex(4);
        log::error("internal error [" + ref + "]: " + e.what());
        r = Response::error("Internal error (reference " + ref + "): the administrator can find it in the server log.",
                            500);
    }
    // Nothing of a failed request may stay half-done, nor leak into the next one.
    try {
        if (db.in_transaction()) db.rollback();
    } catch (...) {
    }
    uint64_t cap = 64u << 20;
    try {
        cap = static_cast<uint64_t>(cfg.get_int("MAX_BODY_SIZE", 64 << 20));
    } catch (...) {
    }
    drain(body, content_length, cap);
    add_security_headers(r);
    return r;
}

}  // namespace vidjil::app
