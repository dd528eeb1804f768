// SQL of the log page (log/index): user_log rows, filtered by table and record, paged, and for a
// non-administrator limited to records one of their own groups can access.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

struct UserLogLine {
    int64_t id = 0, record_id = 0;
    std::string user, table_name, msg, created;
};

struct UserLogQuery {
    std::string table;                // "" or "all": every table
    std::optional<int64_t> record_id;
    // nullopt: every row (administrator); otherwise the groups whose sample sets the reader may
    // see the logs of (never the public group).
    std::optional<std::set<int64_t>> groups;
    int64_t offset = 0, limit = 100;
};

// Newest first. `total` receives the number of matching rows.
std::vector<UserLogLine> user_logs(db::Connection& db, const UserLogQuery& q, int64_t* total);
// Distinct record ids of `table` in the rows the reader may see (newest first, at most `limit`).
std::vector<int64_t> user_log_records(db::Connection& db, const UserLogQuery& q, int64_t limit);

}  // namespace vidjil::model
