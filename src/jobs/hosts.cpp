#include "jobs/hosts.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "config.h"

namespace vidjil::jobs {

std::string machine_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

std::string runner_host(const Config& cfg, const std::string& option) {
    return !option.empty() ? option : cfg.get("RUNNER_HOST", machine_name());
}

bool is_live_runner(long pid) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name == "vidjil-runner";
}

int64_t heartbeat_timeout(const Config& cfg) {
    return std::max<int64_t>(1, cfg.get_int("RUNNER_HEARTBEAT_TIMEOUT", cfg.get_int("RUNNER_STALE_AFTER", 120)));
}

}  // namespace vidjil::jobs
