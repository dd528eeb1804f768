// FastCGI program for default/get_data and default/get_custom_data: results for the web client.
#include "endpoints/analyses.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/default/get_data", GET_POST, Access::User,
         {opt("sample_set_id", Type::Int), opt("patient", Type::Int), opt("run", Type::Int), opt("config", Type::Int),
          opt("filename", Type::Text, From::Any, 255)},
         ep::get_data},
        {"/vidjil/default/get_custom_data", GET_POST, Access::User,
         {opt("custom", Type::Int), opt("sample_set_id", Type::Int), opt("config", Type::Int),
          opt("filename", Type::Text, From::Any, 255)},
         ep::get_custom_data},
    };
    return serve("vidjil-get_data", routes);
}
