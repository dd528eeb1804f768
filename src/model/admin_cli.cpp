// SQL of the vidjil-admin administration commands (see admin_cli.h).
#include "model/admin_cli.h"

#include "jobs/status.h"
#include "model/groups.h"
#include "model/jobs.h"
#include "model/users.h"

namespace vidjil::model {

namespace {
const char* kStopTime = "DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')";
}

std::vector<AccountRow> list_accounts(db::Connection& db) {
    std::vector<AccountRow> out;
    for (const auto& r : db.query("SELECT id, email, first_name, last_name, action_token FROM auth_user ORDER BY id")) {
        AccountRow a{r.integer("id"), r.str("email"), r.str("first_name"), r.str("last_name"), r.str("action_token"), {}};
        a.groups = user_group_roles(db, a.id);
        out.push_back(std::move(a));
    }
    return out;
}

bool set_account_token(db::Connection& db, int64_t user_id, const std::string& token) {
    if (!db.query_one("SELECT id FROM auth_user WHERE id = ?", {user_id})) return false;
    db.exec("UPDATE auth_user SET action_token = ? WHERE id = ?", {token, user_id});
    return true;
}

int64_t create_group(db::Connection& db, const std::string& role, const std::string& description,
                     std::optional<int64_t> parent, std::optional<int64_t> member) {
    int64_t gid = insert_group(db, role, description);
    if (member) add_membership(db, *member, gid);
    for (const char* r : {"create", "read", "admin", "upload", "save"}) add_permission(db, gid, r, "sample_set", 0);
    add_permission(db, gid, "access", "auth_group", gid);
    if (parent && *parent > 0 && group_row(db, *parent)) {
        std::vector<int64_t> grand = parent_groups(db, *parent);
        std::vector<int64_t> parents = grand.empty() ? std::vector<int64_t>{*parent} : grand;
        for (int64_t p : parents) {
            add_group_parent(db, p, gid);
            add_permission(db, p, "access", "auth_group", gid);
        }
    }
    return gid;
}

bool is_member(db::Connection& db, int64_t user_id, int64_t group_id) {
    return db.query_one("SELECT 1 FROM auth_membership WHERE user_id = ? AND group_id = ? LIMIT 1", {user_id, group_id})
        .has_value();
}

static const char* kJobListSelect =
    "SELECT t.id, t.task_name, t.status, t.assigned_worker_name, t.start_time, "
    "j.task_id AS tracked, j.kind, j.results_file_id, j.sequence_file_id, j.config_id, j.host, j.pid, j.child_pid, "
    "j.heartbeat, j.attempts, j.message, u.email AS requested_by, "
    "DATE_FORMAT(j.queued_at, '%Y-%m-%d %H:%i:%s') AS queued_at, "
    "DATE_FORMAT(j.started_at, '%Y-%m-%d %H:%i:%s') AS started_at, "
    "DATE_FORMAT(j.ended_at, '%Y-%m-%d %H:%i:%s') AS ended_at "
    "FROM scheduler_task t LEFT JOIN vidjil_job j ON j.task_id = t.id LEFT JOIN auth_user u ON u.id = j.requested_by ";

static JobListRow job_list_row(const db::Row& r) {
    JobListRow j;
    j.task_id = r.integer("id");
    j.tracked = !r.is_null("tracked");
    j.kind = j.tracked ? r.str("kind") : r.str("task_name");
    j.status = r.str("status");
    j.host = j.tracked ? r.str("host") : r.str("assigned_worker_name");
    j.queued_at = j.tracked ? r.str("queued_at") : r.str("start_time");
    j.started_at = r.str("started_at");
    j.ended_at = r.str("ended_at");
    j.message = r.str("message");
    j.requested_by = r.str("requested_by");
    j.results_file_id = r.opt_int("results_file_id");
    j.sequence_file_id = r.opt_int("sequence_file_id");
    j.config_id = r.opt_int("config_id");
    j.pid = r.opt_int("pid");
    j.child_pid = r.opt_int("child_pid");
    j.heartbeat = r.opt_int("heartbeat");
    j.attempts = static_cast<int>(r.integer("attempts"));
    return j;
}

std::vector<JobListRow> list_jobs(db::Connection& db, const std::string& status, int64_t limit) {
    std::vector<JobListRow> out;
    std::string sql = kJobListSelect;
    db::Params p;
    if (!status.empty()) {
        sql += "WHERE t.status = ? ";
        p.emplace_back(status);
    }
    sql += "ORDER BY t.id DESC LIMIT ?";
    p.emplace_back(static_cast<long long>(limit));
    for (const auto& r : db.query(sql, p)) out.push_back(job_list_row(r));
    return out;
}

std::optional<JobListRow> job_row(db::Connection& db, int64_t task_id) {
    auto r = db.query_one(std::string(kJobListSelect) + "WHERE t.id = ?", {task_id});
    if (!r) return std::nullopt;
    return job_list_row(*r);
}

// The task's status under a row lock, with its vidjil_job kind and file (if tracked).
static std::optional<db::Row> lock_task(db::Connection& db, int64_t task_id) {
    return db.query_one("SELECT t.status, j.task_id AS tracked, j.kind, j.sequence_file_id FROM scheduler_task t "
                        "LEFT JOIN vidjil_job j ON j.task_id = t.id WHERE t.id = ? FOR UPDATE",
                        {task_id});
}

bool requeue_job(db::Connection& db, int64_t task_id, const std::string& expected, const std::string& message) {
    db::Transaction tx(db);
    auto t = lock_task(db, task_id);
    if (!t || t->str("status") != expected) return false;
    db.exec("UPDATE scheduler_task SET status = 'QUEUED', stop_time = NULL WHERE id = ?", {task_id});
    if (!t->is_null("tracked")) {
        db.exec("UPDATE vidjil_job SET heartbeat = NULL, child_pid = NULL, ended_at = NULL, attempts = 0, "
                "message = ?, queued_at = NOW() WHERE task_id = ?",
                {message, task_id});
        if (t->str("kind") == jobs::TASK_PRE_PROCESS && !t->is_null("sequence_file_id"))
            db.exec("UPDATE sequence_file SET pre_process_flag = 'WAIT' WHERE id = ?", {t->integer("sequence_file_id")});
    }
    tx.commit();
    return true;
}

bool cancel_job(db::Connection& db, int64_t task_id, const std::string& expected, const std::string& message) {
    std::optional<int64_t> pre_processed_file;
    {
        db::Transaction tx(db);
        auto t = lock_task(db, task_id);
        if (!t || t->str("status") != expected) return false;
        db.exec(std::string("UPDATE scheduler_task SET status = 'FAILED', stop_time = ") + kStopTime +
                    ", times_failed = COALESCE(times_failed, 0) + 1 WHERE id = ?",
                {task_id});
        if (!t->is_null("tracked")) {
            db.exec("UPDATE vidjil_job SET ended_at = NOW(), heartbeat = NULL, message = ? WHERE task_id = ?",
                    {message, task_id});
            if (t->str("kind") == jobs::TASK_PRE_PROCESS && !t->is_null("sequence_file_id")) {
                pre_processed_file = t->integer("sequence_file_id");
                db.exec("UPDATE sequence_file SET pre_process_flag = 'FAILED' WHERE id = ?", {*pre_processed_file});
            }
        }
        tx.commit();
    }
    if (pre_processed_file) release_waiting_runs(db, *pre_processed_file, false);
    return true;
}

std::vector<FileReference> file_references(db::Connection& db) {
    std::vector<FileReference> out;
    for (const auto& r : db.query("SELECT id, data_file, data_file2, pre_process_file, network FROM sequence_file "
                                  "WHERE data_file IS NOT NULL OR data_file2 IS NOT NULL OR pre_process_file IS NOT NULL")) {
        bool network = r.str("network") == "T";
        for (const char* col : {"data_file", "data_file2"})
            if (!r.str(col).empty()) out.push_back({"sequence_file", col, r.integer("id"), r.str(col), true, network});
        if (!r.str("pre_process_file").empty())
            out.push_back({"sequence_file", "pre_process_file", r.integer("id"), r.str("pre_process_file"), false, false});
    }
    // The real uploads kept after a pre-process replaced them (020-analyses-jobs.sql).
    for (const auto& r : db.query("SELECT o.sequence_file_id, o.data_file, o.data_file2, f.network FROM "
                                  "vidjil_sequence_file_origin o LEFT JOIN sequence_file f ON f.id = o.sequence_file_id"))
        for (const char* col : {"data_file", "data_file2"})
            if (!r.str(col).empty())
                out.push_back({"vidjil_sequence_file_origin", col, r.integer("sequence_file_id"), r.str(col), true,
                               r.str("network") == "T"});
    struct Source {
        const char* table;
        const char* column;
    };
    for (const Source s : {Source{"results_file", "data_file"}, Source{"fused_file", "fused_file"},
                           Source{"analysis_file", "analysis_file"}}) {
        // Table and column names come from the fixed list above, never from input.
        std::string sql = std::string("SELECT id, ") + s.column + " FROM " + s.table + " WHERE " + s.column +
                          " IS NOT NULL AND " + s.column + " <> ''";
        for (const auto& r : db.query(sql)) out.push_back({s.table, s.column, r.integer(0), r.str(1), false, false});
    }
    return out;
}

}  // namespace vidjil::model
