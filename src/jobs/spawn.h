// Starting the programs of jobs (analysis programs, pre-processes, fuse --pre/--post scripts):
// fork + exec of an argument vector (no shell), in its own process group, killed with its
// parent, under the identity and resource limits of a Sandbox. Used by vidjil-runner and by the
// fuse step (src/jobs), so it lives here and not in src/runner.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "jobs/command.h"

namespace vidjil {
class Config;
}

namespace vidjil::jobs {

// Who programs run as, and their rlimits (0: not limited).
struct Sandbox {
    bool drop = false;  // true when the caller is root: the child becomes `user` before exec
    std::string user;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    long long cpu_seconds = 0, address_space = 0, file_size = 0, processes = 0;
};

// The sandbox of vidjil.conf: RUNNER_USER (the user programs run as; its groups too), and
// RUNNER_LIMIT_CPU (seconds), RUNNER_LIMIT_AS (bytes of address space), RUNNER_LIMIT_FSIZE (bytes
// per file written), RUNNER_LIMIT_NPROC (processes of the user). Throws CommandError, with a
// message for the job's reason, when a root caller has no RUNNER_USER (programs never run as
// root) or when that user does not exist or is root. A non-root caller runs programs as itself.
Sandbox sandbox_from_config(const Config& cfg);

// Starts the program; throws std::runtime_error when it cannot be forked. A program that cannot
// be executed (or whose identity cannot be set) exits 127 after writing why to the log. stdout
// goes to inv.stdout_path when set (created as the sandbox user), else with stderr to `log_fd`.
// The environment is reduced to PATH, LANG, HOME, TMPDIR.
pid_t spawn(const Invocation& inv, int log_fd, const std::string& tmpdir, const Sandbox& sandbox);
// Signal to the program's whole process group (scripts may have children of their own).
void signal_group(pid_t pid, int sig);
// Removes a file or a directory tree (never follows symbolic links).
void remove_tree(const std::string& path);

// Gives the directory `dir` (and what it holds) to the sandbox user, so that the program can
// write there; nothing to do when the sandbox does not change the user.
void hand_over(const Sandbox& sandbox, const std::string& dir);
// True when the sandbox user may access `path` with `mode` (R_OK, W_OK|X_OK...), parent
// directories included (checked by a child process with that identity).
bool user_can_access(const Sandbox& sandbox, const std::string& path, int mode);

// Why a program's wait status says it failed, for the user ("exit status 3", "killed by signal
// 9", "stopped: it exceeded the file size limit (RUNNER_LIMIT_FSIZE)").
std::string describe_exit(int wait_status);

}  // namespace vidjil::jobs
