// SQL for auth_event, user_log and vidjil_audit (see events.h).
#include "model/events.h"

namespace vidjil::model {

void auth_event(db::Connection& db, std::optional<int64_t> user_id, const std::string& client_ip,
                const std::string& description) {
    db.exec("INSERT INTO auth_event (time_stamp, client_ip, user_id, origin, description) "
            "VALUES (NOW(), ?, ?, 'auth', ?)",
            {client_ip, user_id, description});
}

bool logged_in_from(db::Connection& db, int64_t user_id, const std::string& client_ip, int days) {
    return db
        .query_one("SELECT 1 FROM auth_event WHERE user_id = ? AND client_ip = ? AND description = ? "
                   "AND time_stamp > NOW() - INTERVAL ? DAY LIMIT 1",
                   {user_id, client_ip, "User " + std::to_string(user_id) + " Logged-in", days})
        .has_value();
}

void audit(db::Connection& db, std::optional<int64_t> user_id, std::optional<int64_t> impersonator_id,
           const std::string& client_ip, const std::string& action, const std::string& table_name,
           std::optional<int64_t> record_id, const std::string& detail) {
    db.exec("INSERT INTO vidjil_audit (created, user_id, impersonator_id, client_ip, action, table_name, record_id, "
            "detail) VALUES (NOW(), ?, ?, ?, ?, ?, ?, ?)",
            {user_id, impersonator_id, client_ip, action, table_name.empty() ? db::Param(std::nullopt) : table_name,
             record_id, detail});
}

void user_log(db::Connection& db, int64_t user_id, const std::string& msg, const std::string& table_name,
              int64_t record_id) {
    db.exec("INSERT INTO user_log (user_id, created, msg, table_name, record_id) VALUES (?, NOW(), ?, ?, ?)",
            {user_id, msg, table_name, record_id});
}

}  // namespace vidjil::model
