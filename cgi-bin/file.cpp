// FastCGI program for /vidjil/file/*: the sample form, creating and editing samples, streamed
// uploads (file/upload), deletion and the mounted filesystem browser.
#include "endpoints/sets.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::req;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    Route upload{"/vidjil/file/upload", POST, Access::User,
                 {opt("id", Type::Id, From::Query), opt("file_number", Type::Text, From::Query, 4),
                  opt("pre_process", Type::Text, From::Query, 16)},
                 ep::file_upload};
    upload.stream_body = true;  // the body may be many GB: the handler reads it as a stream
    const Access delete_file =
        Access::object(Check::ModifyFile, "id", Refusal::Error, "you need admin permission to delete this file");
    static const std::vector<Route> routes = {
        {"/vidjil/file/form", GET_POST, Access::User,
         {opt("sample_set_id", Type::Id, From::Query), opt("file_id", Type::Id, From::Query),
          opt("sample_type", Type::Text, From::Query, 16)},
         ep::file_form},
        {"/vidjil/file/submit", GET_POST, Access::User, {opt("data", Type::Json, From::Any, 8 << 20)}, ep::file_submit},
        upload,
        {"/vidjil/file/confirm", GET_POST, delete_file,
         {req("id", Type::Id, From::Query), opt("redirect_sample_set_id", Type::Id, From::Query),
          opt("delete_results", Type::Text, From::Query, 8), opt("delete_only_sequence", Type::Text, From::Query, 8)},
         ep::file_confirm},
        {"/vidjil/file/delete", GET_POST, delete_file,
         {req("id", Type::Id, From::Query), opt("redirect_sample_set_id", Type::Id, From::Query),
          opt("delete_results", Type::Text, From::Query, 8)},
         ep::file_delete},
        {"/vidjil/file/filesystem", GET, Access::User, {opt("node", Type::Text, From::Query, 4096)}, ep::file_filesystem},
    };
    return serve("vidjil-file", routes);
}
