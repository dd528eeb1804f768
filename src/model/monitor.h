// SQL for the administrator's overview page (admin/index): job counts and recent statuses.
#pragma once
#include <cstdint>
#include <string>

#include "db/db.h"

namespace vidjil::model {

struct JobCounts {
    int64_t queued = 0, running = 0, failed = 0, users = 0, sample_sets = 0, sequence_files = 0;
    std::string last_results;  // first letter of the status of the 10 newest results, e.g. "CCFCQ"
};
JobCounts job_counts(db::Connection& db);

}  // namespace vidjil::model
