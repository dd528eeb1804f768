// FastCGI program for the session and identity routes of /vidjil/default/*.
#include "endpoints/endpoints.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/default/home.html", GET_POST, Access::User, {}, ep::default_home},
        {"/vidjil/default/whoami", GET_POST, Access::User, {}, ep::default_whoami},
        {"/vidjil/default/init_db", GET_POST, Access::Public, {}, ep::default_init_db},
        {"/vidjil/default/init_db_form", POST, Access::Public,
         {opt("email", Type::Text, From::Any, 512), opt("password", Type::Text, From::Any, 1024),
          opt("confirm_password", Type::Text, From::Any, 1024), opt("force")},
         ep::default_init_db_form},
        {"/vidjil/default/impersonate", GET_POST,
         Access::object(Check::AdminOrImpersonating, "", Refusal::Error,
                        "access denied: only administrators can impersonate users"),
         {opt("id", Type::Int, From::Query), opt("next", Type::Text, From::Query, 2048)}, ep::default_impersonate},
        {"/vidjil/default/stop_impersonate", GET_POST, Access::User, {opt("next", Type::Text, From::Query, 2048)},
         ep::default_stop_impersonate},
    };
    return serve("vidjil-default", routes);
}
