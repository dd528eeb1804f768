// Runner hosts as every side sees them (the runners, the Slurm head, the admin pages and
// vidjil-admin jobs/check): the name a runner records in its jobs, whether a runner process of
// this host is alive, and when another host counts as dead.
#pragma once
#include <cstdint>
#include <string>

namespace vidjil {
class Config;
}

namespace vidjil::jobs {

// gethostname(), "localhost" when it fails.
std::string machine_name();
// The runner host name: `option` (--host) when given, else RUNNER_HOST, else machine_name().
std::string runner_host(const Config& cfg, const std::string& option = "");
// True when `pid` is a live vidjil-runner process of this host (a recycled pid belongs to
// another program: the runner that held the job is gone).
bool is_live_runner(long pid);
// Seconds without a heartbeat after which a runner host counts as dead (RUNNER_HEARTBEAT_TIMEOUT,
// formerly RUNNER_STALE_AFTER, default 120): its RUNNING jobs are taken over.
int64_t heartbeat_timeout(const Config& cfg);

}  // namespace vidjil::jobs
