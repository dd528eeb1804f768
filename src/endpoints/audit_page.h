// admin/audit: the audit trail for administrators (who read or changed which patient's data),
// filtered by user, sample set and date, paginated, and exported as CSV (format=csv).
#pragma once
#include "app/app.h"

namespace vidjil::endpoints {

http::Response admin_audit(app::Context& c);

}  // namespace vidjil::endpoints
