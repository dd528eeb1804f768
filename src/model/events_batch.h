// SQL for read records written in batches (issue 13): the user_log and vidjil_audit rows of
// several requests in one transaction with multi-row INSERTs (see app/event_journal.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

// One request's record: an audit row, and a user_log row when log_msg is not empty. `time` is
// when the request was answered (Unix seconds): the rows keep it, not the time of the batch.
struct EventRow {
    int64_t time = 0;
    std::optional<int64_t> user_id;
    std::optional<int64_t> impersonator_id;
    std::string client_ip;
    std::string action;
    std::string table_name;
    std::optional<int64_t> record_id;
    std::string detail;
    std::string log_msg;
};

// Inserts every row in the caller's transaction, at most kEventBatch rows per statement.
constexpr size_t kEventBatch = 32;
void insert_events(db::Connection& db, const std::vector<EventRow>& rows);

}  // namespace vidjil::model
