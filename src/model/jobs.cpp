// SQL of scheduler_task and vidjil_job (see jobs.h).
#include "model/jobs.h"

#include "jobs/status.h"
#include "model/acl.h"
#include "util/text.h"

namespace vidjil::model {

namespace {

const char* kNow = "DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')";

const char* kJobColumns =
    "SELECT t.id AS task_id, t.task_name, t.status, j.results_file_id, j.sequence_file_id, j.config_id, "
    "j.pre_process_id, j.grep_reads, j.host, j.pid, j.heartbeat, j.attempts, j.log_path, j.message, "
    "DATE_FORMAT(j.queued_at, '%Y-%m-%d %H:%i:%s') AS queued_at, "
    "DATE_FORMAT(j.started_at, '%Y-%m-%d %H:%i:%s') AS started_at, "
    "DATE_FORMAT(j.ended_at, '%Y-%m-%d %H:%i:%s') AS ended_at "
    "FROM scheduler_task t JOIN vidjil_job j ON j.task_id = t.id ";

Job job_of_row(const db::Row& r) {
    Job j;
    j.task_id = r.integer("task_id");
    j.kind = r.str("task_name");
    j.status = r.str("status");
    j.results_file_id = r.opt_int("results_file_id");
    j.sequence_file_id = r.opt_int("sequence_file_id");
    j.config_id = r.opt_int("config_id");
    j.pre_process_id = r.opt_int("pre_process_id");
    j.grep_reads = r.str("grep_reads");
    j.host = r.str("host");
    j.pid = r.opt_int("pid");
    j.heartbeat = r.opt_int("heartbeat");
    j.attempts = static_cast<int>(r.integer("attempts"));
    j.log_path = r.str("log_path");
    j.message = r.str("message");
    j.queued_at = r.str("queued_at");
    j.started_at = r.str("started_at");
    j.ended_at = r.str("ended_at");
    return j;
}

// Python repr of the original's argument list: ['12', 3, 456, None].
std::string run_args(int64_t sf, int64_t config, int64_t rid, const std::string& grep) {
    return "['" + std::to_string(sf) + "', " + std::to_string(config) + ", " + std::to_string(rid) + ", " +
           (grep.empty() ? std::string("None") : "'" + grep + "'") + "]";
}

// Items of such a list, quotes removed ("None" stays "None").
std::vector<std::string> parse_args(const std::string& args) {
    std::string s = text::trim(args);
    if (s.size() < 2 || s.front() != '[' || s.back() != ']') return {};
    std::vector<std::string> out;
    for (std::string item : text::split(s.substr(1, s.size() - 2), ',')) {
        item = text::trim(item);
        if (item.size() >= 2 && (item.front() == '\'' || item.front() == '"') && item.back() == item.front())
            item = item.substr(1, item.size() - 2);
        out.push_back(item);
    }
    return out;
}

// A QUEUED task of the original server has no vidjil_job row: build it from the args.
bool adopt_legacy_task(db::Connection& db, int64_t task_id, const std::string& task_name, const std::string& args) {
    auto a = parse_args(args);
    auto num = [&](size_t i) { return i < a.size() ? text::parse_int(a[i]) : std::nullopt; };
    if (task_name == jobs::TASK_PROCESS && num(0) && num(1) && num(2)) {
        std::string grep = a.size() > 3 && a[3] != "None" ? a[3] : "";
        db.exec("INSERT IGNORE INTO vidjil_job (task_id, kind, sequence_file_id, config_id, results_file_id, grep_reads, "
                "queued_at) VALUES (?, 'process', ?, ?, ?, ?, NOW())",
                {task_id, *num(0), *num(1), *num(2), grep.empty() ? db::Param(std::nullopt) : grep});
        return true;
    }
    if (task_name == jobs::TASK_PRE_PROCESS && num(0) && num(1)) {
        db.exec("INSERT IGNORE INTO vidjil_job (task_id, kind, pre_process_id, sequence_file_id, queued_at) "
                "VALUES (?, 'pre_process', ?, ?, NOW())",
                {task_id, *num(0), *num(1)});
        return true;
    }
    return false;
}

}  // namespace

std::optional<int64_t> active_run(db::Connection& db, int64_t sf, int64_t config, const std::string& grep) {
    auto r = db.query_one(
        "SELECT j.results_file_id FROM vidjil_job j JOIN scheduler_task t ON t.id = j.task_id "
        "WHERE j.sequence_file_id = ? AND j.config_id = ? AND j.kind = 'process' AND COALESCE(j.grep_reads, '') = ? "
        "AND t.status IN ('PENDING', 'QUEUED', 'WAITING', 'ASSIGNED', 'RUNNING') ORDER BY t.id DESC LIMIT 1",
        {sf, config, grep});
    if (!r) return std::nullopt;
    return r->opt_int("results_file_id");
}

bool lock_sequence_file(db::Connection& db, int64_t sf) {
    return db.query_one("SELECT id FROM sequence_file WHERE id = ? FOR UPDATE", {sf}).has_value();
}

int64_t schedule_run(db::Connection& db, int64_t sf, int64_t config, const std::string& grep, int64_t user,
                     bool waiting) {
    db.exec("INSERT INTO results_file (sequence_file_id, config_id, run_date, hidden) VALUES (?, ?, NOW(), ?)",
            {sf, config, db::tf(!grep.empty())});
    auto rid = static_cast<int64_t>(db.last_insert_id());
    db.exec(std::string("INSERT INTO scheduler_task (application_name, task_name, group_name, status, function_name, "
                        "uuid, args, vars, enabled, start_time, times_run, times_failed) VALUES ('vidjil', 'process', "
                        "'default', 'PENDING', 'run_process', UUID(), ?, '{}', 'T', ") +
                kNow + ", 0, 0)",
            {run_args(sf, config, rid, grep)});
    auto task = static_cast<int64_t>(db.last_insert_id());
    db.exec("UPDATE results_file SET scheduler_task_id = ? WHERE id = ?", {task, rid});
    db.exec("INSERT INTO vidjil_job (task_id, kind, results_file_id, sequence_file_id, config_id, grep_reads, "
            "requested_by, queued_at) VALUES (?, 'process', ?, ?, ?, ?, ?, NOW())",
            {task, rid, sf, config, grep.empty() ? db::Param(std::nullopt) : grep, user});
    db.exec("UPDATE scheduler_task SET status = ? WHERE id = ?", {waiting ? jobs::WAITING : jobs::QUEUED, task});
    return rid;
}

std::optional<int64_t> schedule_pre_process(db::Connection& db, int64_t sf, int64_t pp, int64_t user) {
    return db::with_retry(db, [&]() -> std::optional<int64_t> {
        db::Transaction tx(db);
        if (!lock_sequence_file(db, sf)) return std::nullopt;
        std::string args = "[" + std::to_string(pp) + ", " + std::to_string(sf) + "]";
        if (db.query_one("SELECT id FROM scheduler_task WHERE task_name = 'pre_process' AND args = ? "
                         "AND status IN ('PENDING', 'QUEUED', 'WAITING', 'ASSIGNED', 'RUNNING')",
                         {args}))
            return std::nullopt;
        db.exec(std::string("INSERT INTO scheduler_task (application_name, task_name, group_name, status, function_name, "
                            "uuid, args, vars, enabled, start_time, times_run, times_failed) VALUES ('vidjil', "
                            "'pre_process', 'default', 'QUEUED', 'run_pre_process', UUID(), ?, '{}', 'T', ") +
                    kNow + ", 0, 0)",
                {args});
        auto task = static_cast<int64_t>(db.last_insert_id());
        db.exec("INSERT INTO vidjil_job (task_id, kind, pre_process_id, sequence_file_id, requested_by, queued_at) "
                "VALUES (?, 'pre_process', ?, ?, ?, NOW())",
                {task, pp, sf, user});
        db.exec("UPDATE sequence_file SET pre_process_id = ?, pre_process_flag = 'WAIT', pre_process_scheduler_task_id = ? "
                "WHERE id = ?",
                {pp, task, sf});
        tx.commit();
        return task;
    });
}

std::optional<Job> job_by_task(db::Connection& db, int64_t task) {
    auto r = db.query_one(std::string(kJobColumns) + "WHERE t.id = ?", {task});
    if (!r) return std::nullopt;
    return job_of_row(*r);
}

std::optional<std::string> task_status(db::Connection& db, int64_t task) {
    auto r = db.query_one("SELECT status FROM scheduler_task WHERE id = ?", {task});
    if (!r) return std::nullopt;
    return r->str(0);
}

std::optional<Job> job_of_result(db::Connection& db, int64_t rid) {
    auto r = db.query_one(std::string(kJobColumns) +
                              "JOIN results_file r ON r.scheduler_task_id = t.id WHERE r.id = ?",
                          {rid});
    if (r) return job_of_row(*r);
    // A result whose task has no vidjil_job row (imported from the original): status only.
    auto legacy = db.query_one("SELECT t.id, t.task_name, t.status FROM results_file r JOIN scheduler_task t "
                               "ON t.id = r.scheduler_task_id WHERE r.id = ?",
                               {rid});
    if (!legacy) return std::nullopt;
    Job j;
    j.task_id = legacy->integer(0);
    j.kind = legacy->str(1);
    j.status = legacy->str(2);
    j.results_file_id = rid;
    return j;
}

std::optional<JobState> job_state_of_result(db::Connection& db, int64_t rid) {
    auto r = db.query_one("SELECT SQL_CACHE t.status, j.message FROM results_file r JOIN scheduler_task t "
                          "ON t.id = r.scheduler_task_id LEFT JOIN vidjil_job j ON j.task_id = t.id WHERE r.id = ?",
                          {rid});
    if (!r) return std::nullopt;
    return JobState{r->str(0), r->str(1)};
}

const SessionJoin kJobStateJoin = {
    ", jr.id AS job_rid, jt.status AS job_status, jj.message AS job_message",
    " LEFT JOIN (results_file jr JOIN scheduler_task jt ON jt.id = jr.scheduler_task_id "
    "LEFT JOIN vidjil_job jj ON jj.task_id = jt.id) ON jr.id = ?"};

std::optional<JobState> job_state_from_session_row(const db::Row& joined, int64_t rid) {
    if (joined.integer("job_rid", 0) != rid) return std::nullopt;
    return JobState{joined.str("job_status"), joined.str("job_message")};
}

std::optional<Job> claim_job(db::Connection& db, const std::string& host, int pid, int max_running, int64_t now) {
    // A deadlock or lock wait timeout with another claimer (another host) runs the claim again.
    return db::with_retry(db, [&]() -> std::optional<Job> {
        // Outside the transaction: an INSERT IGNORE of an existing row takes a shared lock, and two
        // claimers upgrading it to exclusive below would deadlock.
        db.exec("INSERT IGNORE INTO vidjil_runner_host (host, pid, heartbeat) VALUES (?, ?, ?)", {host, pid, now});
        // Each statement sees the latest commits: the count must include a claim made a moment ago.
        db.exec_raw("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
        db::Transaction tx(db);
        db.query("SELECT host FROM vidjil_runner_host WHERE host = ? FOR UPDATE", {host});
        auto n = db.query_one("SELECT COUNT(*) FROM vidjil_job j JOIN scheduler_task t ON t.id = j.task_id "
                              "WHERE j.host = ? AND t.status = 'RUNNING'",
                              {host});
        if (n && n->integer(0) >= max_running) {
            tx.commit();
            return std::nullopt;
        }
        for (;;) {
            auto t = db.query_one("SELECT id, task_name, args FROM scheduler_task WHERE status = 'QUEUED' "
                                  "AND task_name IN ('process', 'pre_process') ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
            if (!t) {
                tx.commit();
                return std::nullopt;
            }
            int64_t task = t->integer(0);
            bool known = db.query_one("SELECT task_id FROM vidjil_job WHERE task_id = ?", {task}).has_value();
            if (!known && !adopt_legacy_task(db, task, t->str(1), t->str(2))) {
                db.exec("UPDATE scheduler_task SET status = 'FAILED' WHERE id = ?", {task});
                continue;  // unreadable args of an imported task: nothing could ever run it
            }
            db.exec(std::string("UPDATE scheduler_task SET status = 'RUNNING', assigned_worker_name = ?, last_run_time = ") +
                        kNow + ", times_run = COALESCE(times_run, 0) + 1 WHERE id = ?",
                    {host, task});
            db.exec("UPDATE vidjil_job SET host = ?, pid = ?, child_pid = NULL, heartbeat = ?, started_at = NOW(), "
                    "ended_at = NULL, attempts = attempts + 1, message = NULL WHERE task_id = ?",
                    {host, pid, now, task});
            auto job = job_by_task(db, task);
            tx.commit();
            return job;
        }
    });
}

void set_child_pid(db::Connection& db, int64_t task, int child, const std::string& log_path) {
    db::with_retry(db, [&] {
        db.exec("UPDATE vidjil_job SET child_pid = ?, log_path = ? WHERE task_id = ?", {child, log_path, task});
    });
}

void heartbeat(db::Connection& db, const std::string& host, int pid, int64_t now) {
    db::with_retry(db, [&] {
        db.exec("UPDATE vidjil_job j JOIN scheduler_task t ON t.id = j.task_id SET j.heartbeat = ? "
                "WHERE j.host = ? AND j.pid = ? AND t.status = 'RUNNING'",
                {now, host, pid});
        db.exec("INSERT INTO vidjil_runner_host (host, pid, heartbeat) VALUES (?, ?, ?) "
                "ON DUPLICATE KEY UPDATE pid = VALUES(pid), heartbeat = VALUES(heartbeat)",
                {host, pid, now});
    });
}

bool end_job(db::Connection& db, int64_t task, const std::string& host, int pid, const std::string& status,
             const std::string& message) {
    return db::with_retry(db, [&] {
        db::Transaction tx(db);
        auto mine = db.query_one("SELECT t.status FROM scheduler_task t JOIN vidjil_job j ON j.task_id = t.id "
                                 "WHERE t.id = ? AND j.host = ? AND j.pid = ? FOR UPDATE",
                                 {task, host, pid});
        if (!mine || mine->str(0) != jobs::RUNNING) return false;
        bool terminal = jobs::is_terminal(status);
        db.exec(std::string("UPDATE scheduler_task SET status = ?, stop_time = ") + (terminal ? kNow : "NULL") +
                    ", times_failed = COALESCE(times_failed, 0) + ? WHERE id = ?",
                {status, status == jobs::COMPLETED || !terminal ? 0 : 1, task});
        db.exec(std::string("UPDATE vidjil_job SET ended_at = ") + (terminal ? "NOW()" : "NULL") +
                    ", heartbeat = NULL, message = ? WHERE task_id = ?",
                {message.empty() ? db::Param(std::nullopt) : message, task});
        tx.commit();
        return true;
    });
}

std::vector<Job> running_jobs(db::Connection& db) {
    std::vector<Job> out;
    for (const auto& r : db.query(std::string(kJobColumns) + "WHERE t.status = 'RUNNING' ORDER BY t.id"))
        out.push_back(job_of_row(r));
    return out;
}

std::string recover_job(db::Connection& db, const Job& seen, int max_attempts, const std::string& why) {
    bool retry = seen.attempts < max_attempts;
    bool changed = db::with_retry(db, [&] {
        db::Transaction tx(db);
        auto now = db.query_one("SELECT t.status, j.host, j.pid FROM scheduler_task t JOIN vidjil_job j ON j.task_id = t.id "
                                "WHERE t.id = ? FOR UPDATE",
                                {seen.task_id});
        if (!now || now->str(0) != jobs::RUNNING || now->str(1) != seen.host || now->opt_int("pid") != seen.pid)
            return false;
        std::string status = retry ? jobs::QUEUED : jobs::FAILED;
        std::string message = retry ? why + "; the job was queued again"
                                    : why + "; given up after " + std::to_string(seen.attempts) + " attempts";
        db.exec(std::string("UPDATE scheduler_task SET status = ?, stop_time = ") + (retry ? "NULL" : kNow) + " WHERE id = ?",
                {status, seen.task_id});
        db.exec(std::string("UPDATE vidjil_job SET heartbeat = NULL, message = ?, ended_at = ") + (retry ? "NULL" : "NOW()") +
                    " WHERE task_id = ?",
                {message, seen.task_id});
        if (seen.kind == jobs::TASK_PRE_PROCESS && seen.sequence_file_id)
            db.exec("UPDATE sequence_file SET pre_process_flag = ? WHERE id = ?", {retry ? "WAIT" : "FAILED", *seen.sequence_file_id});
        tx.commit();
        return true;
    });
    if (!changed) return "";
    if (!retry && seen.kind == jobs::TASK_PRE_PROCESS && seen.sequence_file_id)
        release_waiting_runs(db, *seen.sequence_file_id, false);
    return retry ? jobs::QUEUED : jobs::FAILED;
}

void release_waiting_runs(db::Connection& db, int64_t sf, bool ok) {
    db::with_retry(db, [&] {
        if (ok) {
            db.exec("UPDATE scheduler_task t JOIN vidjil_job j ON j.task_id = t.id SET t.status = 'QUEUED' "
                    "WHERE j.sequence_file_id = ? AND j.kind = 'process' AND t.status = 'WAITING'",
                    {sf});
            return;
        }
        db.exec(std::string("UPDATE scheduler_task t JOIN vidjil_job j ON j.task_id = t.id SET t.status = 'FAILED', "
                            "t.stop_time = ") + kNow + ", j.ended_at = NOW(), j.message = 'the pre-process of this file failed' "
                    "WHERE j.sequence_file_id = ? AND j.kind = 'process' AND t.status = 'WAITING'",
                {sf});
    });
}

void requeue_stale_waiting(db::Connection& db) {
    db::with_retry(db, [&] {
        db.exec("UPDATE scheduler_task t JOIN vidjil_job j ON j.task_id = t.id JOIN sequence_file f ON f.id = j.sequence_file_id "
                "SET t.status = 'QUEUED' WHERE t.status = 'WAITING' AND j.kind = 'process' "
                "AND (f.pre_process_flag IS NULL OR f.pre_process_flag IN ('COMPLETED', 'DONE', 'FAILED', ''))");
    });
}

std::vector<JobLine> recent_jobs(db::Connection& db, const std::vector<int64_t>& groups, int days) {
    std::vector<JobLine> out;
    if (groups.empty()) return out;
    db::Params p;
    for (int64_t g : groups) p.emplace_back(g);
    p.emplace_back(days);
    auto rows = db.query(
        "SELECT DISTINCT r.id, r.sequence_file_id, r.config_id, m.sample_set_id, t.status, c.name AS config_name, "
        "f.filename, DATE_FORMAT(r.run_date, '%Y-%m-%d %H:%i:%s') AS run_date, s.sample_type, "
        "DATE_FORMAT(j.started_at, '%Y-%m-%d %H:%i:%s') AS started_at, "
        "DATE_FORMAT(j.ended_at, '%Y-%m-%d %H:%i:%s') AS ended_at "
        "FROM results_file r JOIN sequence_file f ON f.id = r.sequence_file_id "
        "JOIN sample_set_membership m ON m.sequence_file_id = f.id JOIN sample_set s ON s.id = m.sample_set_id "
        "JOIN auth_permission p ON p.table_name = 'sample_set' AND p.name = 'access' AND p.record_id = s.id "
        "LEFT JOIN scheduler_task t ON t.id = r.scheduler_task_id LEFT JOIN vidjil_job j ON j.task_id = t.id "
        "LEFT JOIN config c ON c.id = r.config_id "
        "WHERE p.group_id IN (" + placeholders(groups.size()) + ") AND r.hidden = 'F' "
        "AND r.run_date > NOW() - INTERVAL ? DAY ORDER BY r.id DESC LIMIT 500",
        p);
    for (const auto& r : rows) {
        JobLine l;
        l.results_file_id = r.integer(0);
        l.sequence_file_id = r.integer(1);
        l.config_id = r.integer(2);
        l.sample_set_id = r.integer(3);
        l.status = r.str("status");
        l.config_name = r.str("config_name");
        l.filename = r.str("filename");
        l.run_date = r.str("run_date");
        l.sample_type = r.str("sample_type");
        l.started_at = r.str("started_at");
        l.ended_at = r.str("ended_at");
        out.push_back(l);
    }
    return out;
}

}  // namespace vidjil::model
