// Program processes of jobs (see spawn.h).
#include "jobs/spawn.h"

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "config.h"

namespace vidjil::jobs {

namespace {

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void child_fail(int log_fd, const char* what, const char* arg) {
    const char* err = std::strerror(errno);
    for (const char* part : {"# vidjil-runner: cannot ", what, " ", arg, ": ", err, "\n"})
        if (::write(log_fd, part, std::strlen(part)) < 0) break;
    _exit(127);
}

// Becomes the sandbox user (groups first, then gid, then uid: each needs the previous rights).
bool become(const Sandbox& sb) {
    if (!sb.drop) return true;
    if (::setgroups(sb.groups.size(), sb.groups.data()) != 0) return false;
    if (::setresgid(sb.gid, sb.gid, sb.gid) != 0) return false;
    if (::setresuid(sb.uid, sb.uid, sb.uid) != 0) return false;
    return ::geteuid() == sb.uid && ::getuid() == sb.uid;
}

bool set_limit(int resource, long long value, long long extra_hard = 0) {
    if (value <= 0) return true;
    struct rlimit rl {};
    rl.rlim_cur = static_cast<rlim_t>(value);
    rl.rlim_max = static_cast<rlim_t>(value + extra_hard);
    return ::setrlimit(resource, &rl) == 0;
}

bool apply_limits(const Sandbox& sb) {
    // CPU: SIGXCPU at the soft limit, SIGKILL 5 s later.
    return set_limit(RLIMIT_CPU, sb.cpu_seconds, 5) && set_limit(RLIMIT_AS, sb.address_space) &&
           set_limit(RLIMIT_FSIZE, sb.file_size) && set_limit(RLIMIT_NPROC, sb.processes);
}

long long limit_key(const Config& cfg, const char* key, long long fallback) {
    long long v = cfg.get_int(key, fallback);
    return v < 0 ? 0 : v;
}

}  // namespace

Sandbox sandbox_from_config(const Config& cfg) {
    Sandbox sb;
    sb.cpu_seconds = limit_key(cfg, "RUNNER_LIMIT_CPU", 172800);
    sb.address_space = limit_key(cfg, "RUNNER_LIMIT_AS", 64LL << 30);
    sb.file_size = limit_key(cfg, "RUNNER_LIMIT_FSIZE", 200LL << 30);
    sb.processes = limit_key(cfg, "RUNNER_LIMIT_NPROC", 512);
    std::string name = cfg.get("RUNNER_USER");
    // Not root: programs run as the caller (the runner's user, or the endpoint's when a results
    // page re-fuses a set); it cannot become anyone else anyway.
    if (::geteuid() != 0) return sb;
    if (name.empty())
        throw CommandError("programs are never run as root: set RUNNER_USER in vidjil.conf to the (unprivileged) "
                           "user they run as");
    std::vector<char> buf(16384);
    struct passwd pw {}, *found = nullptr;
    if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found)
        throw CommandError("RUNNER_USER '" + name + "' (vidjil.conf) is not a user of this host");
    if (found->pw_uid == 0) throw CommandError("RUNNER_USER must not be root: programs are never run as root");
    sb.drop = true;
    sb.user = name;
    sb.uid = found->pw_uid;
    sb.gid = found->pw_gid;
    int n = 64;
    sb.groups.resize(static_cast<size_t>(n));
    if (::getgrouplist(name.c_str(), sb.gid, sb.groups.data(), &n) < 0) {
        sb.groups.resize(static_cast<size_t>(n));
        ::getgrouplist(name.c_str(), sb.gid, sb.groups.data(), &n);
    }
    sb.groups.resize(static_cast<size_t>(n));
    return sb;
}

pid_t spawn(const Invocation& inv, int log_fd, const std::string& tmpdir, const Sandbox& sandbox) {
    if (inv.argv.empty()) throw std::runtime_error("empty command");
    // Everything the child needs is prepared before fork.
    std::vector<std::string> env_strings = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
                                            "HOME=" + inv.cwd, "TMPDIR=" + tmpdir};
    std::vector<char*> argv, envp;
    for (const auto& a : inv.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("cannot fork: ") + std::strerror(errno));
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGPIPE, SIGHUP}) signal(s, SIG_DFL);
        setpgid(0, 0);
        // The program must not outlive a runner killed with SIGKILL: nobody would wait for it.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        int in = ::open("/dev/null", O_RDONLY);
        if (in >= 0) dup2(in, 0);
        // The identity and the limits first: nothing below (not even the stdout file) is done as root.
        if (!become(sandbox)) child_fail(log_fd, "run as", sandbox.user.c_str());
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // cleared by the change of identity
        if (getppid() != parent) _exit(127);
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);  // no setuid program gives the rights back
        if (!apply_limits(sandbox)) child_fail(log_fd, "set the resource limits of", argv[0]);
        int out = log_fd;
        if (!inv.stdout_path.empty()) {
            out = ::open(inv.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
            if (out < 0) child_fail(log_fd, "create", inv.stdout_path.c_str());
        }
        dup2(out, 1);
        dup2(log_fd, 2);
        if (::chdir(inv.cwd.c_str()) != 0) child_fail(2, "enter", inv.cwd.c_str());
        // The database connection and any other descriptor of the runner stay with the runner.
        if (::close_range(3, ~0U, 0) != 0)
            for (int fd = 3; fd < 65536; ++fd) ::close(fd);
        ::execve(argv[0], argv.data(), envp.data());
        child_fail(2, "execute", argv[0]);
    }
    setpgid(pid, pid);
    return pid;
}

void signal_group(pid_t pid, int sig) {
    if (pid > 0 && ::kill(-pid, sig) != 0) ::kill(pid, sig);
}

static int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
    ::remove(path);
    return 0;
}

void remove_tree(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        ::unlink(path.c_str());
        return;
    }
    nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

namespace {
uid_t g_owner_uid;
gid_t g_owner_gid;
int chown_entry(const char* path, const struct stat*, int, struct FTW*) {
    return ::lchown(path, g_owner_uid, g_owner_gid) == 0 ? 0 : -1;
}
}  // namespace

void hand_over(const Sandbox& sb, const std::string& dir) {
    if (!sb.drop) return;
    g_owner_uid = sb.uid;
    g_owner_gid = sb.gid;
    if (nftw(dir.c_str(), chown_entry, 16, FTW_PHYS) != 0)
        throw std::runtime_error("cannot give " + dir + " to RUNNER_USER " + sb.user + ": " + std::strerror(errno));
}

bool user_can_access(const Sandbox& sb, const std::string& path, int mode) {
    if (!sb.drop) return ::access(path.c_str(), mode) == 0;
    pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) _exit(become(sb) && ::access(path.c_str(), mode) == 0 ? 0 : 1);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

std::string describe_exit(int st) {
    if (WIFEXITED(st)) return "exit status " + std::to_string(WEXITSTATUS(st));
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        if (sig == SIGXFSZ) return "stopped: it exceeded the file size limit (RUNNER_LIMIT_FSIZE)";
        if (sig == SIGXCPU) return "stopped: it exceeded the CPU time limit (RUNNER_LIMIT_CPU)";
        return "killed by signal " + std::to_string(sig);
    }
    return "ended abnormally";
}

}  // namespace vidjil::jobs
