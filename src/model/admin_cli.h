// SQL of the administration commands of vidjil-admin (user, group, jobs, check): account
// states, group creation as group/add_form does it, the job table seen by an administrator, and
// the stored file names every row points to.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

// --- accounts ---------------------------------------------------------------------------------
// auth_user.action_token of a blocked account (py4web's value, refused by auth/submit with
// "Account is blocked" and by every session of that user).
inline constexpr const char* kAccountBlocked = "account-blocked";

struct AccountRow {
    int64_t id = 0;
    std::string email, first_name, last_name, action_token;
    std::vector<std::string> groups;  // roles of the groups the user is a direct member of
};
std::vector<AccountRow> list_accounts(db::Connection& db);
// Sets auth_user.action_token ("" = active). Returns false when the user does not exist.
bool set_account_token(db::Connection& db, int64_t user_id, const std::string& token);

// --- groups -----------------------------------------------------------------------------------
// A group as group/add_form creates it: create/read/admin/upload/save on sample_set, access on
// itself, `member` (if any) as its first member, and under `parent` (one level of hierarchy:
// a parent that is itself a child hands over to its own parents). Call inside a transaction.
int64_t create_group(db::Connection& db, const std::string& role, const std::string& description,
                     std::optional<int64_t> parent, std::optional<int64_t> member);
bool is_member(db::Connection& db, int64_t user_id, int64_t group_id);

// --- jobs -------------------------------------------------------------------------------------
struct JobListRow {
    int64_t task_id = 0;
    std::string kind, status, host, queued_at, started_at, ended_at, message, requested_by;
    std::optional<int64_t> results_file_id, sequence_file_id, config_id, pid, child_pid, heartbeat;
    int attempts = 0;
    bool tracked = false;  // has a vidjil_job row (false: a task queued by the original server)
};
// Newest first; `status` "" = any.
std::vector<JobListRow> list_jobs(db::Connection& db, const std::string& status, int64_t limit);
std::optional<JobListRow> job_row(db::Connection& db, int64_t task_id);
// FAILED, TIMEOUT or a RUNNING job whose runner is gone -> QUEUED, as a new request would be:
// attempts from zero, heartbeat and end time cleared, a pre-process's file flag back to WAIT.
// Only if the task is still in `expected_status` (checked under a row lock); false otherwise.
bool requeue_job(db::Connection& db, int64_t task_id, const std::string& expected_status, const std::string& message);
// PENDING/QUEUED/WAITING/RUNNING -> FAILED with `message` (the runner holding a RUNNING job sees
// that it is no longer its own and stops the program). A pre-process's file becomes FAILED and the
// runs waiting for it fail too. Only if still in `expected_status`; false otherwise.
bool cancel_job(db::Connection& db, int64_t task_id, const std::string& expected_status, const std::string& message);

// --- check ------------------------------------------------------------------------------------
// A stored file name a row points to.
struct FileReference {
    std::string table, column;
    int64_t id = 0;
    std::string name;
    bool in_sequences = false;  // DIR_SEQUENCES (else DIR_RESULTS)
    bool network = false;       // sequence_file.network = 'T' (a link to a file elsewhere)
};
std::vector<FileReference> file_references(db::Connection& db);

}  // namespace vidjil::model
