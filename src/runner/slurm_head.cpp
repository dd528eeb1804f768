// vidjil-runner's Slurm head (RUNNER_BACKEND = slurm): claims queued jobs, submits them with
// sbatch, watches them with squeue/sacct and settles every way they can end (see slurm.h).
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

// --- the head runner --------------------------------------------------------------------------

namespace {

class Head {
public:
    Head(const Config& cfg, const Options& opt)
        : cfg_(cfg), opt_(opt), s_(slurm_settings(cfg)), db_(db::ConnectOptions::from_config(cfg)) {
        host_ = jobs::runner_host(cfg, opt.host);
        pid_ = static_cast<int>(::getpid());
        if (opt.poll > 0) s_.poll = opt.poll;
    }
    int run();

private:
    void recover();
    bool submit_some();
    bool submit(const model::Job& job);
    void watch();
    void watch_one(const model::SlurmJob& j, const std::map<int64_t, std::array<std::string, 3>>& known, int64_t now);
    std::optional<std::array<std::string, 3>> sacct_state(int64_t id);
    void cancel(int64_t id);
    bool resubmit(const model::SlurmJob& j);
    void settle(const model::SlurmJob& j, const std::string& state, const std::string& reason, const std::string& node);

    const Config& cfg_;
    Options opt_;
    SlurmSettings s_;
    db::Connection db_;
    std::string host_;
    int pid_ = 0;
    bool stop_ = false;
    bool slurm_down_ = false;
    double submit_pause_until_ = 0;
};

void Head::recover() {
    // Claimed by an earlier head on this host that died before sbatch answered: queued again.
    int attempts = static_cast<int>(cfg_.get_int("RUNNER_MAX_ATTEMPTS", 2));
    for (const model::Job& j : model::running_jobs(db_)) {
        if (j.host != host_ || (j.pid && *j.pid == pid_)) continue;
        if (model::slurm_managed(db_, j.task_id)) continue;
        if (is_live_runner(j.pid.value_or(0))) continue;
        model::recover_job(db_, j, attempts, "the head runner on " + j.host + " stopped before the job was handed to Slurm");
    }
    model::requeue_stale_waiting(db_);
}

bool Head::submit(const model::Job& job) {
    std::optional<int64_t> mem, seconds;
    if (job.config_id) {
        model::SlurmLimits l = model::slurm_limits(db_, *job.config_id);
        mem = l.memory_mb;
        seconds = l.time_seconds;
    }
    int64_t mb = mem.value_or(s_.default_mem_mb);
    int64_t minutes;
    if (seconds) minutes = (*seconds + 59) / 60 + 1;  // the step stops it at the exact limit; Slurm is the backstop
    else if (s_.default_minutes) minutes = *s_.default_minutes;
    else minutes = (cfg_.get_int("JOB_TIMEOUT", 86400) + 59) / 60 + 1;
    std::vector<std::string> argv = sbatch_argv(s_, job.task_id, mb, minutes);
    double t0 = monotonic();
    Captured c = run_capture(argv, batch_script(s_, job.task_id), 60);
    std::optional<int64_t> id = c.status == 0 ? parse_sbatch_id(c.out) : std::nullopt;
    if (!id) {
        std::string why = text::trim(c.err.empty() ? c.out : c.err);
        log::error("job " + std::to_string(job.task_id) + ": sbatch failed: " + why);
        model::end_job(db_, job.task_id, host_, pid_, jobs::QUEUED,
                       "Slurm did not accept the job (sbatch: " + why.substr(0, 300) + "); queued again");
        submit_pause_until_ = monotonic() + std::max(10.0, s_.poll);
        return false;
    }
    if (!db::with_retry(db_, [&] { return model::slurm_submitted(db_, job.task_id, host_, pid_, *id, mb, minutes); })) {
        cancel(*id);  // the job was taken from us meanwhile
        return false;
    }
    log::info("job " + std::to_string(job.task_id) + " (" + job.kind + ") submitted to Slurm as job " +
              std::to_string(*id) + " in " + std::to_string(static_cast<int>((monotonic() - t0) * 1000)) + " ms");
    return true;
}

bool Head::submit_some() {
    if (monotonic() < submit_pause_until_) return false;
    bool any = false;
    int64_t active = model::slurm_active_count(db_);
    while (!stop_ && active < s_.max_jobs) {
        auto job = model::claim_job(db_, host_, pid_, 1, std::time(nullptr));
        if (!job) break;
        any = true;
        if (!submit(*job)) break;
        ++active;
    }
    return any;
}

void Head::cancel(int64_t id) {
    Captured c = run_capture({s_.scancel, std::to_string(id)}, "", 30);
    if (c.status != 0) log::warn("scancel " + std::to_string(id) + " failed: " + text::trim(c.err));
}

std::optional<std::array<std::string, 3>> Head::sacct_state(int64_t id) {
    if (s_.sacct.empty()) return std::nullopt;
    Captured c = run_capture({s_.sacct, "-n", "-P", "-X", "-j", std::to_string(id), "-o", "State,Reason,NodeList"}, "", 30);
    if (c.status != 0) return std::nullopt;
    for (const std::string& line : text::split(c.out, '\n')) {
        auto f = text::split(text::trim(line), '|');
        if (f.size() < 3 || f[0].empty()) continue;
        std::string state = text::split(f[0], ' ')[0];  // "CANCELLED by 0"
        return std::array<std::string, 3>{state, f[1], f[2]};
    }
    return std::nullopt;
}

bool Head::resubmit(const model::SlurmJob& j) {
    auto job = model::job_by_task(db_, j.task_id);
    if (!job) return false;
    std::vector<std::string> argv =
        sbatch_argv(s_, j.task_id, j.memory_mb.value_or(s_.default_mem_mb), j.time_minutes.value_or(60));
    Captured c = run_capture(argv, batch_script(s_, j.task_id), 60);
    auto id = c.status == 0 ? parse_sbatch_id(c.out) : std::nullopt;
    if (!id) return false;
    if (!db::with_retry(db_, [&] { return model::slurm_resubmitted(db_, j.task_id, j.slurm_job_id, *id, host_, pid_); })) {
        cancel(*id);
        return false;
    }
    log::info("job " + std::to_string(j.task_id) + ": preempted in Slurm (job " + std::to_string(j.slurm_job_id) +
              "), submitted again as job " + std::to_string(*id));
    return true;
}

void Head::settle(const model::SlurmJob& j, const std::string& state, const std::string& reason, const std::string& node) {
    std::string output = read_tail(s_.output_dir + "/slurm-" + std::to_string(j.slurm_job_id) + ".out", 16384);
    Settlement st = settle_state(state, reason, j.slurm_job_id, node.empty() ? j.node : node, j.memory_mb,
                                 j.time_minutes, output);
    if (state == "PREEMPTED") {
        if (j.requeues < s_.max_requeues && resubmit(j)) return;
        st = {jobs::FAILED, "the job was preempted in Slurm " + std::to_string(j.requeues + 1) + " time(s)" +
                                " (Slurm job " + std::to_string(j.slurm_job_id) + ")"};
    }
    if (st.status.empty()) return;
    if (db::with_retry(db_, [&] { return model::slurm_settle(db_, j.task_id, j.slurm_job_id, st.status, st.message); })) {
        log::warn("job " + std::to_string(j.task_id) + " " + st.status + ": " + st.message);
        // The step may have left a note-less log: say why in the job log too.
        if (auto job = model::job_by_task(db_, j.task_id); job && !job->log_path.empty()) {
            int fd = ::open(job->log_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
            if (fd >= 0) {
                log_line(fd, "# " + st.status + ": " + st.message);
                ::close(fd);
            }
        }
    }
    model::slurm_unwatch(db_, j.task_id);
}

void Head::watch_one(const model::SlurmJob& j, const std::map<int64_t, std::array<std::string, 3>>& known, int64_t now) {
    auto it = known.find(j.slurm_job_id);
    std::optional<std::array<std::string, 3>> st;
    if (it != known.end()) st = it->second;
    bool deleted = j.status.empty() || j.result_deleted || j.file_deleted;
    if (deleted) {
        if (!st || is_active_state((*st)[0])) cancel(j.slurm_job_id);
        if (!j.status.empty())
            db::with_retry(db_, [&] {
                return model::slurm_settle(db_, j.task_id, j.slurm_job_id, jobs::FAILED,
                                           std::string(j.result_deleted ? "the result" : "the sequence file") +
                                               " was deleted; Slurm job " + std::to_string(j.slurm_job_id) +
                                               " cancelled");
            });
        log::info("job " + std::to_string(j.task_id) + " deleted in the web interface: Slurm job " +
                  std::to_string(j.slurm_job_id) + " cancelled");
        model::slurm_unwatch(db_, j.task_id);
        return;
    }
    if (j.status != "ASSIGNED" && j.status != jobs::RUNNING) {
        // Ended by the batch step (or by an administrator): nothing more to watch. The step's
        // own output is kept only when something went wrong.
        if (j.status == jobs::COMPLETED)
            ::unlink((s_.output_dir + "/slurm-" + std::to_string(j.slurm_job_id) + ".out").c_str());
        model::slurm_unwatch(db_, j.task_id);
        return;
    }
    if (!st) st = sacct_state(j.slurm_job_id);
    if (!st) {
        if (!j.missing_since) return model::slurm_set_missing(db_, j.task_id, now);
        if (now - *j.missing_since < s_.missing_grace) return;
        settle(j, "UNKNOWN", "", "");
        return;
    }
    const auto& [state, reason, node] = *st;
    if (is_active_state(state)) {
        if (state != j.state || reason != j.reason || node != j.node || j.missing_since)
            db::with_retry(db_, [&] { model::slurm_update_state(db_, j.task_id, state, reason, node); });
        return;
    }
    settle(j, state, reason, node);
}

void Head::watch() {
    std::vector<model::SlurmJob> watched = model::slurm_watched(db_);
    if (watched.empty()) return;
    Captured c = run_capture({s_.squeue, "-h", "--me", "-t", "all", "-o", "%i|%T|%r|%N"}, "", 30);
    if (c.status != 0) {
        if (!slurm_down_) log::error("squeue failed, Slurm unreachable? " + text::trim(c.err) + " (jobs left as they are)");
        slurm_down_ = true;
        return;
    }
    if (slurm_down_) log::info("Slurm reachable again");
    slurm_down_ = false;
    std::map<int64_t, std::array<std::string, 3>> known;
    for (const std::string& line : text::split(c.out, '\n')) {
        auto f = text::split(text::trim(line), '|');
        if (f.size() < 4) continue;
        auto id = text::parse_int(f[0]);
        if (id) known[*id] = {f[1], f[2], f[3]};
    }
    int64_t now = std::time(nullptr);
    for (const model::SlurmJob& j : watched) {
        try {
            watch_one(j, known, now);
        } catch (const db::Unavailable&) {
            throw;
        } catch (const db::Error& e) {
            log::error("job " + std::to_string(j.task_id) + ": " + e.what() + " (looked at again later)");
        }
    }
}

int Head::run() {
    std::string why = check_shared_dirs(cfg_);
    if (!why.empty()) {
        log::error(why);
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    for (int sg : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, sg);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    log::info("runner on " + host_ + " (pid " + std::to_string(pid_) + "), Slurm backend" +
              (s_.partition.empty() ? "" : ", partition " + s_.partition) + (opt_.watch ? ", watching" : ""));
    double heartbeat_every = static_cast<double>(cfg_.get_int("RUNNER_HEARTBEAT", 10));
    double last_heartbeat = -1e9, last_recover = -1e9;
    double db_delay = 0;
    for (;;) {
        double now = monotonic();
        bool submitted = false;
        try {
            db_.ensure();
            if (now - last_recover >= 60) {
                recover();
                last_recover = now;
            }
            if (now - last_heartbeat >= heartbeat_every) {
                model::heartbeat(db_, host_, pid_, std::time(nullptr));
                last_heartbeat = now;
            }
            watch();
            if (!stop_) submitted = submit_some();
            db_delay = 0;
        } catch (const db::Unavailable& e) {
            db_delay = db_delay == 0 ? 1 : std::min(db_delay * 2, 30.0);
            log::error(std::string("database unavailable: ") + e.what());
            last_recover = -1e9;
        } catch (const db::Error& e) {
            // A deadlock that outlived its retries, or a transient refusal: next round.
            log::error(std::string("database error: ") + e.what() + " (trying again at the next look)");
        }
        if (stop_) return 0;
        if (!opt_.watch && !submitted && db_delay == 0) {
            bool left = false;
            try {
                left = !model::slurm_watched(db_).empty();
            } catch (const db::Unavailable&) {
                left = true;
            }
            if (!left) return 0;
        }
        if (submitted) continue;
        double wait = db_delay > 0 ? db_delay : s_.poll;
        timespec ts{static_cast<time_t>(wait), static_cast<long>((wait - std::floor(wait)) * 1e9)};
        int sig = sigtimedwait(&set, nullptr, &ts);
        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
            log::info("signal " + std::to_string(sig) + ": stopping (the jobs handed to Slurm go on)");
            stop_ = true;
        }
    }
}

}  // namespace

int run_slurm_head(const Config& cfg, const Options& opt) {
    Head h(cfg, opt);
    return h.run();
}

}  // namespace vidjil::runner
