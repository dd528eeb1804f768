// SQL for the news: notification rows, read marks (user_preference 'mail' rows, the original's
// encoding) and the per-user cache of get_active_notifications (vidjil_news_cache, sql/030).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

struct Notification {
    int64_t id = 0;
    std::optional<int64_t> creator;
    std::string title, message_content, message_type, priority;
    std::optional<std::string> expiration;         // "YYYY-MM-DD"; NULL = never expires
    std::optional<std::string> creation_datetime;  // "YYYY-MM-DD HH:MM:SS"
};

struct NotificationFields {
    std::string title, message_content, message_type, priority, expiration;
};

// Every notification, newest first (the news page).
std::vector<Notification> all_notifications(db::Connection& db);
std::optional<Notification> notification_by_id(db::Connection& db, int64_t id);

// Changes: each runs in its own transaction and moves the global news version, so that every
// cached poll answer is recomputed. Edit and delete also drop the read marks.
int64_t insert_notification(db::Connection& db, int64_t creator, const NotificationFields& f);
bool update_notification(db::Connection& db, int64_t id, const NotificationFields& f);
bool delete_notification(db::Connection& db, int64_t id);

// Records that the user opened the notification (once) and invalidates that user's cache.
void mark_notification_read(db::Connection& db, int64_t user_id, int64_t notification_id);

// Unexpired (database date) notifications the user has not read, by id; `valid_until` is the
// Unix time at which the first of them expires (nullopt: none ever does).
struct ActiveNotifications {
    std::vector<Notification> rows;
    std::optional<int64_t> valid_until;
};
ActiveNotifications active_unread_notifications(db::Connection& db, int64_t user_id);

// The cached answer of a user, in one query: `answer` is set only when it is still valid.
struct NewsCacheState {
    std::optional<std::string> answer;
    std::optional<int64_t> gen;  // nullopt: no cache row yet
    int64_t version = 0;         // current global version
    int64_t valid_until = 0;     // of the answer, when there is one (UNIX time)
};
NewsCacheState news_cache_lookup(db::Connection& db, int64_t user_id);
// Stores a freshly computed answer unless the user's cache was invalidated since `state` was read.
void news_cache_store(db::Connection& db, int64_t user_id, const NewsCacheState& state,
                      std::optional<int64_t> valid_until, const std::string& answer);

}  // namespace vidjil::model
