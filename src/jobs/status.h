// Job states of model.md §3.1, shared by the endpoints that request and report jobs and by
// vidjil-runner that moves them along.
#pragma once
#include <string>

namespace vidjil::jobs {

inline constexpr const char* PENDING = "PENDING";
inline constexpr const char* QUEUED = "QUEUED";
inline constexpr const char* WAITING = "WAITING";  // the file's pre-process has not finished
inline constexpr const char* ASSIGNED = "ASSIGNED";  // handed to Slurm, not started yet (RUNNER_BACKEND = slurm)
inline constexpr const char* RUNNING = "RUNNING";
inline constexpr const char* COMPLETED = "COMPLETED";
inline constexpr const char* FAILED = "FAILED";
inline constexpr const char* TIMEOUT = "TIMEOUT";

// Terminal for the duplicate check and the clean-up: a job in another state is still alive.
inline bool is_terminal(const std::string& status) {
    return status == COMPLETED || status == FAILED || status == TIMEOUT;
}

// scheduler_task.task_name of the two kinds of jobs.
inline constexpr const char* TASK_PROCESS = "process";
inline constexpr const char* TASK_PRE_PROCESS = "pre_process";

}  // namespace vidjil::jobs
