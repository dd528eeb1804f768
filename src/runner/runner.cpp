// The runner's main loop: recovery, claims, children, timeouts, heartbeats (see runner.h).
#include "runner/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>

#include "jobs/hosts.h"
#include "jobs/paths.h"
#include "jobs/result_cache.h"
#include "jobs/status.h"
#include "model/slurm_jobs.h"
#include "runner/child.h"
#include "util/fs.h"
#include "util/log.h"

namespace vidjil::runner {

namespace {


int default_max_jobs() {
    long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 2 ? static_cast<int>(cores - 1) : 1;
}

}  // namespace

Execution::~Execution() {
    if (log_fd_ >= 0) ::close(log_fd_);
}

void Execution::open_log(const std::string& path) {
    if (log_fd_ >= 0) ::close(log_fd_);
    log_path_ = path;
    log_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd_ < 0) throw std::runtime_error("cannot create the job log " + path);
}

void Execution::note(const std::string& line) {
    char when[32];
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &local);
    if (log_fd_ >= 0) log_line(log_fd_, std::string("# ") + when + " " + line);
}

bool Execution::end(const std::string& status, const std::string& message) {
    if (!message.empty()) note(status + ": " + message);
    else note(status);
    bool mine = model::end_job(ctx_.db, job_.task_id, ctx_.host, ctx_.pid, status, message);
    log::info("job " + std::to_string(job_.task_id) + " (" + job_.kind + ") " + status +
              (message.empty() ? "" : ": " + message) + (mine ? "" : " [no longer held by this runner]"));
    return mine;
}

std::string Execution::prepare_sandbox(const std::string& dir, std::vector<std::string*> inputs) {
    const jobs::Sandbox& sb = ctx_.sandbox;
    if (!ctx_.sandbox_error.empty()) return ctx_.sandbox_error;
    tmp_dir_ = dir;
    if (!sb.drop) return "";
    try {
        // The runner's own directories between DIR_WORK and the job's become searchable (not
        // readable) by others, so that RUNNER_USER reaches its job directory.
        std::string root = jobs::work_root(ctx_.cfg);
        for (std::string d = fs::dirname(dir); d.size() >= root.size() && d != "/"; d = fs::dirname(d)) {
            struct stat st {};
            if (::stat(d.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH)) ::chmod(d.c_str(), (st.st_mode & 07777) | S_IXOTH);
            if (d == root) break;
        }
        jobs::hand_over(sb, dir);
    } catch (const std::exception& e) {
        return e.what();
    }
    if (!jobs::user_can_access(sb, dir, W_OK | X_OK))
        return "RUNNER_USER " + sb.user + " cannot use the work directory " + dir +
               " (every parent directory must be searchable by that user)";
    for (size_t k = 0; k < inputs.size(); ++k) {
        std::string* input = inputs[k];
        if (input->empty() || jobs::user_can_access(sb, *input, R_OK)) continue;
        // Same file name: programs record it (vidjil-algo's original_names, which get_data matches).
        std::string copy_dir = dir + "/input-" + std::to_string(k + 1);
        std::string copy = copy_dir + "/" + fs::basename(*input);
        try {
            fs::mkdirs(copy_dir);
            copy_atomic(*input, copy);
            jobs::hand_over(sb, copy_dir);
        } catch (const std::exception& e) {
            return std::string("the input could not be copied for RUNNER_USER: ") + e.what();
        }
        note("RUNNER_USER " + sb.user + " cannot read " + *input + ": the program reads a copy (give that user read "
             "access to DIR_SEQUENCES to avoid copies)");
        *input = copy;
    }
    return "";
}

Runner::Runner(const Config& cfg, Options options)
    : cfg_(cfg), opt_(std::move(options)), db_(db::ConnectOptions::from_config(cfg)), ctx_{cfg_, db_, "", 0, {}, ""} {
    ctx_.host = jobs::runner_host(cfg, opt_.host);
    ctx_.pid = static_cast<int>(::getpid());
    max_jobs_ = opt_.max_jobs > 0 ? opt_.max_jobs : static_cast<int>(cfg.get_int("RUNNER_MAX_JOBS", default_max_jobs()));
    if (max_jobs_ < 1) max_jobs_ = 1;
    if (opt_.poll <= 0) opt_.poll = static_cast<double>(cfg.get_int("RUNNER_POLL", 2));
    try {
        ctx_.sandbox = jobs::sandbox_from_config(cfg);
    } catch (const jobs::CommandError& e) {
        ctx_.sandbox_error = e.what();
        log::error(std::string("no program can run: ") + e.what());
    }
}

void Runner::recover() {
    int64_t now = std::time(nullptr);
    int64_t stale = heartbeat_timeout();
    int attempts = static_cast<int>(cfg_.get_int("RUNNER_MAX_ATTEMPTS", 2));
    for (const model::Job& j : model::running_jobs(db_)) {
        if (model::slurm_managed(db_, j.task_id)) continue;  // watched by the Slurm head runner (slurm.h)
        std::string why;
        if (j.host == ctx_.host && j.pid && *j.pid == ctx_.pid) {
            if (holds(j.task_id)) continue;
            // Claimed, then lost to a database error before its program could be started.
            why = "the runner lost track of the job after a database error";
        } else if (j.host == ctx_.host) {
            if (!is_live_runner(j.pid.value_or(0)))
                why = "the runner on " + j.host + " (pid " + std::to_string(j.pid.value_or(0)) + ") stopped while the job ran";
        } else if (!j.heartbeat || now - *j.heartbeat > stale) {
            why = "no news from the runner on " + j.host + " for more than " + std::to_string(stale) + " s";
        }
        if (why.empty()) continue;
        std::string status = model::recover_job(db_, j, attempts, why);
        if (!status.empty()) log::warn("job " + std::to_string(j.task_id) + ": " + why + " -> " + status);
    }
    model::requeue_stale_waiting(db_);
}

int64_t Runner::heartbeat_timeout() const {
    return jobs::heartbeat_timeout(cfg_);
}

bool Runner::holds(int64_t task_id) const {
    for (const auto& [pid, slot] : slots_)
        if (slot.exec->job().task_id == task_id) return true;
    for (const Slot& slot : pending_)
        if (slot.exec->job().task_id == task_id) return true;
    return false;
}

void Runner::start_job(model::Job job) {
    std::unique_ptr<Execution> exec = job.kind == jobs::TASK_PRE_PROCESS ? make_pre_process(ctx_, std::move(job))
                                                                          : make_process(ctx_, std::move(job));
    std::optional<jobs::Invocation> inv = exec->start();
    if (!inv) return;  // already ended (import, failure, waiting)
    pid_t pid = 0;
    try {
        pid = spawn(*inv, exec->log_fd(), exec->tmp_dir().empty() ? cfg_.get("DIR_TMP", "/tmp") : exec->tmp_dir(),
                    ctx_.sandbox);
    } catch (const std::exception& e) {
        exec->finish(Outcome{false, 127 << 8, 0});
        return;
    }
    model::set_child_pid(db_, exec->job().task_id, static_cast<int>(pid), exec->log_path());
    Slot slot;
    slot.started = monotonic();
    slot.deadline = slot.started + static_cast<double>(exec->time_limit());
    slot.pid = pid;
    slot.exec = std::move(exec);
    slots_.emplace(pid, std::move(slot));
}

bool Runner::fill_slots() {
    bool claimed = false;
    while (!stop_ && static_cast<int>(slots_.size()) < max_jobs_) {
        auto job = model::claim_job(db_, ctx_.host, ctx_.pid, max_jobs_, std::time(nullptr));
        if (!job) break;
        claimed = true;
        log::info("job " + std::to_string(job->task_id) + " (" + job->kind + ") claimed on " + ctx_.host);
        try {
            start_job(std::move(*job));
        } catch (const db::Unavailable&) {
            throw;
        } catch (const std::exception& e) {
            // A bug or an unexpected state: the job must not stay RUNNING for nothing.
            log::error("job " + std::to_string(job->task_id) + ": " + e.what());
            model::end_job(db_, job->task_id, ctx_.host, ctx_.pid, jobs::FAILED,
                           std::string("the runner could not start the job: ") + e.what());
        }
    }
    return claimed;
}

void Runner::finish(Slot& slot, int wait_status) {
    Outcome out{slot.timed_out, wait_status, monotonic() - slot.started};
    try {
        slot.exec->finish(out);
    } catch (const db::Unavailable&) {
        throw;
    } catch (const std::exception& e) {
        log::error("job " + std::to_string(slot.exec->job().task_id) + ": " + e.what());
        model::end_job(db_, slot.exec->job().task_id, ctx_.host, ctx_.pid, jobs::FAILED,
                       std::string("the results could not be stored: ") + e.what());
    }
}

void Runner::reap() {
    for (;;) {
        int st = 0;
        pid_t pid = ::waitpid(-1, &st, WNOHANG);
        if (pid <= 0) return;
        auto it = slots_.find(pid);
        if (it == slots_.end()) continue;
        // Kept until its rows are written: after a database outage finish() is tried again.
        it->second.wait_status = st;
        pending_.push_back(std::move(it->second));
        slots_.erase(it);
    }
}

void Runner::finish_pending() {
    while (!pending_.empty()) {
        finish(pending_.front(), pending_.front().wait_status);  // a database outage throws: retried later
        pending_.erase(pending_.begin());
    }
}

void Runner::enforce_timeouts(double now) {
    double grace = static_cast<double>(cfg_.get_int("RUNNER_KILL_GRACE", 10));
    for (auto& [pid, slot] : slots_) {
        if (!slot.timed_out && now >= slot.deadline) {
            slot.timed_out = true;
            slot.kill_at = now + grace;
            log::warn("job " + std::to_string(slot.exec->job().task_id) + ": time limit reached, stopping the program");
            signal_group(pid, SIGTERM);
        } else if ((slot.timed_out || slot.cancelled) && slot.kill_at > 0 && now >= slot.kill_at) {
            signal_group(pid, SIGKILL);
            slot.kill_at = 0;
        }
    }
}

void Runner::stop_cancelled(double now) {
    double grace = static_cast<double>(cfg_.get_int("RUNNER_KILL_GRACE", 10));
    for (auto& [pid, slot] : slots_) {
        if (slot.cancelled || slot.timed_out) continue;
        auto j = model::job_by_task(db_, slot.exec->job().task_id);
        if (j && j->status == jobs::RUNNING && j->host == ctx_.host && j->pid == ctx_.pid) continue;
        slot.cancelled = true;
        slot.kill_at = now + grace;
        log::warn("job " + std::to_string(slot.exec->job().task_id) + ": no longer held by this runner (" +
                  (j ? j->status : std::string("deleted")) + "), stopping the program");
        signal_group(pid, SIGTERM);
    }
}

void Runner::shutdown() {
    for (auto& [pid, slot] : slots_) signal_group(pid, SIGTERM);
    double until = monotonic() + 10;
    while (!slots_.empty() && monotonic() < until) {
        int st = 0;
        pid_t pid = ::waitpid(-1, &st, WNOHANG);
        if (pid > 0) {
            auto it = slots_.find(pid);
            if (it != slots_.end()) {
                try {
                    model::end_job(db_, it->second.exec->job().task_id, ctx_.host, ctx_.pid, jobs::QUEUED,
                                   "the runner was stopped while the job ran; queued again");
                } catch (const db::Unavailable&) {
                    // Left RUNNING under this (soon gone) pid: the next runner queues it again.
                }
                slots_.erase(it);
            }
            continue;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (auto& [pid, slot] : slots_) signal_group(pid, SIGKILL);
}

void Runner::wait_event(double seconds) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
    timespec ts{static_cast<time_t>(seconds), static_cast<long>((seconds - std::floor(seconds)) * 1e9)};
    int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
        log::info("signal " + std::to_string(sig) + ": stopping");
        stop_ = true;
    }
}

int Runner::run() {
    // Signals are taken synchronously by wait_event(): a child's end wakes the loop at once.
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    double heartbeat_every = static_cast<double>(cfg_.get_int("RUNNER_HEARTBEAT", 10));
    // Jobs of runners that stopped (here) or went silent (other hosts) are looked for at start,
    // then periodically: a host that died is taken over by the live ones within about
    // RUNNER_HEARTBEAT_TIMEOUT + a quarter of it, without waiting for a runner to start.
    double timeout = static_cast<double>(heartbeat_timeout());
    double recover_every = std::clamp(timeout / 4, 1.0, 60.0);
    if (heartbeat_every * 2 > timeout)
        log::warn("RUNNER_HEARTBEAT (" + std::to_string(static_cast<int>(heartbeat_every)) +
                  " s) should be under half of RUNNER_HEARTBEAT_TIMEOUT (" + std::to_string(static_cast<int>(timeout)) +
                  " s): jobs of live runners on other hosts could be taken over");
    double last_heartbeat = 0, last_recover = -1e9, last_sweep = -1e9;
    // While the database is away: tries after 1, 2, 4... s, at most RUNNER_DB_BACKOFF apart.
    double db_down_since = 0, db_delay = 0, next_db_try = 0;
    double db_patience = static_cast<double>(cfg_.get_int("RUNNER_DB_RETRY", 300));
    double db_backoff = std::max(1.0, static_cast<double>(cfg_.get_int("RUNNER_DB_BACKOFF", 30)));
    log::info("runner on " + ctx_.host + " (pid " + std::to_string(ctx_.pid) + "), at most " +
              std::to_string(max_jobs_) + " job(s) at a time" + (opt_.watch ? ", watching" : ""));
    for (;;) {
        double now = monotonic();
        bool claimed = false;
        // Children are looked after even while the database is away: an ended one waits in
        // pending_ for its rows, and time limits still hold.
        reap();
        enforce_timeouts(now);
        if (now >= next_db_try) {  // on SIGTERM too: results of ended programs are stored first
            try {
                db_.ensure();
                if (now - last_recover >= recover_every) {
                    recover();
                    last_recover = now;
                }
                if (now - last_sweep >= 60) {
                    // get_data cache entries nobody rebuilt for a day (sets deleted, old variants).
                    jobs::sweep_result_cache(cfg_, cfg_.get_int("GET_DATA_CACHE_MAX_AGE", 86400));
                    last_sweep = now;
                }
                finish_pending();
                // Also while idle: admin/clean_workers_status shows each host's last sign of life.
                if (now - last_heartbeat >= heartbeat_every) {
                    model::heartbeat(db_, ctx_.host, ctx_.pid, std::time(nullptr));
                    stop_cancelled(now);
                    last_heartbeat = now;
                }
                claimed = fill_slots();
                if (db_down_since != 0) log::info("database reachable again");
                db_down_since = db_delay = next_db_try = 0;
            } catch (const db::Unavailable& e) {
                if (db_down_since == 0) db_down_since = now;
                db_delay = db_delay == 0 ? 1 : std::min(db_delay * 2, db_backoff);
                next_db_try = now + db_delay;
                last_recover = -1e9;  // once it is back, look for jobs lost meanwhile
                log::error(std::string("database unavailable: ") + e.what() + "; trying again in " +
                           std::to_string(static_cast<int>(db_delay)) + " s");
                if (!opt_.watch && slots_.empty() && now - db_down_since > db_patience) {
                    log::error("giving up: the jobs still held are recovered by the next runner");
                    return 1;
                }
            }
        }
        if (stop_) {
            shutdown();
            return 0;
        }
        if (db_down_since != 0) {
            wait_event(std::clamp(next_db_try - monotonic(), 0.05, 1.0));
            continue;
        }
        if (claimed) continue;  // more may be waiting: look again before sleeping
        if (!opt_.watch && slots_.empty() && pending_.empty()) return 0;
        wait_event(slots_.empty() ? opt_.poll : 1.0);
    }
}

}  // namespace vidjil::runner
