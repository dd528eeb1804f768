// Handlers of the routes the first versions left out (issue 10 §2): log/index, admin/showlog,
// admin/clean_workers_status, segmenter, proxy/* and the app-level /vidjil/download/<file>.
#pragma once
#include "app/app.h"

namespace vidjil::endpoints {

using app::Context;
using http::Response;

Response log_index(Context& c);               // /vidjil/log/index
Response admin_showlog(Context& c);           // /vidjil/admin/showlog
Response admin_clean_workers_status(Context& c);  // /vidjil/admin/clean_workers_status
Response segmenter_index(Context& c);         // /vidjil/segmenter, /vidjil/segmenter/index
Response proxy_index(Context& c);             // /vidjil/proxy/index
Response proxy_imgt(Context& c);              // /vidjil/proxy/imgt
Response proxy_assign_subsets(Context& c);    // /vidjil/proxy/assign_subsets
Response app_download(Context& c);            // /vidjil/download/<stored name>

}  // namespace vidjil::endpoints
