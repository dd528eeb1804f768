// vidjil-runner: takes jobs from the job table and runs them on this host (model.md §3).
// Run every minute by cron under flock (--once: work until the queue is empty, then exit), or
// as a service (--watch). Several runners, on one host or on several hosts sharing the database
// and the data directories, never take the same job (SELECT ... FOR UPDATE SKIP LOCKED) and
// together respect RUNNER_MAX_JOBS per host. A runner that dies leaves its jobs RUNNING; a
// runner finds them at its start and then periodically in its loop (host + pid, or for other
// hosts a heartbeat older than RUNNER_HEARTBEAT_TIMEOUT) and queues them again, or fails them
// after RUNNER_MAX_ATTEMPTS. Deadlocks and lock wait timeouts on the job table are retried
// (db::with_retry in src/model/jobs.cpp).
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "db/db.h"
#include "jobs/command.h"
#include "jobs/spawn.h"
#include "model/jobs.h"

namespace vidjil::runner {

struct Options {
    bool watch = false;
    int max_jobs = 0;         // 0: RUNNER_MAX_JOBS, default number of cores - 1 (at least 1)
    std::string host;         // "": RUNNER_HOST, default the host name
    double poll = 0;          // --watch: seconds between looks at an empty queue (RUNNER_POLL, 2)
};

// How a program ended.
struct Outcome {
    bool timed_out = false;
    int wait_status = 0;
    double seconds = 0;
};

// What the runner knows of itself; shared with the executions of the jobs it holds.
struct Context {
    const Config& cfg;
    db::Connection& db;
    std::string host;
    int pid = 0;
    // Who programs run as (RUNNER_USER) and their limits; when it cannot be used, every job that
    // would start a program fails with sandbox_error.
    jobs::Sandbox sandbox;
    std::string sandbox_error;
};

// One claimed job. start() either returns the program to run, or ends the job itself (an
// import, a job that cannot start, a run that must wait for its pre-process); finish() stores
// the outputs once the program has ended.
class Execution {
public:
    Execution(Context& ctx, model::Job job) : ctx_(ctx), job_(std::move(job)) {}
    virtual ~Execution();
    virtual std::optional<jobs::Invocation> start() = 0;
    virtual void finish(const Outcome& outcome) = 0;
    const model::Job& job() const { return job_; }
    int log_fd() const { return log_fd_; }
    const std::string& tmp_dir() const { return tmp_dir_; }
    const std::string& log_path() const { return log_path_; }
    int64_t time_limit() const { return time_limit_; }

protected:
    void open_log(const std::string& path);
    void note(const std::string& line);          // "# ..." line in the job log
    // Ends the job; `message` is what the user reads as the reason. False if no longer ours.
    bool end(const std::string& status, const std::string& message = "");
    // Before a program starts: the sandbox is usable, `dir` (the job's work directory) is given
    // to its user, and each input it cannot read is replaced by a copy in `dir` (noted in the
    // log). "" when ready, else why the job cannot run.
    std::string prepare_sandbox(const std::string& dir, std::vector<std::string*> inputs);
    Context& ctx_;
    model::Job job_;
    int log_fd_ = -1;
    std::string log_path_;
    int64_t time_limit_ = 0;
    std::string tmp_dir_;
};

std::unique_ptr<Execution> make_process(Context& ctx, model::Job job);
std::unique_ptr<Execution> make_pre_process(Context& ctx, model::Job job);

// Why a program failed, for the user ("exit status 3", "killed by signal 9").
using jobs::describe_exit;

class Runner {
public:
    Runner(const Config& cfg, Options options);
    // Returns the process exit status.
    int run();

private:
    struct Slot {
        std::unique_ptr<Execution> exec;
        pid_t pid = 0;
        double started = 0, deadline = 0, kill_at = 0;
        bool timed_out = false;
        bool cancelled = false;  // no longer held by this runner (vidjil-admin jobs cancel)
        int wait_status = 0;
    };
    void recover();
    int64_t heartbeat_timeout() const;  // RUNNER_HEARTBEAT_TIMEOUT, seconds
    bool holds(int64_t task_id) const;
    bool fill_slots();
    void start_job(model::Job job);
    void reap();
    void finish_pending();
    void enforce_timeouts(double now);
    // Stops the programs of jobs that are no longer this runner's (cancelled by an administrator
    // or re-queued by a recovery): SIGTERM, then SIGKILL after RUNNER_KILL_GRACE.
    void stop_cancelled(double now);
    void finish(Slot& slot, int wait_status);
    void shutdown();
    void wait_event(double seconds);

    const Config& cfg_;
    Options opt_;
    db::Connection db_;
    Context ctx_;
    int max_jobs_ = 1;
    std::map<pid_t, Slot> slots_;
    std::vector<Slot> pending_;  // programs that ended, rows not written yet
    bool stop_ = false;
};

}  // namespace vidjil::runner
