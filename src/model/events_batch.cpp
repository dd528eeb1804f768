// SQL for read records written in batches (see events_batch.h).
#include "model/events_batch.h"

#include <algorithm>

namespace vidjil::model {

namespace {

std::string repeat(const std::string& group, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += (i ? ", " : "") + group;
    return s;
}

}  // namespace

void insert_events(db::Connection& db, const std::vector<EventRow>& rows) {
    for (size_t start = 0; start < rows.size(); start += kEventBatch) {
        size_t n = std::min(kEventBatch, rows.size() - start);
        db::Params audit, log;
        size_t logs = 0;
        for (size_t i = start; i < start + n; ++i) {
            const EventRow& e = rows[i];
            for (db::Param p : {db::Param(static_cast<long long>(e.time)), db::Param(e.user_id), db::Param(e.impersonator_id),
                                db::Param(e.client_ip), db::Param(e.action),
                                e.table_name.empty() ? db::Param(std::nullopt) : db::Param(e.table_name),
                                db::Param(e.record_id), db::Param(e.detail)})
                audit.push_back(std::move(p));
            if (!e.log_msg.empty() && e.user_id) {
                for (db::Param p : {db::Param(*e.user_id), db::Param(static_cast<long long>(e.time)), db::Param(e.log_msg),
                                    db::Param(e.table_name), db::Param(e.record_id.value_or(0))})
                    log.push_back(std::move(p));
                ++logs;
            }
        }
        db.exec("INSERT INTO vidjil_audit (created, user_id, impersonator_id, client_ip, action, table_name, record_id, "
                "detail) VALUES " + repeat("(FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?)", n),
                audit);
        if (logs)
            db.exec("INSERT INTO user_log (user_id, created, msg, table_name, record_id) VALUES " +
                        repeat("(?, FROM_UNIXTIME(?), ?, ?, ?)", logs),
                    log);
    }
}

}  // namespace vidjil::model
