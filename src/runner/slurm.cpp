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

}  // namespace

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

}  // namespace vidjil::runner
