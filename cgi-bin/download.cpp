// FastCGI program for /vidjil/download/<stored name>: a stored file of a set the user may read.
#include "endpoints/routes.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/download/*", GET_POST, Access::User, {opt("attachment", Type::Bool, From::Query)},
         vidjil::endpoints::app_download},
    };
    return serve("vidjil-download", routes);
}
