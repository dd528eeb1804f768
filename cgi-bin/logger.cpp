// FastCGI program for /vidjil/default/logger alone (the rest of default/* is another program):
// the web client's log lines, rate-limited per IP.
#include "endpoints/logger.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/default/logger", GET_POST, Access::Public,
         {opt("msg", Type::Text, From::Query), opt("lvl", Type::Int, From::Query, 8)}, vidjil::endpoints::default_logger},
    };
    return serve("vidjil-logger", routes);
}
