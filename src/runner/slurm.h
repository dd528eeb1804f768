// The Slurm backend of vidjil-runner (RUNNER_BACKEND = slurm; README.Debian "Slurm").
//
// The head runner (cron --once or --watch, on a host with the Slurm client commands) claims
// queued jobs as the local backend does, and hands each to Slurm with `sbatch --parsable`
// (an argument vector, no shell; the job name and every argument come from our ids and
// vidjil.conf, never from user text). The batch script is not a shell script: its first line
// makes the kernel start `vidjil-runner --slurm-script <script>` on the compute node, which
// reads the task id from the script and runs the job with the same code as the local backend
// (`vidjil-runner --run-job ID` does the same by hand, inside a Slurm allocation).
//
// The head then watches its jobs (squeue, sacct when squeue no longer knows them) and settles
// every way a job can end outside our code: cancelled, time limit, memory limit, node failure,
// preemption (submitted again once), a batch step that died before reporting. A job whose
// task, result or file was deleted in the web interface is cancelled (scancel).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "runner/runner.h"

namespace vidjil::runner {

// What a program printed and how it ended.
struct Captured {
    int status = -1;  // exit status, or -1 when it could not run / was killed / timed out
    std::string out, err;
};
// Runs argv (no shell) with `input` on its standard input; kills it after `timeout` seconds.
Captured run_capture(const std::vector<std::string>& argv, const std::string& input = "", double timeout = 60);

// vidjil.conf keys of the backend.
struct SlurmSettings {
    std::string sbatch, squeue, sacct, scancel;  // SLURM_SBATCH... (default: found in PATH)
    std::string partition, account;              // SLURM_PARTITION, SLURM_ACCOUNT
    std::vector<std::string> extra_args;         // SLURM_EXTRA_ARGS, split into words (no shell)
    int64_t default_mem_mb = 4096;               // SLURM_DEFAULT_MEM
    std::optional<int64_t> default_minutes;      // SLURM_DEFAULT_TIME (else JOB_TIMEOUT)
    int64_t max_jobs = 1000;                     // SLURM_MAX_JOBS: handed to Slurm at once
    int64_t max_requeues = 1;                    // SLURM_MAX_REQUEUES: after a preemption
    int64_t missing_grace = 120;                 // SLURM_MISSING_GRACE: s before an unknown job fails
    double poll = 5;                             // SLURM_POLL: s between looks at squeue
    std::string runner;                          // SLURM_RUNNER: vidjil-runner on the nodes
    std::string conf;                            // vidjil.conf path on the nodes
    std::string output_dir;                      // DIR_WORK/slurm: the batch steps' output files
};
// Throws ConfigError when a key is invalid (SLURM_EXTRA_ARGS quoting, a command not found).
SlurmSettings slurm_settings(const Config& cfg);

// sbatch's arguments for one job (without the script, which goes on standard input).
std::vector<std::string> sbatch_argv(const SlurmSettings& s, int64_t task_id, int64_t memory_mb, int64_t minutes);
// The batch script of a job: "#!<runner> --slurm-script", then the task id and vidjil.conf.
std::string batch_script(const SlurmSettings& s, int64_t task_id);
// The task id and configuration path written in a batch script; throws std::runtime_error.
std::pair<int64_t, std::string> read_batch_script(const std::string& text);
// The Slurm job id of `sbatch --parsable` ("123" or "123;cluster"); nullopt if unreadable.
std::optional<int64_t> parse_sbatch_id(const std::string& out);

// How the head ends a job Slurm reports as ended outside our code: {status, message}; status
// "" for a state that is not an end (or PREEMPTED, which the head submits again).
struct Settlement {
    std::string status, message;
};
Settlement settle_state(const std::string& slurm_state, const std::string& reason, int64_t slurm_job_id,
                        const std::string& node, std::optional<int64_t> memory_mb, std::optional<int64_t> minutes,
                        const std::string& step_output);

// "" when this host can create and remove files in DIR_RESULTS, DIR_SEQUENCES and DIR_WORK
// (they must be shared with the compute nodes), else what is wrong.
std::string check_shared_dirs(const Config& cfg);

// A Slurm job state in which the job may still run (PENDING, RUNNING, REQUEUED...).
bool is_active_state(const std::string& slurm_state);
// The last `max` bytes of a file ("" when it cannot be read): a batch step's output.
std::string read_tail(const std::string& path, size_t max);

// The head runner's loop (Options::watch: forever, else until nothing is left to watch).
int run_slurm_head(const Config& cfg, const Options& opt);
// The batch step: runs task `task_id` inside Slurm job $SLURM_JOB_ID.
int run_slurm_job(const Config& cfg, int64_t task_id);
// `vidjil-runner --slurm-script FILE` (the batch script's interpreter line).
int run_slurm_script(const std::string& script_path);

}  // namespace vidjil::runner
