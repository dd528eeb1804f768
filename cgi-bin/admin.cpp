// FastCGI program for /vidjil/admin/*: the administrator's overview.
#include "endpoints/admin.h"
#include "endpoints/audit_page.h"
#include "endpoints/routes.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/admin/index", GET_POST, Access::Admin, {}, ep::admin_index},
        {"/vidjil/admin/showlog", GET_POST, Access::Admin,
         {opt("file", Type::Text, From::Any, 1024), opt("format", Type::Text, From::Any, 16),
          opt("filter", Type::Text, From::Any, 1024)},
         ep::admin_showlog},
        {"/vidjil/admin/clean_workers_status", GET_POST, Access::Admin, {}, ep::admin_clean_workers_status},
        {"/vidjil/admin/audit", GET_POST, Access::Admin,
         {opt("user", Type::Text, From::Any, 512), opt("set", Type::Text, From::Any, 32),
          opt("since", Type::Text, From::Any, 32), opt("until", Type::Text, From::Any, 32),
          opt("limit", Type::Int, From::Any, 16), opt("offset", Type::Int, From::Any, 16)},
         ep::admin_audit},
    };
    return serve("vidjil-admin-page", routes);
}
