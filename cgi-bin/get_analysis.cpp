// FastCGI program for default/get_analysis and default/save_analysis: the users' annotations.
#include "endpoints/analyses.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/default/get_analysis", GET_POST, Access::User,
         {opt("sample_set_id", Type::Int), opt("patient", Type::Int), opt("run", Type::Int), opt("custom"),
          opt("config"), opt("filename", Type::Text, From::Any, 255)},
         ep::get_analysis},
        {"/vidjil/default/save_analysis", GET_POST, Access::User,
         {opt("sample_set_id", Type::Int), opt("patient", Type::Int), opt("run", Type::Int), opt("config"),
          opt("info", Type::Text, From::Any, 1 << 20), opt("samples_id", Type::Text, From::Any, 1 << 20),
          opt("samples_info", Type::Text, From::Any, 8 << 20), opt("fileToUpload", Type::Text, From::Any, 64 << 20)},
         ep::save_analysis},
    };
    return serve("vidjil-get_analysis", routes);
}
