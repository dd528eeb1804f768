// FastCGI program for /vidjil/notification/*: the news pages, the admin forms and the poll.
#include "endpoints/news.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::req;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/notification/index", GET_POST, Access::User,
         {opt("id", Type::Id, From::Query), opt("redirected", Type::Text, From::Query, 16)}, ep::notification_index},
        {"/vidjil/notification/add", GET_POST, Access::Admin, {}, ep::notification_add},
        {"/vidjil/notification/edit", GET_POST, Access::Admin, {req("id", Type::Id, From::Query)},
         ep::notification_edit},
        {"/vidjil/notification/add_form", POST, Access::Admin, ep::notification_form_params(),
         ep::notification_add_form},
        {"/vidjil/notification/edit_form", POST, Access::Admin, ep::notification_form_params(),
         ep::notification_edit_form},
        {"/vidjil/notification/delete", GET_POST, Access::Admin, {req("id", Type::Id, From::Query)},
         ep::notification_delete},
        {"/vidjil/notification/get_active_notifications", GET_POST, Access::User, {},
         ep::notification_get_active, /*raw_body*/ false, /*stream_body*/ false, /*needs_db*/ true,
         /*news_state*/ true},
    };
    return serve("vidjil-news", routes);
}
