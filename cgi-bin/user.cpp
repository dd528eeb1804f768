// FastCGI program for /vidjil/user/*: account pages and profile or password changes.
#include "endpoints/admin.h"
#include "endpoints/endpoints.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/user/index", GET_POST, Access::Admin,
         {opt("sort", Type::Text, From::Query, 16), opt("reverse", Type::Text, From::Query, 8)}, ep::user_index},
        {"/vidjil/user/info", GET_POST, Access::object(Check::ModifyUser, "id"), {opt("id", Type::Id, From::Query)}, ep::user_info},
        {"/vidjil/user/edit", GET_POST, Access::object(Check::ModifyUser, "id", Refusal::Error), {opt("id", Type::Id, From::Query)}, ep::user_edit},
        {"/vidjil/user/edit_form", POST, Access::object(Check::ModifyUser, "id", Refusal::Error),
         {opt("id", Type::Id), opt("first_name", Type::Text, From::Any, 512), opt("last_name", Type::Text, From::Any, 512),
          opt("email", Type::Text, From::Any, 512), opt("password", Type::Text, From::Any, 1024),
          opt("confirm_password", Type::Text, From::Any, 1024), opt("current_password", Type::Text, From::Any, 1024)},
         ep::user_edit_form},
    };
    return serve("vidjil-user", routes);
}
