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

// The part of the path below a "/*" route, in Context::req.env.
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

enum class Access {
    Public,  // anyone; a session is loaded if present
    User,    // a logged-in user; otherwise 303 to the login page
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
    // in "/*" answers every path below it (the rest is in req.env[kPathTail]).
    std::string path;
    unsigned methods = GET_POST;
    Access access = Access::User;
    std::vector<http::ParamSpec> params;
    Handler handler;
    bool raw_body = false;       // keep the body as text whatever its content type (align.cgi)
    bool stream_body = false;    // the handler reads the body itself (uploads)
    bool needs_db = true;
    bool cross_site_ok = false;  // callable from any origin without credentials (align.cgi)
};

struct Context {
    const Config& cfg;
    db::Connection& db;
    http::Request& req;
    BodySource& body;
    http::Params params;
    std::optional<auth::Current> session;
    std::vector<std::string> set_cookies;
    int64_t now = 0;

    Context(const Config& c, db::Connection& d, http::Request& r, BodySource& b) : cfg(c), db(d), req(r), body(b) {}

    bool logged_in() const { return session.has_value(); }
    int64_t user_id() const { return session ? session->user.id : 0; }
    const model::User& user() const { return session->user; }
    std::optional<int64_t> impersonator() const { return session ? session->session.impersonator_id : std::nullopt; }
    perm::Permissions& perm();
    bool is_admin() { return perm().is_admin(); }
    std::string client_ip() const { return req.remote_addr; }
    bool format_json() const { return params.get("format") == "json"; }
    auth::SessionPolicy session_policy() const { return auth::SessionPolicy::from_config(cfg); }
    // One line in the audit trail (who, what, when, from where).
    void audit(const std::string& action, const std::string& table = "", std::optional<int64_t> record = std::nullopt,
               const std::string& detail = "");
    // An HTML page: templates/<name>.html inside the layout (menu, user box) of §4.2.
    http::Response page(const std::string& name, render::Data data);
    // "access denied" for admin-only pages, with the absolute redirect the original sends.
    http::Response admin_only_denied();

private:
    std::unique_ptr<perm::Permissions> perm_;
};

// Runs one request through the pipeline. `env` is the CGI environment.
http::Response dispatch(const Config& cfg, db::Connection& db, const std::vector<Route>& routes,
                        const std::map<std::string, std::string>& env, BodySource& body);
// The main() of every endpoint program.
int serve(const std::string& program, const std::vector<Route>& routes);

}  // namespace vidjil::app
