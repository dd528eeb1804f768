// SQL of admin/clean_workers_status: the runner hosts with their last heartbeat
// (vidjil_runner_host, written by vidjil-runner) and the RUNNING tasks no live runner holds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

struct RunnerHost {
    std::string host;
    std::optional<int64_t> pid, heartbeat;  // heartbeat: epoch seconds
    int64_t running = 0;                    // RUNNING jobs it holds
};
std::vector<RunnerHost> runner_hosts(db::Connection& db);
// RUNNING tasks with no vidjil_job row (queued by the original server's Celery workers, which
// no longer exist): nobody will ever end them.
std::vector<int64_t> orphan_running_tasks(db::Connection& db);
// FAILED, if still RUNNING and still without a vidjil_job row; true when changed.
bool fail_orphan_task(db::Connection& db, int64_t task_id);

}  // namespace vidjil::model
