// SQL for the logs: auth_event (logins), user_log (the original's per-record log) and
// vidjil_audit (our audit trail of reads and changes).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "db/db.h"

namespace vidjil::model {

void auth_event(db::Connection& db, std::optional<int64_t> user_id, const std::string& client_ip,
                const std::string& description);
// True if auth_event records a login of that user from that address in the last `days` days.
bool logged_in_from(db::Connection& db, int64_t user_id, const std::string& client_ip, int days);
void audit(db::Connection& db, std::optional<int64_t> user_id, std::optional<int64_t> impersonator_id,
           const std::string& client_ip, const std::string& action, const std::string& table_name,
           std::optional<int64_t> record_id, const std::string& detail);
void user_log(db::Connection& db, int64_t user_id, const std::string& msg, const std::string& table_name,
              int64_t record_id);

}  // namespace vidjil::model
