// Program processes and job directories of the local backend (see child.h).
#include "runner/child.h"

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "util/fs.h"
#include "util/text.h"

namespace vidjil::runner {

namespace {

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void child_fail(int log_fd, const char* what, const char* arg) {
    const char* err = std::strerror(errno);
    for (const char* part : {"# vidjil-runner: cannot ", what, " ", arg, ": ", err, "\n"})
        if (::write(log_fd, part, std::strlen(part)) < 0) break;
    _exit(127);
}

}  // namespace

pid_t spawn(const jobs::Invocation& inv, int log_fd, const std::string& tmpdir) {
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

bool is_live_runner(long pid) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
    // A recycled pid belongs to another program: the runner that held the job is gone.
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name == "vidjil-runner";
}

void log_line(int fd, const std::string& line) {
    std::string l = line + "\n";
    size_t done = 0;
    while (done < l.size()) {
        ssize_t n = ::write(fd, l.data() + done, l.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
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

void reset_dir(const std::string& dir) {
    remove_tree(dir);
    fs::mkdirs(dir);
}

void copy_atomic(const std::string& from, const std::string& to) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw std::runtime_error("cannot open " + from + ": " + std::strerror(errno));
    std::string tmp = to + ".tmp-" + text::random_hex(6);
    int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (out < 0) {
        ::close(in);
        throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
    }
    std::vector<char> buf(1 << 20);
    std::string problem;
    for (;;) {
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            problem = "cannot read " + from;
            break;
        }
        if (n == 0) break;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(out, buf.data() + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                problem = "cannot write " + tmp;
                break;
            }
            done += w;
        }
        if (!problem.empty()) break;
    }
    if (problem.empty() && ::fsync(out) != 0) problem = "cannot sync " + tmp;
    std::string err = std::strerror(errno);
    ::close(in);
    if (::close(out) != 0 && problem.empty()) problem = "cannot close " + tmp;
    if (problem.empty() && ::rename(tmp.c_str(), to.c_str()) != 0) problem = "cannot rename to " + to;
    if (!problem.empty()) {
        ::unlink(tmp.c_str());
        throw std::runtime_error(problem + ": " + err);
    }
    fs::fsync_dir(fs::dirname(to));
}

}  // namespace vidjil::runner
