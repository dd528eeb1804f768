// FastCGI program for my_account/*: usage of the user's groups and their recent analyses.
#include "endpoints/analyses.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    const std::vector<vidjil::http::ParamSpec> params = {opt("filter", Type::Text, From::Any, 1024),
                                                         opt("group_ids", Type::Int), opt("group_ids[]", Type::Int),
                                                         opt("data", Type::Json, From::Any, 65536)};
    static const std::vector<Route> routes = {
        {"/vidjil/my_account/index", GET_POST, Access::User, params, ep::my_account_index},
        {"/vidjil/my_account/jobs", GET_POST, Access::User, params, ep::my_account_jobs},
    };
    return serve("vidjil-my_account", routes);
}
