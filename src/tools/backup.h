// `vidjil-admin backup [--full] [--since DATE] [--gzip] DIR` and `vidjil-admin restore [--force]
// FILE`: one tar holding a consistent database dump (mariadb-dump --single-transaction), the
// files of DIR_RESULTS (results, analyses, fused files; not the job work directories nor the
// cache) and, with --full, the uploaded sequence files of DIR_SEQUENCES, plus MANIFEST.sha256
// (SHA-256 and path of every member, and a header with the schema and row counts).
#pragma once
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config.h"
#include "db/db.h"

namespace vidjil::tools {

int cmd_backup(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);
int cmd_restore(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);

// Shared with the other operations that run the MariaDB client programs: a temporary 0600
// option file ([client] user, password, socket or host/port) removed by the destructor, so that
// the password never appears on a command line or in the environment.
class DefaultsFile {
public:
    DefaultsFile(const Config& cfg, const std::string& tmpdir);
    ~DefaultsFile();
    DefaultsFile(const DefaultsFile&) = delete;
    DefaultsFile& operator=(const DefaultsFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// An audit row (vidjil_audit) for a vidjil-admin operation on patient data: no user id, client
// "vidjil-admin", the Unix user who ran it at the head of `detail`.
void cli_audit(db::Connection& db, const std::string& action, const std::string& table, std::optional<int64_t> record,
               const std::string& detail);

// Prints "vidjil-admin: <usage>" on standard error and returns 2 (vidjil-admin's usage status).
int usage_error(const std::string& usage);

// Runs `argv` (argv[0] found in PATH) without a shell, stdin/stdout redirected to the given
// descriptors (-1: inherited); returns its wait status. Throws when it cannot be started.
int run_program(const std::vector<std::string>& argv, int in_fd, int out_fd);

}  // namespace vidjil::tools
