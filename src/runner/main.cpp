// vidjil-runner: runs the analyses queued in the database (see runner.h and vidjil-runner(8)).
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "db/schema_check.h"
#include "runner/runner.h"
#include "runner/slurm.h"
#include "util/log.h"

using namespace vidjil;

static int usage(int status) {
    (status ? std::cerr : std::cout)
        << "usage: vidjil-runner [--once | --watch] [--max-jobs N] [--host NAME] [--poll SECONDS]\n"
           "  --once        run queued jobs until the queue is empty, then exit (default; for cron + flock)\n"
           "  --watch       keep running, looking at the queue every --poll seconds (default 2)\n"
           "  --max-jobs N  jobs at a time on this host (RUNNER_MAX_JOBS; default: cores - 1)\n"
           "  --host NAME   name of this host in the job table (RUNNER_HOST; default: the host name)\n"
           "  --run-job ID  run job ID here, inside its Slurm batch job (RUNNER_BACKEND = slurm)\n"
           "  --slurm-script FILE  the same, for the batch script FILE written by the head runner\n"
           "With RUNNER_BACKEND = slurm, --once and --watch hand the queued jobs to Slurm (sbatch) and\n"
           "watch them until they end.\n"
           "The configuration file is $VIDJIL_CONF or " << Config::default_path() << ".\n";
    return status;
}

int main(int argc, char** argv) {
    log::set_program("vidjil-runner");
    runner::Options opt;
    int64_t run_job = 0;
    std::string slurm_script;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) std::exit(usage(2));
            return argv[++i];
        };
        if (a == "--once") opt.watch = false;
        else if (a == "--watch") opt.watch = true;
        else if (a == "--max-jobs") opt.max_jobs = std::atoi(value().c_str());
        else if (a == "--host") opt.host = value();
        else if (a == "--poll") opt.poll = std::atof(value().c_str());
        else if (a == "--run-job") run_job = std::atoll(value().c_str());
        else if (a == "--slurm-script") slurm_script = value();
        else if (a == "--help" || a == "-h") return usage(0);
        else return usage(2);
    }
    try {
        if (!slurm_script.empty()) return runner::run_slurm_script(slurm_script);
        // Not configured yet (one information line, status 0), or a schema older than this binary.
        if (int status = db::runner_preflight(opt.watch); status >= 0) return status;
        Config cfg = Config::load();
        if (run_job > 0) return runner::run_slurm_job(cfg, run_job);
        std::string backend = cfg.get("RUNNER_BACKEND", "local");
        if (backend == "slurm") return runner::run_slurm_head(cfg, opt);
        if (backend != "local") throw ConfigError(cfg.origin() + ": RUNNER_BACKEND must be local or slurm");
        runner::Runner r(cfg, opt);
        return r.run();
    } catch (const std::exception& e) {
        log::error(e.what());
        return 1;
    }
}
