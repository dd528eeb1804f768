// vidjil-runner: runs the analyses queued in the database (see runner.h and vidjil-runner(8)).
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "db/schema_check.h"
#include "runner/runner.h"
#include "util/log.h"

using namespace vidjil;

static int usage(int status) {
    (status ? std::cerr : std::cout)
        << "usage: vidjil-runner [--once | --watch] [--max-jobs N] [--host NAME] [--poll SECONDS]\n"
           "  --once        run queued jobs until the queue is empty, then exit (default; for cron + flock)\n"
           "  --watch       keep running, looking at the queue every --poll seconds (default 2)\n"
           "  --max-jobs N  jobs at a time on this host (RUNNER_MAX_JOBS; default: cores - 1)\n"
           "  --host NAME   name of this host in the job table (RUNNER_HOST; default: the host name)\n"
           "The configuration file is $VIDJIL_CONF or " << Config::default_path() << ".\n";
    return status;
}

int main(int argc, char** argv) {
    log::set_program("vidjil-runner");
    runner::Options opt;
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
        else if (a == "--help" || a == "-h") return usage(0);
        else return usage(2);
    }
    try {
        // Not configured yet (one information line, status 0), or a schema older than this binary.
        if (int status = db::runner_preflight(opt.watch); status >= 0) return status;
        Config cfg = Config::load();
        runner::Runner r(cfg, opt);
        return r.run();
    } catch (const std::exception& e) {
        log::error(e.what());
        return 1;
    }
}
