// SQL of admin/clean_workers_status (see runner_hosts.h).
#include "model/runner_hosts.h"

namespace vidjil::model {

std::vector<RunnerHost> runner_hosts(db::Connection& db) {
    std::vector<RunnerHost> out;
    for (const auto& r : db.query("SELECT h.host, h.pid, h.heartbeat, (SELECT COUNT(*) FROM vidjil_job j JOIN "
                                  "scheduler_task t ON t.id = j.task_id WHERE j.host = h.host AND t.status = 'RUNNING') "
                                  "FROM vidjil_runner_host h ORDER BY h.host")) {
        RunnerHost h;
        h.host = r.str(0);
        if (r.at(1)) h.pid = r.integer(1);
        if (r.at(2)) h.heartbeat = r.integer(2);
        h.running = r.integer(3);
        out.push_back(std::move(h));
    }
    return out;
}

std::vector<int64_t> orphan_running_tasks(db::Connection& db) {
    std::vector<int64_t> out;
    for (const auto& r : db.query("SELECT t.id FROM scheduler_task t LEFT JOIN vidjil_job j ON j.task_id = t.id "
                                  "WHERE t.status = 'RUNNING' AND j.task_id IS NULL ORDER BY t.id"))
        out.push_back(r.integer(0));
    return out;
}

bool fail_orphan_task(db::Connection& db, int64_t task_id) {
    return db.exec("UPDATE scheduler_task t SET t.status = 'FAILED', t.stop_time = DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s') "
                   "WHERE t.id = ? AND t.status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM vidjil_job j WHERE "
                   "j.task_id = t.id)",
                   {task_id}) > 0;
}

}  // namespace vidjil::model
