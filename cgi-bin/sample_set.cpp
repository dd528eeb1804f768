// FastCGI program for /vidjil/sample_set/* (lists, set page, forms, batch import, deletion,
// sharing, sequence-file downloads) and /vidjil/tag/auto_complete.
#include "endpoints/sets.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::req;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/sample_set/all", GET_POST, Access::User,
         {opt("type", Type::Text, From::Query, 16), opt("page", Type::Int, From::Query),
          opt("filter", Type::Text, From::Query, 1024), opt("sort", Type::Text, From::Query, 32),
          opt("reverse", Type::Text, From::Query, 16)},
         ep::sample_set_all},
        {"/vidjil/sample_set/index", GET_POST, Access::object(Check::ReadSet, "id"),
         {req("id", Type::Id, From::Query), opt("config_id", Type::Int, From::Query), opt("next", Type::Int, From::Query)},
         ep::sample_set_index},
        {"/vidjil/sample_set/samplesetById", GET, Access::User,
         {req("id", Type::Id, From::Query), opt("type", Type::Text, From::Query, 16)}, ep::sample_set_by_id},
        {"/vidjil/sample_set/form", GET_POST, Access::User,
         {opt("id", Type::Id, From::Query), opt("type", Type::Text, From::Query, 16)}, ep::sample_set_form},
        {"/vidjil/sample_set/submit", GET_POST, Access::User, {opt("data", Type::Json, From::Any, 8 << 20)},
         ep::sample_set_submit},
        {"/vidjil/sample_set/batch", GET_POST, Access::object(Check::CreateSet, ""), {opt("type", Type::Text, From::Query, 16)},
         ep::sample_set_batch},
        {"/vidjil/sample_set/batch_submit", POST, Access::User,
         {opt("type", Type::Text, From::Any, 16), opt("group", Type::Id, From::Any),
          opt("sheet", Type::Text, From::Any, 8 << 20)},
         ep::sample_set_batch_submit},
        {"/vidjil/sample_set/confirm", GET_POST, Access::object(Check::ModifySet, "id"), {req("id", Type::Id, From::Query)}, ep::sample_set_confirm},
        {"/vidjil/sample_set/delete", GET_POST, Access::object(Check::ModifySet, "id"), {req("id", Type::Id, From::Query)}, ep::sample_set_delete},
        {"/vidjil/sample_set/permission", GET_POST, Access::object(Check::ModifySet, "id"), {req("id", Type::Id, From::Query)},
         ep::sample_set_permission},
        {"/vidjil/sample_set/change_permission", GET_POST, Access::User,
         {opt("sample_set_id", Type::Id, From::Query), opt("group_id", Type::Id, From::Query)},
         ep::sample_set_change_permission},
        {"/vidjil/sample_set/auto_complete", GET_POST, Access::User, {opt("keys", Type::Json, From::Any, 4096)},
         ep::sample_set_auto_complete},
        {"/vidjil/sample_set/download_sequence_file/*", GET_POST, Access::User,
         {opt("filename", Type::Text, From::Query, 1024)}, ep::sample_set_download_sequence_file},
        {"/vidjil/tag/auto_complete", GET_POST, Access::User, {opt("keys", Type::Json, From::Any, 4096)},
         ep::tag_auto_complete},
    };
    return serve("vidjil-sample_set", routes);
}
