// SQL of the job table: scheduler_task (the original's status and args, read by every page that
// shows a status) and vidjil_job (who runs it, since when, heartbeat, why it failed). Requests
// insert jobs; vidjil-runner claims them with SELECT ... FOR UPDATE SKIP LOCKED.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"
#include "model/sessions.h"

namespace vidjil::model {

// A job as the runner and the status pages see it.
struct Job {
    int64_t task_id = 0;
    std::string kind;    // "process" | "pre_process"
    std::string status;  // scheduler_task.status
    std::optional<int64_t> results_file_id, sequence_file_id, config_id, pre_process_id;
    std::string grep_reads;
    std::string host, log_path, message, queued_at, started_at, ended_at;
    std::optional<int64_t> pid, heartbeat;
    int attempts = 0;
};

// --- requests --------------------------------------------------------------------------------
// The results id of a run of (file, config, grep_reads) that is still queued, waiting or
// running, if any: the duplicate check (model.md §3.2, fixed: the original compared argument
// lists holding a fresh results id, so it never fired).
std::optional<int64_t> active_run(db::Connection& db, int64_t sequence_file_id, int64_t config_id,
                                  const std::string& grep_reads);
// Locks the sequence_file row until the end of the transaction, so that two requests for the
// same file are checked and inserted one after the other. False when the file does not exist.
bool lock_sequence_file(db::Connection& db, int64_t sequence_file_id);
// Inserts results_file, scheduler_task (QUEUED, or WAITING while the file's pre-process runs)
// and vidjil_job; returns the results id. Call inside a transaction.
int64_t schedule_run(db::Connection& db, int64_t sequence_file_id, int64_t config_id, const std::string& grep_reads,
                     int64_t user_id, bool waiting);
// A pre-process job for a file (args [pre_process_id, sequence_file_id]); nullopt when the same
// one is still active ("task already registered"). Sets the file's flag to WAIT and its
// pre_process_scheduler_task_id. For file/upload and file/restart_pre_process.
std::optional<int64_t> schedule_pre_process(db::Connection& db, int64_t sequence_file_id, int64_t pre_process_id,
                                            int64_t user_id);

// --- status ----------------------------------------------------------------------------------
std::optional<Job> job_by_task(db::Connection& db, int64_t task_id);
// scheduler_task.status of a task, also of one queued by the original server (no vidjil_job row).
std::optional<std::string> task_status(db::Connection& db, int64_t task_id);
std::optional<Job> job_of_result(db::Connection& db, int64_t results_file_id);
// What checkProcess polls: the status of a result's task and the job's message ("" for a task
// of the original without a vidjil_job row), in one statement the server may answer from its
// query cache (SQL_CACHE, see model/sessions.cpp) until the runner writes the task or the job.
struct JobState {
    std::string status, message;
};
std::optional<JobState> job_state_of_result(db::Connection& db, int64_t results_file_id);
// The same read with the session (checkProcess's Route::session_join, the result's id), and the
// state from that row when it is the row of `results_file_id` (nullopt otherwise: read it then).
extern const SessionJoin kJobStateJoin;
std::optional<JobState> job_state_from_session_row(const db::Row& joined, int64_t results_file_id);

// --- runner ----------------------------------------------------------------------------------
// Claims the oldest QUEUED job unless `host` already runs `max_running` jobs; marks it RUNNING
// for (host, pid). Jobs queued by the original server (no vidjil_job row) are taken from their
// args. Serialised per host through vidjil_runner_host; across hosts by SKIP LOCKED.
std::optional<Job> claim_job(db::Connection& db, const std::string& host, int pid, int max_running, int64_t now);
void set_child_pid(db::Connection& db, int64_t task_id, int child_pid, const std::string& log_path);
// Heartbeat of every job this runner process runs, and of the host row (created if absent).
void heartbeat(db::Connection& db, const std::string& host, int pid, int64_t now);
// Ends a job this runner holds (status RUNNING, same host and pid): COMPLETED, FAILED, TIMEOUT,
// or back to WAITING/QUEUED. False when the job is no longer ours (re-queued by a recovery).
bool end_job(db::Connection& db, int64_t task_id, const std::string& host, int pid, const std::string& status,
             const std::string& message);
// Jobs RUNNING anywhere, for the start-up recovery.
std::vector<Job> running_jobs(db::Connection& db);
// Re-queues (or fails, after max_attempts) a job left RUNNING by a dead runner, if it is still
// in the state that was seen (same host and pid). Returns the new status, "" if untouched.
std::string recover_job(db::Connection& db, const Job& seen, int max_attempts, const std::string& why);
// WAITING runs of a file: QUEUED again when its pre-process completed, FAILED when it failed.
void release_waiting_runs(db::Connection& db, int64_t sequence_file_id, bool pre_process_ok);
// WAITING runs whose file's pre-process is no longer pending (missed wake-ups): QUEUED again.
void requeue_stale_waiting(db::Connection& db);

// --- my_account/jobs ----------------------------------------------------------------------------
struct JobLine {
    int64_t results_file_id = 0, sequence_file_id = 0, config_id = 0, sample_set_id = 0;
    std::string status, config_name, filename, run_date, sample_type, started_at, ended_at;
};
// Analyses of the last `days` days of files in sets that one of `group_ids` owns (access).
std::vector<JobLine> recent_jobs(db::Connection& db, const std::vector<int64_t>& group_ids, int days);

}  // namespace vidjil::model
