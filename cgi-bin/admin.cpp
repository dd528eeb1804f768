// FastCGI program for /vidjil/admin/*: the administrator's overview.
#include "endpoints/admin.h"

using namespace vidjil::app;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/admin/index", GET_POST, Access::Admin, {}, ep::admin_index},
    };
    return serve("vidjil-admin-page", routes);
}
