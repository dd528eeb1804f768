// FastCGI program for /vidjil/log/index: the per-record log (user_log).
#include "endpoints/routes.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/log/index", GET_POST, Access::User,
         {opt("table", Type::Text, From::Any, 64), opt("id", Type::Int), opt("page", Type::Int), opt("format", Type::Text, From::Any, 16)},
         vidjil::endpoints::log_index},
    };
    return serve("vidjil-log", routes);
}
