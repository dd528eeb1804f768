// `vidjil-admin config-limits` (see slurm.h).
#include "tools/slurm.h"

#include <iostream>
#include <string>

#include "model/configs.h"
#include "model/slurm_jobs.h"
#include "util/text.h"

namespace vidjil::tools {

int cmd_config_limits(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    auto usage = [&]() {
        std::cerr << "usage: vidjil-admin config-limits CONFIG_ID [--memory MB|none] [--time SECONDS|none]\n";
        return 2;
    };
    if (argc < 2) return usage();
    auto id = text::parse_int(argv[1]);
    if (!id || *id <= 0) return usage();
    auto config = model::config_by_id(db, *id);
    if (!config) {
        std::cerr << "vidjil-admin: no config with id " << *id << "\n";
        return 1;
    }
    model::LimitChange change;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        if ((a != "--memory" && a != "--time") || i + 1 >= argc) return usage();
        std::string v = argv[++i];
        std::optional<int64_t> n;
        if (v != "none") {
            n = text::parse_int(v);
            if (!n || *n <= 0) {
                std::cerr << "vidjil-admin: " << a << " takes a positive whole number or none, not '" << v << "'\n";
                return 2;
            }
        }
        (a == "--memory" ? change.memory_mb : change.time_seconds) = n;
        (a == "--memory" ? change.set_memory : change.set_time) = true;
    }
    if (change.set_memory || change.set_time) model::set_config_limits(db, *id, change);
    model::SlurmLimits l = model::slurm_limits(db, *id);
    out << "config " << *id << " '" << config->name << "': memory "
        << (l.memory_mb ? std::to_string(*l.memory_mb) + " MB" : "SLURM_DEFAULT_MEM (" +
                                                                   std::to_string(cfg.get_int("SLURM_DEFAULT_MEM", 4096)) +
                                                                   " MB)")
        << ", time " << (l.time_seconds ? std::to_string(*l.time_seconds) + " s" : "JOB_TIMEOUT (" +
                                                                                   std::to_string(cfg.get_int("JOB_TIMEOUT", 86400)) +
                                                                                   " s)")
        << "\n";
    return 0;
}

}  // namespace vidjil::tools
