// SQL of the Slurm backend (see slurm_jobs.h).
#include "model/slurm_jobs.h"

#include "jobs/status.h"
#include "model/results.h"

namespace vidjil::model {

namespace {
const char* kNow = "DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')";
}

SlurmLimits slurm_limits(db::Connection& db, int64_t config_id) {
    SlurmLimits l;
    auto r = db.query_one("SELECT memory_limit, time_limit FROM vidjil_config_limit WHERE config_id = ?", {config_id});
    if (!r) return l;
    l.memory_mb = r->opt_int("memory_limit");
    l.time_seconds = r->opt_int("time_limit");
    return l;
}

void set_config_limits(db::Connection& db, int64_t config_id, const LimitChange& c) {
    db.exec("INSERT IGNORE INTO vidjil_config_limit (config_id) VALUES (?)", {config_id});
    if (c.set_memory)
        db.exec("UPDATE vidjil_config_limit SET memory_limit = ? WHERE config_id = ?", {c.memory_mb, config_id});
    if (c.set_time) db.exec("UPDATE vidjil_config_limit SET time_limit = ? WHERE config_id = ?", {c.time_seconds, config_id});
}

bool slurm_submitted(db::Connection& db, int64_t task, const std::string& host, int pid, int64_t slurm_id,
                     std::optional<int64_t> mem, std::optional<int64_t> minutes) {
    db::Transaction tx(db);
    auto mine = db.query_one("SELECT t.status FROM scheduler_task t JOIN vidjil_job j ON j.task_id = t.id "
                             "WHERE t.id = ? AND j.host = ? AND j.pid = ? FOR UPDATE",
                             {task, host, pid});
    if (!mine || mine->str(0) != jobs::RUNNING) return false;
    db.exec("UPDATE scheduler_task SET status = 'ASSIGNED' WHERE id = ?", {task});
    db.exec("UPDATE vidjil_job SET message = 'submitted to Slurm', heartbeat = NULL WHERE task_id = ?", {task});
    db.exec("INSERT INTO vidjil_slurm_job (task_id, slurm_job_id, state, reason, node, submitted_by, submitted_at, "
            "memory_mb, time_minutes, requeues, missing_since, watched) VALUES (?, ?, 'PENDING', NULL, NULL, ?, NOW(), "
            "?, ?, 0, NULL, 1) ON DUPLICATE KEY UPDATE slurm_job_id = VALUES(slurm_job_id), state = 'PENDING', "
            "reason = NULL, node = NULL, submitted_by = VALUES(submitted_by), submitted_at = NOW(), "
            "memory_mb = VALUES(memory_mb), time_minutes = VALUES(time_minutes), requeues = 0, missing_since = NULL, "
            "watched = 1",
            {task, slurm_id, host, mem, minutes});
    tx.commit();
    return true;
}

bool slurm_resubmitted(db::Connection& db, int64_t task, int64_t old_id, int64_t new_id, const std::string& host,
                       int pid) {
    db::Transaction tx(db);
    auto now = db.query_one("SELECT t.status FROM scheduler_task t JOIN vidjil_slurm_job s ON s.task_id = t.id "
                            "WHERE t.id = ? AND s.slurm_job_id = ? FOR UPDATE",
                            {task, old_id});
    if (!now || (now->str(0) != "ASSIGNED" && now->str(0) != jobs::RUNNING)) return false;
    db.exec("UPDATE scheduler_task SET status = 'ASSIGNED' WHERE id = ?", {task});
    db.exec("UPDATE vidjil_job SET host = ?, pid = ?, child_pid = NULL, heartbeat = NULL, "
            "message = 'preempted in Slurm; submitted again' WHERE task_id = ?",
            {host, pid, task});
    db.exec("UPDATE vidjil_slurm_job SET slurm_job_id = ?, state = 'PENDING', reason = NULL, node = NULL, "
            "submitted_at = NOW(), requeues = requeues + 1, missing_since = NULL, watched = 1 WHERE task_id = ?",
            {new_id, task});
    tx.commit();
    return true;
}

std::vector<SlurmJob> slurm_watched(db::Connection& db) {
    std::vector<SlurmJob> out;
    auto rows = db.query(
        "SELECT s.task_id, s.slurm_job_id, s.state, s.reason, s.node, s.submitted_by, s.requeues, s.missing_since, "
        "s.memory_mb, s.time_minutes, t.status, j.kind, j.host, j.pid, j.results_file_id, j.sequence_file_id, "
        "(j.results_file_id IS NOT NULL AND r.id IS NULL) AS result_deleted, "
        "(j.sequence_file_id IS NOT NULL AND f.id IS NULL) AS file_deleted "
        "FROM vidjil_slurm_job s LEFT JOIN scheduler_task t ON t.id = s.task_id "
        "LEFT JOIN vidjil_job j ON j.task_id = s.task_id LEFT JOIN results_file r ON r.id = j.results_file_id "
        "LEFT JOIN sequence_file f ON f.id = j.sequence_file_id WHERE s.watched = 1 ORDER BY s.task_id");
    for (const auto& r : rows) {
        SlurmJob s;
        s.task_id = r.integer("task_id");
        s.slurm_job_id = r.integer("slurm_job_id");
        s.state = r.str("state");
        s.reason = r.str("reason");
        s.node = r.str("node");
        s.submitted_by = r.str("submitted_by");
        s.requeues = static_cast<int>(r.integer("requeues"));
        s.missing_since = r.opt_int("missing_since");
        s.memory_mb = r.opt_int("memory_mb");
        s.time_minutes = r.opt_int("time_minutes");
        s.status = r.str("status");
        s.kind = r.str("kind");
        s.host = r.str("host");
        s.pid = r.opt_int("pid");
        s.results_file_id = r.opt_int("results_file_id");
        s.sequence_file_id = r.opt_int("sequence_file_id");
        s.result_deleted = r.integer("result_deleted") != 0;
        s.file_deleted = r.integer("file_deleted") != 0;
        out.push_back(std::move(s));
    }
    return out;
}

int64_t slurm_active_count(db::Connection& db) {
    auto r = db.query_one("SELECT COUNT(*) FROM vidjil_slurm_job s JOIN scheduler_task t ON t.id = s.task_id "
                          "WHERE s.watched = 1 AND t.status IN ('ASSIGNED', 'RUNNING')");
    return r ? r->integer(0) : 0;
}

void slurm_update_state(db::Connection& db, int64_t task, const std::string& state, const std::string& reason,
                        const std::string& node) {
    db.exec("UPDATE vidjil_slurm_job SET state = ?, reason = ?, node = ?, missing_since = NULL WHERE task_id = ?",
            {state, reason.empty() ? db::Param(std::nullopt) : reason, node.empty() ? db::Param(std::nullopt) : node,
             task});
    std::string message = "pending in Slurm" + (reason.empty() || reason == "None" ? "" : " (" + reason + ")");
    if (state != "PENDING") message = "in Slurm: " + state + (node.empty() ? "" : " on " + node);
    db.exec("UPDATE vidjil_job j JOIN scheduler_task t ON t.id = j.task_id SET j.message = ? "
            "WHERE j.task_id = ? AND t.status = 'ASSIGNED'",
            {message, task});
}

void slurm_set_missing(db::Connection& db, int64_t task, std::optional<int64_t> since) {
    db.exec("UPDATE vidjil_slurm_job SET missing_since = ? WHERE task_id = ?", {since, task});
}

void slurm_unwatch(db::Connection& db, int64_t task) {
    db.exec("UPDATE vidjil_slurm_job SET watched = 0 WHERE task_id = ?", {task});
}

bool slurm_settle(db::Connection& db, int64_t task, int64_t slurm_id, const std::string& status,
                  const std::string& message) {
    db::Transaction tx(db);
    auto now = db.query_one("SELECT t.status, j.kind, j.sequence_file_id FROM scheduler_task t "
                            "JOIN vidjil_job j ON j.task_id = t.id JOIN vidjil_slurm_job s ON s.task_id = t.id "
                            "WHERE t.id = ? AND s.slurm_job_id = ? FOR UPDATE",
                            {task, slurm_id});
    if (!now || (now->str(0) != "ASSIGNED" && now->str(0) != jobs::RUNNING)) return false;
    bool terminal = jobs::is_terminal(status);
    db.exec(std::string("UPDATE scheduler_task SET status = ?, stop_time = ") + (terminal ? kNow : "NULL") +
                ", times_failed = COALESCE(times_failed, 0) + ? WHERE id = ?",
            {status, status == jobs::COMPLETED || !terminal ? 0 : 1, task});
    db.exec(std::string("UPDATE vidjil_job SET ended_at = ") + (terminal ? "NOW()" : "NULL") +
                ", heartbeat = NULL, message = ? WHERE task_id = ?",
            {message, task});
    bool pre = now->str(1) == jobs::TASK_PRE_PROCESS && now->opt_int("sequence_file_id");
    if (pre && terminal && status != jobs::COMPLETED)
        db.exec("UPDATE sequence_file SET pre_process_flag = 'FAILED' WHERE id = ?", {*now->opt_int("sequence_file_id")});
    tx.commit();
    if (pre && terminal && status != jobs::COMPLETED) release_waiting_runs(db, *now->opt_int("sequence_file_id"), false);
    return true;
}

std::optional<Job> slurm_take(db::Connection& db, int64_t task, int64_t slurm_id, const std::string& host, int pid,
                              int64_t now) {
    db::Transaction tx(db);
    auto r = db.query_one("SELECT t.status FROM scheduler_task t JOIN vidjil_job j ON j.task_id = t.id "
                          "JOIN vidjil_slurm_job s ON s.task_id = t.id WHERE t.id = ? AND s.slurm_job_id = ? FOR UPDATE",
                          {task, slurm_id});
    if (!r || (r->str(0) != "ASSIGNED" && r->str(0) != jobs::RUNNING)) return std::nullopt;
    db.exec(std::string("UPDATE scheduler_task SET status = 'RUNNING', assigned_worker_name = ?, last_run_time = ") +
                kNow + " WHERE id = ?",
            {host, task});
    db.exec("UPDATE vidjil_job SET host = ?, pid = ?, child_pid = NULL, heartbeat = ?, started_at = NOW(), "
            "ended_at = NULL, message = NULL WHERE task_id = ?",
            {host, pid, now, task});
    db.exec("UPDATE vidjil_slurm_job SET state = 'RUNNING', reason = NULL, node = ? WHERE task_id = ?", {host, task});
    auto job = job_by_task(db, task);
    tx.commit();
    return job;
}

void slurm_step_heartbeat(db::Connection& db, int64_t task, const std::string& host, int pid, int64_t now) {
    db.exec("UPDATE vidjil_job SET heartbeat = ? WHERE task_id = ? AND host = ? AND pid = ?", {now, task, host, pid});
}

bool slurm_managed(db::Connection& db, int64_t task) {
    return db.query_one("SELECT task_id FROM vidjil_slurm_job WHERE task_id = ? AND watched = 1", {task}).has_value();
}

std::optional<int64_t> slurm_job_of(db::Connection& db, int64_t task) {
    auto r = db.query_one("SELECT slurm_job_id FROM vidjil_slurm_job WHERE task_id = ?", {task});
    if (!r) return std::nullopt;
    return r->integer(0);
}

}  // namespace vidjil::model
