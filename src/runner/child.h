// Starting and stopping analysis programs for vidjil-runner's local backend: fork + exec of an
// argument vector (no shell), in its own process group, killed with the runner if the runner
// dies, output to the job log; plus the file helpers of job directories.
#pragma once
#include <sys/types.h>

#include <string>

#include "jobs/command.h"

namespace vidjil::runner {

// Starts the program; throws std::runtime_error when it cannot be forked. A program that
// cannot be executed exits 127 after writing why to the log. stdout goes to inv.stdout_path
// when set, else with stderr to `log_fd`. The environment is reduced to PATH, LANG, HOME, TMPDIR.
pid_t spawn(const jobs::Invocation& inv, int log_fd, const std::string& tmpdir);
// Signal to the program's whole process group (scripts may have children of their own).
void signal_group(pid_t pid, int sig);
// True when `pid` is a live vidjil-runner process of this host.
bool is_live_runner(long pid);

// Appends a line to a log file descriptor (the runner's own lines start with "# ").
void log_line(int fd, const std::string& line);
// Empties and recreates a job directory (never follows symbolic links out of it).
void reset_dir(const std::string& dir);
void remove_tree(const std::string& path);
// Copies `from` to `to` durably: temp file in the target directory, fsync, rename, fsync dir.
void copy_atomic(const std::string& from, const std::string& to);

}  // namespace vidjil::runner
