// `vidjil-admin config-limits`: the per-config memory and time limits of analyses
// (vidjil_config_limit), which the Slurm backend of vidjil-runner passes to sbatch (--mem,
// --time) and which the runner enforces (time) on every backend.
#pragma once
#include <ostream>

#include "config.h"
#include "db/db.h"

namespace vidjil::tools {

// vidjil-admin config-limits CONFIG_ID [--memory MB|none] [--time SECONDS|none]
// argv[0] is "config-limits". Prints the limits (after the change); returns the exit status.
int cmd_config_limits(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);

}  // namespace vidjil::tools
