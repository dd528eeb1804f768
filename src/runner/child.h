// The runner's side of job processes: is a runner alive, job logs and job directories. The
// program processes themselves are started by jobs::spawn (src/jobs/spawn.h).
#pragma once
#include <sys/types.h>

#include <string>

#include "jobs/hosts.h"
#include "jobs/spawn.h"

namespace vidjil::runner {

using jobs::remove_tree;
using jobs::signal_group;
using jobs::spawn;

using jobs::is_live_runner;

// Seconds of a monotonic clock (time between two points of the runner's loops).
double monotonic();

// Appends a line to a log file descriptor (the runner's own lines start with "# ").
void log_line(int fd, const std::string& line);
// Empties and recreates a job directory (never follows symbolic links out of it).
void reset_dir(const std::string& dir);
// Copies `from` to `to` durably: temp file in the target directory, fsync, rename, fsync dir.
void copy_atomic(const std::string& from, const std::string& to);

}  // namespace vidjil::runner
