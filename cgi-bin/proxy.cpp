// FastCGI program for /vidjil/proxy/*: the IMGT/V-QUEST and AssignSubsets exports of the client.
// The handlers forward the whole form (c.req.form), so no parameter is declared here.
#include "endpoints/routes.h"

using namespace vidjil::app;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/proxy/index", GET_POST, Access::User, {}, ep::proxy_index},
        {"/vidjil/proxy/imgt", POST, Access::User, {}, ep::proxy_imgt},
        {"/vidjil/proxy/assign_subsets", POST, Access::User, {}, ep::proxy_assign_subsets},
    };
    return serve("vidjil-proxy", routes);
}
