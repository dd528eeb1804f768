// SQL for notifications, their read marks and the per-user poll cache (see notifications.h).
#include "model/notifications.h"

namespace vidjil::model {

namespace {

// Dates are formatted by the database, as pydal's as_json() prints them.
const char* kColumns =
    "n.id, n.creator, n.title, n.message_content, n.message_type, n.priority, "
    "DATE_FORMAT(n.expiration, '%Y-%m-%d') AS expiration, "
    "DATE_FORMAT(n.creation_datetime, '%Y-%m-%d %H:%i:%s') AS creation_datetime";

// Far enough in the future to mean "never" for a cached answer without expiring notifications.
constexpr int64_t kNever = 253402300799;  // 9999-12-31 23:59:59 UTC

Notification from_row(const db::Row& r) {
    Notification n;
    n.id = r.integer("id");
    n.creator = r.opt_int("creator");
    n.title = r.str("title");
    n.message_content = r.str("message_content");
    n.message_type = r.str("message_type");
    n.priority = r.str("priority");
    n.expiration = r.at("expiration");
    n.creation_datetime = r.at("creation_datetime");
    return n;
}

// Every cached answer computed before this call becomes stale (same transaction as the change).
void bump_news_version(db::Connection& db) {
    db.exec("UPDATE vidjil_news_version SET version = version + 1 WHERE id = 1");
}

void delete_read_marks(db::Connection& db, int64_t id) {
    db.exec("DELETE FROM user_preference WHERE preference = 'mail' AND val = ?", {std::to_string(id)});
}

}  // namespace

std::vector<Notification> all_notifications(db::Connection& db) {
    std::vector<Notification> out;
    for (const auto& r : db.query(std::string("SELECT ") + kColumns +
                                  " FROM notification n ORDER BY n.creation_datetime DESC, n.id DESC"))
        out.push_back(from_row(r));
    return out;
}

std::optional<Notification> notification_by_id(db::Connection& db, int64_t id) {
    auto r = db.query_one(std::string("SELECT ") + kColumns + " FROM notification n WHERE n.id = ?", {id});
    if (!r) return std::nullopt;
    return from_row(*r);
}

int64_t insert_notification(db::Connection& db, int64_t creator, const NotificationFields& f) {
    db::Transaction tx(db);
    db.exec("INSERT INTO notification (creator, title, message_content, message_type, priority, expiration, "
            "creation_datetime) VALUES (?, ?, ?, ?, ?, ?, NOW())",
            {creator, f.title, f.message_content, f.message_type, f.priority,
             f.expiration.empty() ? db::Param(std::nullopt) : db::Param(f.expiration)});
    int64_t id = static_cast<int64_t>(db.last_insert_id());
    bump_news_version(db);
    tx.commit();
    return id;
}

bool update_notification(db::Connection& db, int64_t id, const NotificationFields& f) {
    db::Transaction tx(db);
    if (!db.query_one("SELECT id FROM notification WHERE id = ? FOR UPDATE", {id})) return false;
    db.exec("UPDATE notification SET title = ?, message_content = ?, message_type = ?, priority = ?, "
            "expiration = ? WHERE id = ?",
            {f.title, f.message_content, f.message_type, f.priority,
             f.expiration.empty() ? db::Param(std::nullopt) : db::Param(f.expiration), id});
    // An edited notification is news again for everybody (model.md §5).
    delete_read_marks(db, id);
    bump_news_version(db);
    tx.commit();
    return true;
}

bool delete_notification(db::Connection& db, int64_t id) {
    db::Transaction tx(db);
    bool found = db.exec("DELETE FROM notification WHERE id = ?", {id}) > 0;
    delete_read_marks(db, id);
    if (found) bump_news_version(db);
    tx.commit();
    return found;
}

void mark_notification_read(db::Connection& db, int64_t user_id, int64_t notification_id) {
    std::string val = std::to_string(notification_id);
    db::Transaction tx(db);
    db.exec("INSERT INTO user_preference (user_id, preference, val) SELECT ?, 'mail', ? FROM DUAL "
            "WHERE NOT EXISTS (SELECT 1 FROM user_preference WHERE user_id = ? AND preference = 'mail' AND val = ?)",
            {user_id, val, user_id, val});
    // The row is created if missing, so that a poll that found no row and is computing right now
    // cannot store its (stale) answer afterwards: it only inserts when no row exists.
    db.exec("INSERT INTO vidjil_news_cache (user_id, gen, version, valid_until, answer) VALUES (?, 1, 0, 0, NULL) "
            "ON DUPLICATE KEY UPDATE gen = gen + 1, version = 0, answer = NULL",
            {user_id});
    tx.commit();
}

ActiveNotifications active_unread_notifications(db::Connection& db, int64_t user_id) {
    ActiveNotifications out;
    // val holds the id as text (the original's encoding); the comparison is numeric.
    auto rows = db.query(std::string("SELECT ") + kColumns +
                             ", UNIX_TIMESTAMP(n.expiration + INTERVAL 1 DAY) AS ends FROM notification n "
                             "WHERE (n.expiration IS NULL OR n.expiration >= CURDATE()) AND NOT EXISTS "
                             "(SELECT 1 FROM user_preference p WHERE p.user_id = ? AND p.preference = 'mail' "
                             "AND p.val = n.id) ORDER BY n.id",
                         {user_id});
    for (const auto& r : rows) {
        out.rows.push_back(from_row(r));
        if (auto ends = r.opt_int("ends"); ends && (!out.valid_until || *ends < *out.valid_until))
            out.valid_until = ends;
    }
    return out;
}

NewsCacheState news_cache_lookup(db::Connection& db, int64_t user_id) {
    auto r = db.query_one(
        "SELECT v.version AS current_version, c.gen AS gen, "
        "IF(c.version = v.version AND c.valid_until > UNIX_TIMESTAMP(), c.answer, NULL) AS answer, "
        "c.valid_until AS valid_until "
        "FROM vidjil_news_version v LEFT JOIN vidjil_news_cache c ON c.user_id = ? WHERE v.id = 1",
        {user_id});
    if (!r) throw db::Error("vidjil_news_version is empty: run `vidjil-admin migrate`");
    NewsCacheState s;
    s.version = r->integer("current_version");
    s.gen = r->opt_int("gen");
    s.answer = r->at("answer");
    s.valid_until = r->integer("valid_until", 0);
    return s;
}

void news_cache_store(db::Connection& db, int64_t user_id, const NewsCacheState& state,
                      std::optional<int64_t> valid_until, const std::string& answer) {
    // Compare-and-set on gen: a read mark recorded since the lookup wins over this answer.
    db::Param gen = state.gen ? db::Param(*state.gen) : db::Param(std::nullopt);
    db.exec("INSERT INTO vidjil_news_cache (user_id, gen, version, valid_until, answer) VALUES (?, 0, ?, ?, ?) "
            "ON DUPLICATE KEY UPDATE version = IF(gen = ?, VALUES(version), version), "
            "valid_until = IF(gen = ?, VALUES(valid_until), valid_until), answer = IF(gen = ?, VALUES(answer), answer)",
            {user_id, state.version, valid_until.value_or(kNever), answer, gen, gen, gen});
}

}  // namespace vidjil::model
