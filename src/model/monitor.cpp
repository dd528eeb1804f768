// SQL for the administrator's overview page (see monitor.h).
#include "model/monitor.h"

namespace vidjil::model {

JobCounts job_counts(db::Connection& db) {
    JobCounts c;
    for (const auto& r : db.query("SELECT status, COUNT(*) FROM scheduler_task WHERE status IN ('QUEUED', 'RUNNING', "
                                  "'FAILED') GROUP BY status")) {
        if (r.str(0) == "QUEUED") c.queued = r.integer(1);
        if (r.str(0) == "RUNNING") c.running = r.integer(1);
        if (r.str(0) == "FAILED") c.failed = r.integer(1);
    }
    c.users = db.query_one("SELECT COUNT(*) FROM auth_user")->integer(0);
    c.sample_sets = db.query_one("SELECT COUNT(*) FROM sample_set")->integer(0);
    c.sequence_files = db.query_one("SELECT COUNT(*) FROM sequence_file")->integer(0);
    for (const auto& r : db.query("SELECT t.status FROM results_file f LEFT JOIN scheduler_task t "
                                  "ON t.id = f.scheduler_task_id ORDER BY f.id DESC LIMIT 10"))
        c.last_results += r.str(0).empty() ? "?" : r.str(0).substr(0, 1);
    return c;
}

}  // namespace vidjil::model
