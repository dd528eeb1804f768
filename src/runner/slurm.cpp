// The Slurm backend of vidjil-runner (see slurm.h).
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

extern char** environ;

namespace vidjil::runner {

namespace {


// A command of vidjil.conf, or the one found in PATH.
std::string find_command(const Config& cfg, const std::string& key, const std::string& name) {
    std::string v = cfg.get(key);
    if (!v.empty()) return v;
    const char* path = std::getenv("PATH");
    for (const std::string& dir : text::split(path && *path ? path : "/usr/bin:/bin", ':')) {
        if (dir.empty()) continue;
        std::string p = dir + "/" + name;
        if (::access(p.c_str(), X_OK) == 0) return p;
    }
    return "";
}

std::string self_exe() {
    char buf[PATH_MAX] = {};
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "vidjil-runner";
}

std::string absolute(const std::string& path) {
    char buf[PATH_MAX] = {};
    if (::realpath(path.c_str(), buf)) return buf;
    return path;
}

bool is_active_state(const std::string& s) {
    return s == "PENDING" || s == "CONFIGURING" || s == "RUNNING" || s == "COMPLETING" || s == "SUSPENDED" ||
           s == "REQUEUED" || s == "REQUEUE_FED" || s == "REQUEUE_HOLD" || s == "RESIZING" || s == "SIGNALING" ||
           s == "STAGE_OUT" || s == "STOPPED" || s == "RESV_DEL_HOLD" || s == "SPECIAL_EXIT";
}

std::string read_tail(const std::string& path, size_t max) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    in.seekg(0, std::ios::end);
    auto size = static_cast<size_t>(std::max<std::streamoff>(0, in.tellg()));
    in.seekg(static_cast<std::streamoff>(size > max ? size - max : 0));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

// --- programs --------------------------------------------------------------------------------

Captured run_capture(const std::vector<std::string>& argv, const std::string& input, double timeout) {
    Captured c;
    if (argv.empty()) return c;
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return c;
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]), ::close(in[1]);
        return c;
    }
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
        return c;
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execve(args[0], args.data(), environ);
        const char msg[] = "cannot execute the command\n";
        (void)!::write(2, msg, sizeof msg - 1);
        ::_exit(127);
    }
    ::close(in[0]), ::close(out[1]), ::close(err[1]);
    if (pid < 0) {
        ::close(in[1]), ::close(out[0]), ::close(err[0]);
        return c;
    }
    size_t written = 0;
    if (input.empty()) ::close(in[1]), in[1] = -1;
    double until = monotonic() + timeout;
    bool out_open = true, err_open = true;
    char buf[8192];
    while (out_open || err_open || in[1] >= 0) {
        double left = until - monotonic();
        if (left <= 0) break;
        pollfd fds[3];
        int n = 0;
        int io = -1, oo = -1, eo = -1;
        if (in[1] >= 0) io = n, fds[n++] = {in[1], POLLOUT, 0};
        if (out_open) oo = n, fds[n++] = {out[0], POLLIN, 0};
        if (err_open) eo = n, fds[n++] = {err[0], POLLIN, 0};
        int r = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min(left, 1.0) * 1000) + 1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;
        if (io >= 0 && fds[io].revents) {
            ssize_t w = ::write(in[1], input.data() + written, input.size() - written);
            if (w > 0) written += static_cast<size_t>(w);
            if (w < 0 || written >= input.size()) ::close(in[1]), in[1] = -1;
        }
        auto drain = [&](int idx, int fd, bool& open, std::string& to) {
            if (idx < 0 || !fds[idx].revents) return;
            ssize_t k = ::read(fd, buf, sizeof buf);
            if (k > 0 && to.size() < (1 << 20)) to.append(buf, static_cast<size_t>(k));
            if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN)) open = false;
        };
        drain(oo, out[0], out_open, c.out);
        drain(eo, err[0], err_open, c.err);
    }
    if (in[1] >= 0) ::close(in[1]);
    ::close(out[0]), ::close(err[0]);
    int st = 0;
    for (;;) {
        pid_t w = ::waitpid(pid, &st, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) return c;
        if (monotonic() > until) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &st, 0);
            c.err += "\n(timed out after " + std::to_string(static_cast<int>(timeout)) + " s)";
            return c;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (WIFEXITED(st)) c.status = WEXITSTATUS(st);
    return c;
}

// --- settings, sbatch ------------------------------------------------------------------------

SlurmSettings slurm_settings(const Config& cfg) {
    SlurmSettings s;
    s.sbatch = find_command(cfg, "SLURM_SBATCH", "sbatch");
    s.squeue = find_command(cfg, "SLURM_SQUEUE", "squeue");
    s.sacct = find_command(cfg, "SLURM_SACCT", "sacct");
    s.scancel = find_command(cfg, "SLURM_SCANCEL", "scancel");
    if (s.sbatch.empty() || s.squeue.empty() || s.scancel.empty())
        throw ConfigError("RUNNER_BACKEND = slurm, but sbatch, squeue or scancel is not installed (install "
                          "slurm-client, or set SLURM_SBATCH, SLURM_SQUEUE, SLURM_SCANCEL)");
    s.partition = cfg.get("SLURM_PARTITION");
    s.account = cfg.get("SLURM_ACCOUNT");
    auto plain = [](const std::string& v) {
        for (char ch : v)
            if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.' || ch == ','))
                return false;
        return true;
    };
    if (!plain(s.partition)) throw ConfigError("SLURM_PARTITION may hold letters, digits, '-', '_', '.' and ',' only");
    if (!plain(s.account)) throw ConfigError("SLURM_ACCOUNT may hold letters, digits, '-', '_', '.' and ',' only");
    try {
        s.extra_args = jobs::split_words(cfg.get("SLURM_EXTRA_ARGS"));
    } catch (const std::exception& e) {
        throw ConfigError(std::string("SLURM_EXTRA_ARGS: ") + e.what());
    }
    for (const std::string& a : s.extra_args)
        if (a.empty() || a[0] != '-')
            throw ConfigError("SLURM_EXTRA_ARGS: every word must be an option of sbatch (starting with '-'), not '" + a +
                              "'");
    s.default_mem_mb = cfg.get_int("SLURM_DEFAULT_MEM", 4096);
    if (cfg.has("SLURM_DEFAULT_TIME")) s.default_minutes = cfg.get_int("SLURM_DEFAULT_TIME", 0);
    s.max_jobs = std::max<int64_t>(1, cfg.get_int("SLURM_MAX_JOBS", 1000));
    s.max_requeues = std::max<int64_t>(0, cfg.get_int("SLURM_MAX_REQUEUES", 1));
    s.missing_grace = std::max<int64_t>(0, cfg.get_int("SLURM_MISSING_GRACE", 120));
    s.poll = static_cast<double>(std::max<int64_t>(1, cfg.get_int("SLURM_POLL", 5)));
    s.runner = cfg.get("SLURM_RUNNER", self_exe());
    s.conf = absolute(cfg.origin());
    s.output_dir = jobs::work_root(cfg) + "/slurm";
    if (s.runner.find_first_of(" \t\n") != std::string::npos || s.runner.size() > 200)
        throw ConfigError("SLURM_RUNNER must be the path of vidjil-runner on the nodes, without blanks, at most 200 "
                          "characters");
    return s;
}

std::vector<std::string> sbatch_argv(const SlurmSettings& s, int64_t task, int64_t mem, int64_t minutes) {
    std::vector<std::string> a = {s.sbatch,
                                  "--parsable",
                                  "--job-name=vidjil-" + std::to_string(task),
                                  "--no-requeue",
                                  "--chdir=" + s.output_dir,
                                  "--output=" + s.output_dir + "/slurm-%j.out",
                                  "--ntasks=1",
                                  "--mem=" + std::to_string(std::max<int64_t>(1, mem)),
                                  "--time=" + std::to_string(std::max<int64_t>(1, minutes))};
    if (!s.partition.empty()) a.push_back("--partition=" + s.partition);
    if (!s.account.empty()) a.push_back("--account=" + s.account);
    a.insert(a.end(), s.extra_args.begin(), s.extra_args.end());
    return a;
}

std::string batch_script(const SlurmSettings& s, int64_t task) {
    return "#!" + s.runner + " --slurm-script\n"
           "# vidjil-runner batch step: the kernel starts vidjil-runner with this file; no shell reads it.\n"
           "task=" + std::to_string(task) + "\n"
           "conf=" + s.conf + "\n";
}

std::pair<int64_t, std::string> read_batch_script(const std::string& text) {
    int64_t task = 0;
    std::string conf;
    for (const std::string& line : text::split(text, '\n')) {
        if (text::starts_with(line, "task=")) task = text::parse_int(line.substr(5)).value_or(0);
        if (text::starts_with(line, "conf=")) conf = line.substr(5);
    }
    if (task <= 0) throw std::runtime_error("the batch script names no task (task=ID)");
    return {task, conf};
}

std::optional<int64_t> parse_sbatch_id(const std::string& out) {
    std::string s = text::trim(out);
    size_t end = s.find_first_not_of("0123456789");
    std::string digits = s.substr(0, end);
    if (digits.empty() || (end != std::string::npos && s[end] != ';')) return std::nullopt;
    return text::parse_int(digits);
}

Settlement settle_state(const std::string& state, const std::string& reason, int64_t id, const std::string& node,
                        std::optional<int64_t> mem, std::optional<int64_t> minutes, const std::string& output) {
    std::string job = " (Slurm job " + std::to_string(id) + (node.empty() ? "" : " on " + node) + ")";
    bool over_memory = state == "OUT_OF_MEMORY" || output.find("exceeded memory limit") != std::string::npos ||
                       output.find("Exceeded job memory limit") != std::string::npos ||
                       output.find("oom-kill") != std::string::npos;
    if (over_memory)
        return {jobs::FAILED, "Slurm stopped the job: it used more memory than its limit" +
                                  (mem ? " of " + std::to_string(*mem) + " MB" : std::string()) + job};
    if (state == "TIMEOUT" || state == "DEADLINE")
        return {jobs::TIMEOUT, "Slurm stopped the job at its time limit" +
                                   (minutes ? " of " + std::to_string(*minutes) + " min" : std::string()) + job};
    if (state == "CANCELLED")
        return {jobs::FAILED, "the job was cancelled in Slurm" + job};
    if (state == "NODE_FAIL") return {jobs::FAILED, "the Slurm node failed while the job ran" + job};
    if (state == "BOOT_FAIL") return {jobs::FAILED, "Slurm could not boot a node for the job" + job};
    if (state == "PREEMPTED") return {"", "preempted" + job};
    if (state == "UNKNOWN")
        return {jobs::FAILED, "Slurm no longer knows the job" + job +
                                  ": its batch step ended without reporting a result, or slurmctld lost its state"};
    if (state == "COMPLETED" || state == "FAILED")
        return {jobs::FAILED, "the batch step ended without reporting a result" +
                                  (reason.empty() || reason == "None" ? std::string() : " (" + reason + ")") + job +
                                  ": see the step's output slurm-" + std::to_string(id) + ".out in DIR_WORK/slurm"};
    if (is_active_state(state)) return {"", ""};
    return {jobs::FAILED, "Slurm ended the job in state " + state + job};
}

std::string check_shared_dirs(const Config& cfg) {
    std::vector<std::pair<std::string, std::string>> dirs = {{"DIR_RESULTS", jobs::results_dir(cfg)},
                                                             {"DIR_SEQUENCES", jobs::sequences_dir(cfg)},
                                                             {"DIR_WORK", jobs::work_root(cfg)}};
    for (const auto& [key, dir] : dirs) {
        try {
            if (key == "DIR_WORK") fs::mkdirs(dir + "/slurm");
        } catch (const std::exception& e) {
            return key + " (" + dir + "): " + e.what();
        }
        std::string probe = dir + "/.vidjil-runner-probe-" + std::to_string(::getpid());
        int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            return "cannot write in " + key + " (" + dir + "): " + std::strerror(errno) +
                   ". With RUNNER_BACKEND = slurm this directory must be shared with the compute nodes and writable "
                   "by the runner (README.Debian, Slurm)";
        ::close(fd);
        ::unlink(probe.c_str());
    }
    return "";
}

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
