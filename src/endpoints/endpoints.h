// Handlers of every route, grouped by the original's controllers. The cgi-bin programs only
// list them in their route tables with the parameters each one accepts.
#pragma once
#include "app/app.h"

namespace vidjil::endpoints {

using app::Context;
using http::Response;

// auth/*
Response auth_login(Context& c);
Response auth_submit(Context& c);
Response auth_logout(Context& c);
Response auth_register(Context& c);
Response auth_register_form(Context& c);

// default/* (session and identity)
Response default_home(Context& c);
Response default_whoami(Context& c);
Response default_init_db(Context& c);
Response default_init_db_form(Context& c);
Response default_impersonate(Context& c);
Response default_stop_impersonate(Context& c);

// user/*
Response user_edit(Context& c);
Response user_edit_form(Context& c);

// Password policy from the configuration (auth::PasswordPolicy): "" when acceptable, else why.
// user: the account's e-mail when known.
std::string password_problem(const Context& c, const std::string& password, const std::string& user = "");

}  // namespace vidjil::endpoints
