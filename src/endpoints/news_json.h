// JSON texts of the news and of the other answers the web client parses itself (api.md §1.4):
// the poll answer in the exact shape pydal's Rows.as_json() gave, and an HTML-inert encoding.
#pragma once
#include <string>
#include <vector>

#include "model/notifications.h"

namespace vidjil::endpoints {

// [{"notification": {"id": 7, "creator": 1, "title": ..., "message_content": ...,
//   "message_type": ..., "priority": ..., "expiration": ..., "creation_datetime": ...},
//   "user_preference": {"val": null}}, ...] with json.dumps' default separators.
// title and message_content are HTML-escaped: the client builds its flashes and login-page
// entries by inserting them as HTML (the original's sanitiser escaped stored content likewise).
std::string active_notifications_json(const std::vector<model::Notification>& rows);

// '<', '>' and '&' of a compact JSON text \u-escaped (they only occur inside strings).
std::string html_inert_json(const std::string& json);

}  // namespace vidjil::endpoints
