// The Slurm batch step: vidjil-runner on a compute node runs one job with the local code
// (see slurm.h).
#include "runner/slurm.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include "jobs/command.h"
#include "jobs/hosts.h"
#include "jobs/paths.h"
#include "jobs/status.h"
#include "model/jobs.h"
#include "model/results.h"
#include "model/slurm_jobs.h"
#include "runner/child.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::runner {

// --- the batch step ---------------------------------------------------------------------------

int run_slurm_job(const Config& cfg, int64_t task_id) {
    const char* sid = std::getenv("SLURM_JOB_ID");
    auto slurm_id = sid ? text::parse_int(sid) : std::nullopt;
    if (!slurm_id) {
        log::error("--run-job runs a job inside its Slurm batch job (SLURM_JOB_ID is not set)");
        return 2;
    }
    const char* node = std::getenv("SLURMD_NODENAME");
    std::string host = node && *node ? node : jobs::machine_name();
    int pid = static_cast<int>(::getpid());
    sigset_t set;
    sigemptyset(&set);
    for (int sg : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGCONT}) sigaddset(&set, sg);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    db::Connection db(db::ConnectOptions::from_config(cfg));
    Context ctx{cfg, db, host, pid, {}, ""};
    try {
        ctx.sandbox = jobs::sandbox_from_config(cfg);
    } catch (const jobs::CommandError& e) {
        ctx.sandbox_error = e.what();
    }
    auto job = db::with_retry(db, [&] { return model::slurm_take(db, task_id, *slurm_id, host, pid, std::time(nullptr)); });
    if (!job) {
        log::warn("job " + std::to_string(task_id) + " is no longer handed to Slurm job " + std::to_string(*slurm_id) +
                  " (ended, cancelled or deleted): nothing to do");
        return 0;
    }
    log::info("job " + std::to_string(task_id) + " (" + job->kind + ") runs on " + host + " in Slurm job " +
              std::to_string(*slurm_id));
    std::unique_ptr<Execution> exec = job->kind == jobs::TASK_PRE_PROCESS ? make_pre_process(ctx, std::move(*job))
                                                                           : make_process(ctx, std::move(*job));
    std::optional<jobs::Invocation> inv;
    try {
        inv = exec->start();
    } catch (const db::Unavailable&) {
        throw;
    } catch (const std::exception& e) {
        model::end_job(db, task_id, host, pid, jobs::FAILED, std::string("the runner could not start the job: ") + e.what());
        return 1;
    }
    if (!inv) return 0;  // ended already (import, failure, waiting for a pre-process)
    pid_t child = 0;
    try {
        child = spawn(*inv, exec->log_fd(), exec->tmp_dir().empty() ? cfg.get("DIR_TMP", "/tmp") : exec->tmp_dir(),
                      ctx.sandbox);
    } catch (const std::exception&) {
        exec->finish(Outcome{false, 127 << 8, 0});
        return 1;
    }
    try {
        model::set_child_pid(db, task_id, static_cast<int>(child), exec->log_path());
    } catch (const db::Error& e) {
        log::warn(std::string("job ") + std::to_string(task_id) + ": the program's pid is not recorded: " + e.what());
    }
    double started = monotonic();
    double deadline = started + static_cast<double>(exec->time_limit());
    double grace = static_cast<double>(cfg.get_int("RUNNER_KILL_GRACE", 10));
    double heartbeat_every = static_cast<double>(cfg.get_int("RUNNER_HEARTBEAT", 10)), last_heartbeat = started;
    bool timed_out = false, stopped = false;
    double kill_at = 0;
    int status = 0;
    for (;;) {
        pid_t w = ::waitpid(child, &status, WNOHANG);
        if (w == child) break;
        double now = monotonic();
        if (!timed_out && !stopped && now >= deadline) {
            timed_out = true;
            kill_at = now + grace;
            signal_group(child, SIGTERM);
        }
        if (kill_at > 0 && now >= kill_at) {
            signal_group(child, SIGKILL);
            kill_at = 0;
        }
        if (now - last_heartbeat >= heartbeat_every) {
            try {
                db.ensure();
                db::with_retry(db, [&] { model::slurm_step_heartbeat(db, task_id, host, pid, std::time(nullptr)); });
            } catch (const db::Error& e) {
                log::warn(std::string("heartbeat: ") + e.what());
            }
            last_heartbeat = now;
        }
        timespec ts{1, 0};
        int sig = sigtimedwait(&set, nullptr, &ts);
        if ((sig == SIGTERM || sig == SIGINT || sig == SIGHUP) && !stopped) {
            // Slurm stops the step (scancel, time limit, preemption): the program ends with it,
            // and the head runner records why from Slurm's state.
            log::warn("job " + std::to_string(task_id) + ": signal " + std::to_string(sig) +
                      " from Slurm, stopping the program");
            stopped = true;
            signal_group(child, SIGTERM);
            kill_at = monotonic() + std::min(grace, 2.0);
        }
    }
    if (!stopped && !timed_out && WIFSIGNALED(status)) {
        // Slurm signals every process of the step at once (scancel, time limit): the program
        // may end before this process takes its own SIGTERM. Wait a moment for it.
        timespec ts{3, 0};
        int sig = sigtimedwait(&set, nullptr, &ts);
        while (sig == SIGCHLD) sig = sigtimedwait(&set, nullptr, &ts);
        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) stopped = true;
    }
    if (stopped) {
        log::warn("job " + std::to_string(task_id) + ": stopped by Slurm; the head runner records why");
        return 143;
    }
    Outcome out{timed_out, status, monotonic() - started};
    // The rows are written even after a short database outage.
    double patience_until = monotonic() + static_cast<double>(cfg.get_int("RUNNER_DB_RETRY", 300));
    for (double delay = 1;; delay = std::min(delay * 2, 30.0)) {
        try {
            db.ensure();
            exec->finish(out);
            return 0;
        } catch (const db::Unavailable& e) {
            if (monotonic() > patience_until) {
                log::error(std::string("giving up: database unavailable: ") + e.what());
                return 1;
            }
            std::this_thread::sleep_for(std::chrono::duration<double>(delay));
        } catch (const std::exception& e) {
            log::error("job " + std::to_string(task_id) + ": " + e.what());
            model::end_job(db, task_id, host, pid, jobs::FAILED, std::string("the results could not be stored: ") + e.what());
            return 1;
        }
    }
}

int run_slurm_script(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        log::error("cannot read the batch script " + path);
        return 2;
    }
    std::ostringstream s;
    s << in.rdbuf();
    auto [task, conf] = read_batch_script(s.str());
    Config cfg = conf.empty() ? Config::load() : Config::from_file(conf);
    cfg.validate();
    return run_slurm_job(cfg, task);
}

}  // namespace vidjil::runner
