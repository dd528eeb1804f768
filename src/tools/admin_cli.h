// vidjil-admin administration commands (issue 11): user, group, jobs, check and audit. Each
// takes the arguments after `vidjil-admin` (argv[0] = the command name), writes its report to
// `out`, and returns the exit status: 0 done (check: clean), 1 problems found (check), 2 usage.
// Errors a person must read (unknown e-mail, ...) are thrown as std::runtime_error (exit 1).
#pragma once
#include <ostream>
#include <string>

#include "config.h"
#include "db/db.h"

namespace vidjil::tools {

int cmd_user(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);
int cmd_group(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);
int cmd_jobs(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);
int cmd_check(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);
int cmd_audit(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);

// A password from $VIDJIL_ADMIN_PASSWORD, else one line of standard input (prompting on a tty).
std::string read_password();

// The lines of usage() for these commands.
const char* admin_cli_usage();

}  // namespace vidjil::tools
