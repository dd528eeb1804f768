// FastCGI program for /vidjil/segmenter (and segmenter/index): vidjil-algo on a few pasted reads.
#include "endpoints/routes.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/segmenter/index", GET_POST, Access::User, {opt("sequences", Type::Text, From::Any, 1 << 20)},
         vidjil::endpoints::segmenter_index},
    };
    return serve("vidjil-segmenter", routes);
}
