// FastCGI program for /vidjil/auth/*: login page, login, logout, account registration.
#include "endpoints/endpoints.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    // Administrators create accounts, unless OPEN_REGISTRATION lets everyone register.
    Access registration = Access::object(Check::AdminUnlessOpenRegistration, "", Refusal::Error,
                                         "access denied: only administrators can create accounts");
    registration.level = Access::Public;
    static const std::vector<Route> routes = {
        {"/vidjil/auth/login", GET_POST, Access::Public, {opt("next")}, ep::auth_login},
        // POST only: a password never travels in a URL (and so never lands in an access log).
        {"/vidjil/auth/submit", POST, Access::Public,
         {opt("login", Type::Text, From::Any, 512), opt("email", Type::Text, From::Any, 512),
          opt("password", Type::Text, From::Any, 1024)},
         ep::auth_submit},
        {"/vidjil/auth/logout", GET_POST, Access::Public, {}, ep::auth_logout},
        {"/vidjil/auth/register", GET_POST, registration, {}, ep::auth_register},
        {"/vidjil/auth/register_form", POST, registration,
         {opt("first_name", Type::Text, From::Any, 512), opt("last_name", Type::Text, From::Any, 512),
          opt("email", Type::Text, From::Any, 512), opt("password", Type::Text, From::Any, 1024),
          opt("confirm_password", Type::Text, From::Any, 1024)},
         ep::auth_register_form},
    };
    return serve("vidjil-auth", routes);
}
