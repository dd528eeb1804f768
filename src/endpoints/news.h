// Handlers of notification/* (the news, api.md §2.8 and §3.12, model.md §5).
#pragma once
#include "app/app.h"

namespace vidjil::endpoints {

using app::Context;
using http::Response;

Response notification_index(Context& c);       // the news page; opening one marks it read
Response notification_add(Context& c);         // admin: empty form
Response notification_edit(Context& c);        // admin: form of an existing notification
Response notification_add_form(Context& c);    // admin: creates
Response notification_edit_form(Context& c);   // admin: updates; unread again for everybody
Response notification_delete(Context& c);      // admin
Response notification_get_active(Context& c);  // the clients' poll, served from the cache

// The parameters of add_form/edit_form, for the route table.
std::vector<http::ParamSpec> notification_form_params();

}  // namespace vidjil::endpoints
