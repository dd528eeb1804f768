// FastCGI program for /vidjil/group/*: groups, their members and their rights.
#include "endpoints/admin.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/group/index", GET_POST, Access::Admin, {}, ep::group_index},
        {"/vidjil/group/add", GET_POST, Access::Admin, {}, ep::group_add},
        {"/vidjil/group/add_form", POST, Access::admin_error("access denied"),
         {opt("group_name", Type::Text, From::Any, 512), opt("info", Type::Text, From::Any, 4096),
          opt("group_parent", Type::Text, From::Any, 32)},
         ep::group_add_form},
        {"/vidjil/group/edit", GET_POST, Access::object(Check::ModifyGroup, "id"), {opt("id", Type::Id, From::Query)}, ep::group_edit},
        {"/vidjil/group/edit_form", POST, Access::object(Check::ModifyGroup, "id", Refusal::Error),
         {opt("id", Type::Id), opt("group_name", Type::Text, From::Any, 512), opt("info", Type::Text, From::Any, 4096)},
         ep::group_edit_form},
        {"/vidjil/group/confirm", GET_POST, Access::object(Check::ModifyGroup, "id"), {opt("id", Type::Id, From::Query)}, ep::group_confirm},
        {"/vidjil/group/delete", POST, Access::object(Check::ModifyGroup, "id", Refusal::Error), {opt("id", Type::Id, From::Query)}, ep::group_delete},
        {"/vidjil/group/info", GET_POST, Access::object(Check::ViewGroup, "id"), {opt("id", Type::Id, From::Query)}, ep::group_info},
        {"/vidjil/group/invite", POST, Access::User,
         {opt("group_id", Type::Id, From::Query), opt("user_id", Type::Id, From::Query)}, ep::group_invite},
        {"/vidjil/group/kick", POST, Access::User,
         {opt("group_id", Type::Id, From::Query), opt("user_id", Type::Id, From::Query)}, ep::group_kick},
        {"/vidjil/group/rights", POST, Access::admin_message("admin only"),
         {opt("id", Type::Id, From::Query), opt("value", Type::Bool, From::Query),
          opt("right", Type::Text, From::Query, 32), opt("name", Type::Text, From::Query, 32)},
         ep::group_rights},
    };
    return serve("vidjil-group", routes);
}
