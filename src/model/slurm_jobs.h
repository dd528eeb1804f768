// SQL of the Slurm backend of vidjil-runner (sql/054-slurm.sql): which job runs as which Slurm
// job, what Slurm last said of it, and the hand-over of a job between the head runner (which
// claims and submits it) and the batch step on a compute node (which runs it).
//
// States (scheduler_task.status): QUEUED -> claimed by the head (RUNNING for a moment) ->
// ASSIGNED once sbatch accepted it (vidjil_job.message "pending in Slurm (<reason>)") ->
// RUNNING when the batch step took it over (vidjil_job.host/pid = the node and the step) ->
// COMPLETED / FAILED / TIMEOUT, set by the step as for a local job, or by the head when the job
// ended outside our code (cancelled, time or memory limit, node failure, step killed).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"
#include "model/jobs.h"

namespace vidjil::model {

struct SlurmJob {
    int64_t task_id = 0;
    int64_t slurm_job_id = 0;
    std::string state, reason, node, submitted_by;
    int requeues = 0;
    std::optional<int64_t> missing_since;    // epoch seconds: first time Slurm did not know it
    std::optional<int64_t> memory_mb, time_minutes;
    // The job as the rest of the server sees it. status "" when the task row was deleted.
    std::string status, kind, host;
    std::optional<int64_t> pid, results_file_id, sequence_file_id;
    bool result_deleted = false;  // a process job whose results_file row is gone
    bool file_deleted = false;    // its sequence_file row is gone
};

// Per-config limits for sbatch: vidjil_config_limit.memory_limit (MB) and time_limit (s).
struct SlurmLimits {
    std::optional<int64_t> memory_mb, time_seconds;
};
SlurmLimits slurm_limits(db::Connection& db, int64_t config_id);
// vidjil-admin config-limits: sets the limits marked set_* (nullopt: none, the defaults apply).
struct LimitChange {
    bool set_memory = false, set_time = false;
    std::optional<int64_t> memory_mb, time_seconds;
};
void set_config_limits(db::Connection& db, int64_t config_id, const LimitChange& change);

// The head runner (host, pid) that claimed the job had it accepted by sbatch: ASSIGNED, with
// the Slurm job id. False (nothing changed) when the job is no longer held by this head.
bool slurm_submitted(db::Connection& db, int64_t task_id, const std::string& host, int pid, int64_t slurm_job_id,
                     std::optional<int64_t> memory_mb, std::optional<int64_t> time_minutes);
// A job preempted in Slurm and submitted again by the head (new Slurm job id): ASSIGNED again,
// held by the head, one more requeue. False when the job ended meanwhile.
bool slurm_resubmitted(db::Connection& db, int64_t task_id, int64_t old_slurm_job_id, int64_t new_slurm_job_id,
                       const std::string& host, int pid);
// Jobs the head watches (rows not yet settled), with their state in the server.
std::vector<SlurmJob> slurm_watched(db::Connection& db);
// How many jobs are handed to Slurm and not finished (for SLURM_MAX_JOBS).
int64_t slurm_active_count(db::Connection& db);
// What squeue/sacct said; an ASSIGNED job's message becomes "pending in Slurm (<reason>)".
void slurm_update_state(db::Connection& db, int64_t task_id, const std::string& state, const std::string& reason,
                        const std::string& node);
void slurm_set_missing(db::Connection& db, int64_t task_id, std::optional<int64_t> since);
// The head no longer watches the row (the job ended, or its task was deleted and cancelled).
void slurm_unwatch(db::Connection& db, int64_t task_id);
// Ends a job that ended outside our code, if it is still ASSIGNED or RUNNING under that Slurm
// job id. A pre-process also fails its file's flag and WAITING runs. True when it changed.
bool slurm_settle(db::Connection& db, int64_t task_id, int64_t slurm_job_id, const std::string& status,
                  const std::string& message);
// The batch step (Slurm job `slurm_job_id`) takes the job over: RUNNING, held by (host, pid),
// heartbeat now. nullopt when the job is not ASSIGNED/RUNNING under that Slurm job id (ended,
// cancelled, deleted, or handed to another Slurm job).
std::optional<Job> slurm_take(db::Connection& db, int64_t task_id, int64_t slurm_job_id, const std::string& host,
                              int pid, int64_t now);
// The batch step's heartbeat of its job (one row by primary key: no range locks shared with
// the other steps of the node).
void slurm_step_heartbeat(db::Connection& db, int64_t task_id, const std::string& host, int pid, int64_t now);
// True when the job is (or was) handed to Slurm: local runners leave its recovery to the head.
bool slurm_managed(db::Connection& db, int64_t task_id);
// The Slurm job id of a task, if it has one.
std::optional<int64_t> slurm_job_of(db::Connection& db, int64_t task_id);

}  // namespace vidjil::model
