// JSON texts of the news and of the other answers the web client parses itself (api.md §1.4):
// the poll answer in the exact shape pydal's Rows.as_json() gave, and an HTML-inert encoding.
#pragma once
#include <string>
#include <vector>

#include "model/notifications.h"

namespace vidjil::endpoints {

// A JSON string literal as Python's json.dumps writes it (ensure_ascii: non-ASCII as \uXXXX),
// with '<', '>' and '&' also \u-escaped: the answers are served as text/html, and nothing in
// them may ever be read as markup. Invalid UTF-8 becomes U+FFFD.
std::string json_string(const std::string& s);

// [{"notification": {"id": 7, "creator": 1, "title": ..., "message_content": ...,
//   "message_type": ..., "priority": ..., "expiration": ..., "creation_datetime": ...},
//   "user_preference": {"val": null}}, ...] with json.dumps' default separators.
// title and message_content are HTML-escaped: the client builds its flashes and login-page
// entries by inserting them as HTML (the original's sanitiser escaped stored content likewise).
std::string active_notifications_json(const std::vector<model::Notification>& rows);

// '<', '>' and '&' of a compact JSON text \u-escaped (they only occur inside strings).
std::string html_inert_json(const std::string& json);

}  // namespace vidjil::endpoints
