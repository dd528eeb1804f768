// The request pipeline shared by every endpoint program: route table, method and origin
// checks, body parsing, session, typed parameters, the handler, then security headers. It runs
// once per request under fcgiwrap (CGI) or in a loop under spawn-fcgi (FastCGI).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/session.h"
#include "config.h"
#include "db/db.h"
#include "http/params.h"
#include "http/request.h"
#include "http/response.h"
#include "perm/permissions.h"
#include "render/template.h"

namespace vidjil::app {

// The part of the path below a "/*" route, in Context::req.env (req.env.get(kPathTail)).
inline constexpr const char* kPathTail = "VIDJIL_PATH_TAIL";
// Internal response header: the file to send as the body (stripped before sending). Handlers
// set it after their permission checks; serve() streams the file in bounded chunks.
inline constexpr const char* kStreamFile = "X-Vidjil-Stream-File";

// THE way a handler sends a file, once every permission is checked (it sets Content-Type and
// Content-Disposition itself, see http::content_disposition): nginx sends it (X-Accel-Redirect
// to `accel` + the path below `root`, each segment URL-encoded so that any file name works) when
// `accel` is set and `path` lies below `root`; otherwise serve() streams it from disk in bounded
// chunks (kStreamFile). False (r untouched) when `path` is not a regular file.
bool attach_file(http::Response& r, const std::string& path, const std::string& root, const std::string& accel);

enum Method : unsigned { GET = 1, POST = 2, GET_POST = 3 };

// ---- Who may call a route (api.md §1.7 and §3, model.md §2) ----------------------------------
// Declared in the route table (Route::access), enforced by the dispatcher before any parameter
// reaches the handler. A handler may still refuse after loading records (e.g. "the file belongs
// to that set"), but every rule that depends only on the caller and the request's parameters is
// here, so that `VIDJIL_DUMP_ROUTES=1 <program>` shows it and the tests can walk it.

// An object check: a Permissions predicate applied to the integer request parameter
// Access::param (0 when absent or not a number, which every predicate refuses).
enum class Check : uint8_t {
    None,
    CreateSet,                // can_create_sample_set(): no param
    ReadSet,                  // can_view_sample_set(param)
    ModifySet,                // can_modify_sample_set(param)
    ReadFile,                 // can_view_file(param)      (sequence_file id)
    ModifyFile,               // can_modify_file(param)    (sequence_file id)
    ViewGroup,                // can_view_group(param)
    ModifyGroup,              // can_modify_group(param)
    ModifyUser,               // can_modify_user(param)    (self or administrator; no param = self)
    AdminOrImpersonating,     // an administrator, or someone impersonating (to stop it): no param
    AdminUnlessOpenRegistration,  // administrators only, everybody with OPEN_REGISTRATION=true
    MetricsReader,            // an administrator or a member of the `metrics` group: no param
};

// How a refused caller is answered: each route keeps the answer the original gives.
enum class Refusal : uint8_t {
    AdminOnly,  // Context::admin_only_denied(): {"success":"false","message":"access denied","redirect":<list URL>}
    Error,      // Response::error(text):   {"success":"false","message":text}
    Message,    // Response::message(text): {"message":text}
    Forbidden,  // Response::error(text, 403): {"success":"false","message":text} with status 403
};

struct Access {
    enum Level : uint8_t {
        Public,  // anyone; a session is loaded if present
        User,    // a logged-in user; otherwise 303 to the login page (403 for JSON clients)
        Admin,   // a logged-in administrator; logged out as User, others get `refusal`
    };
    Level level;
    Check check = Check::None;      // an object check, on top of `level` (User for every check)
    std::string param;              // the parameter `check` applies to ("id", "sample_set_id"...)
    Refusal refusal = Refusal::AdminOnly;
    std::string text = "access denied";  // the message of Refusal::Error / Refusal::Message

    // Access::Public, Access::User, Access::Admin are written as such in the route tables.
    Access(Level l) : level(l) {}  // NOLINT: implicit on purpose
    // Administrators only, refused with {"success":"false","message":text} / {"message":text}.
    static Access admin_error(std::string text);
    static Access admin_message(std::string text);
    // A logged-in user passing `check` on parameter `param`, refused as `refusal` says.
    static Access object(Check check, std::string param, Refusal refusal = Refusal::Message,
                         std::string text = "access denied");

    // "public", "user", "admin" or "<check>(<param>)" (e.g. "can_modify_sample_set(id)").
    std::string describe() const;
    bool operator==(Level l) const { return level == l && check == Check::None; }
    bool operator!=(Level l) const { return !(*this == l); }
};

// Where a streaming handler reads the request body from.
class BodySource {
public:
    virtual ~BodySource() = default;
    // Reads up to n bytes; 0 at the end of the body. Throws on a broken connection.
    virtual size_t read(char* buf, size_t n) = 0;
};

struct Context;
using Handler = std::function<http::Response(Context&)>;

struct Route {
    // "/vidjil/default/whoami"; a path ending in /index also answers without it; a path ending
    // in "/*" answers every path below it (the rest is in req.env, as kPathTail).
    std::string path;
    unsigned methods = GET_POST;
    // Who may call it: Access::Public / User / Admin, Access::admin_error("..."), or
    // Access::object(Check::..., "param", ...). No default: every route says it.
    Access access;
    std::vector<http::ParamSpec> params;
    Handler handler;
    bool raw_body = false;       // keep the body as text whatever its content type (align.cgi)
    bool stream_body = false;    // the handler reads the body itself (uploads)
    bool needs_db = true;
    bool news_state = false;     // the session statement also reads the news poll's cache state
    // The session statement also reads this route's own row, for the id in the request parameter
    // session_join_param (when it is a positive integer): Context::session->joined.
    const model::SessionJoin* session_join = nullptr;
    const char* session_join_param = nullptr;
};

struct Context {
    const Config& cfg;
    db::Connection& db;
    http::Request& req;
    BodySource& body;
    http::Params params;
    std::optional<auth::Current> session;
    // The change counter read with the session when every trigger exists (db/change_counter.h):
    // per-process caches keep what they read under this value; none when it is not set.
    std::optional<uint64_t> change;
    std::vector<std::string> set_cookies;
    int64_t now = 0;

    Context(const Config& c, db::Connection& d, http::Request& r, BodySource& b) : cfg(c), db(d), req(r), body(b) {}

    bool logged_in() const { return session.has_value(); }
    int64_t user_id() const { return session ? session->user.id : 0; }
    const model::User& user() const { return session->user; }
    std::optional<int64_t> impersonator() const { return session ? session->session.impersonator_id : std::nullopt; }
    perm::Permissions& perm();
    std::string client_ip() const { return req.remote_addr; }
    // This server's address for absolute URLs (BASE_URL, without a trailing '/'), never the
    // request's Host header; "" when BASE_URL is not set: callers then build relative URLs.
    std::string base_url() const;
    bool format_json() const { return params.get("format") == "json"; }
    auth::SessionPolicy session_policy() const { return auth::SessionPolicy::from_config(cfg); }
    // One line in the audit trail (who, what, when, from where).
    void audit(const std::string& action, const std::string& table = "", std::optional<int64_t> record = std::nullopt,
               const std::string& detail = "");
    // A page (api.md §1.2 jsontransformer). `view` is the page's view-model: the original's
    // template variables with its key names (ids and dates as strings, Rows as lists of objects).
    // With format=json the view-model itself is the answer (JSON-string, text/html); otherwise
    // templates/<name>.html renders it (through render::from_json) inside the layout (menu, user
    // box) of §4.2. The layout's own data (users list, ...) is never part of the view-model.
    http::Response page(const std::string& name, const Json::Value& view);
    // "access denied" for admin-only pages, with the absolute redirect the original sends.
    http::Response admin_only_denied();

private:
    std::unique_ptr<perm::Permissions> perm_;
};

// Shared by the pipeline (app.cpp) and the process side (serve.cpp): the headers every answer
// carries, and the names of a refusal and a check in VIDJIL_DUMP_ROUTES.
void add_security_headers(http::Response& r);
const char* refusal_name(Refusal r);
const char* check_name(Check c);

// Runs one request through the pipeline. `env` is the CGI environment (taken over).
http::Response dispatch(const Config& cfg, db::Connection& db, const std::vector<Route>& routes,
                        http::Env env, BodySource& body);
// The main() of every endpoint program.
int serve(const std::string& program, const std::vector<Route>& routes);

}  // namespace vidjil::app
