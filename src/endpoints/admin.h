// Handlers of the administration pages: admin/index, group/*, user/index and user/info.
#pragma once
#include "app/app.h"

namespace vidjil::endpoints {

using app::Context;
using http::Response;

Response admin_index(Context& c);

Response group_index(Context& c);
Response group_add(Context& c);
Response group_add_form(Context& c);
Response group_edit(Context& c);
Response group_edit_form(Context& c);
Response group_confirm(Context& c);
Response group_delete(Context& c);
Response group_info(Context& c);
Response group_invite(Context& c);
Response group_kick(Context& c);
Response group_rights(Context& c);

Response user_index(Context& c);
Response user_info(Context& c);

}  // namespace vidjil::endpoints
