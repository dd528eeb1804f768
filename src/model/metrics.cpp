// SQL of the metrics (see metrics.h and doc/metrics.md).
#include "model/metrics.h"

#include "model/users.h"

namespace vidjil::model {

namespace {

int64_t count(db::Connection& db, const std::string& sql) {
    auto r = db.query_one(sql);
    return r ? r->integer(0) : 0;
}

// Rows (id, name, value) -> [{"<id_key>": id, "<name_key>": name, "value": value}, ...].
Json::Value labelled(const db::Rows& rows, const char* id_key, const char* name_key) {
    Json::Value out(Json::arrayValue);
    for (const auto& r : rows) {
        Json::Value v(Json::objectValue);
        v[id_key] = Json::Int64(r.integer(0));
        v[name_key] = r.str(1);
        v["value"] = Json::Int64(r.integer(2));
        out.append(v);
    }
    return out;
}

// The groups owning a sample set: `access` permission on (sample_set, id), model.md §2.
// Distinct (owner group, set) pairs: each set row then counts once per group without a
// COUNT(DISTINCT) over the whole join (cheaper with 100,000 sets).
const char* kOwners =
    "(SELECT DISTINCT group_id, record_id FROM auth_permission WHERE table_name = 'sample_set' AND name = 'access') ap ";

Json::Value sets_by_groups(db::Connection& db, const std::string& table) {
    // `table` is one of the three fixed names below, never a request value. Aggregated first,
    // then named (the group names are joined to 50 rows, not to every set).
    return labelled(db.query(std::string("SELECT o.group_id, g.role, o.n FROM (SELECT ap.group_id, COUNT(*) AS n FROM ") +
                             kOwners + "JOIN " + table + " s ON s.sample_set_id = ap.record_id GROUP BY ap.group_id) o "
                             "JOIN auth_group g ON g.id = o.group_id ORDER BY o.group_id"),
                    "group_id", "group");
}

}  // namespace

Json::Value metrics_fast(db::Connection& db) {
    Json::Value m(Json::objectValue);
    m["user_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM auth_user"));
    m["group_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM auth_group"));
    m["set_patients_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM patient"));
    m["set_runs_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM run"));
    m["set_generics_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM generic"));
    m["sequence_file_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM sequence_file"));
    m["results_file_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM results_file"));
    m["fused_file_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM fused_file"));
    m["analysis_file_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM analysis_file"));
    m["config_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM config"));
    m["pre_process_count"] = Json::Int64(count(db, "SELECT COUNT(*) FROM pre_process"));
    Json::Value jobs(Json::arrayValue);
    for (const auto& r : db.query("SELECT COALESCE(status, ''), COUNT(*) FROM scheduler_task GROUP BY 1 ORDER BY 1")) {
        Json::Value v(Json::objectValue);
        v["status"] = r.str(0);
        v["value"] = Json::Int64(r.integer(1));
        jobs.append(v);
    }
    m["jobs_by_status"] = jobs;
    return m;
}

Json::Value metrics_long(db::Connection& db) {
    Json::Value m(Json::objectValue);
    m["sequence_file_size_bytes"] = Json::Int64(
        count(db, "SELECT COALESCE(SUM(COALESCE(size_file, 0) + COALESCE(size_file2, 0)), 0) FROM sequence_file"));
    // Members of every group except the personal groups (user_NNNN, one per account).
    m["user_by_groups"] = labelled(db.query("SELECT g.id, g.role, COUNT(DISTINCT m.user_id) FROM auth_group g "
                                            "JOIN auth_membership m ON m.group_id = g.id "
                                            "WHERE g.role NOT LIKE 'user\\_%' GROUP BY g.id, g.role ORDER BY g.id"),
                                   "group_id", "group");
    m["set_patients_by_groups"] = sets_by_groups(db, "patient");
    m["set_runs_by_groups"] = sets_by_groups(db, "run");
    m["set_generics_by_groups"] = sets_by_groups(db, "generic");
    m["sequence_file_by_groups"] = labelled(
        db.query(std::string("SELECT o.group_id, g.role, o.n FROM (SELECT ap.group_id, COUNT(DISTINCT ssm.sequence_file_id) "
                             "AS n FROM ") +
                 kOwners + "JOIN sample_set_membership ssm ON ssm.sample_set_id = ap.record_id "
                           "WHERE ssm.sequence_file_id IS NOT NULL GROUP BY ap.group_id) o "
                           "JOIN auth_group g ON g.id = o.group_id ORDER BY o.group_id"),
        "group_id", "group");
    m["results_file_by_config"] = labelled(db.query("SELECT r.config_id, COALESCE(c.name, ''), COUNT(*) FROM results_file r "
                                                    "LEFT JOIN config c ON c.id = r.config_id "
                                                    "WHERE r.config_id IS NOT NULL "
                                                    "GROUP BY r.config_id, c.name ORDER BY r.config_id"),
                                           "config_id", "config");
    Json::Value cg(Json::arrayValue);
    for (const auto& r : db.query(std::string("SELECT o.config_id, COALESCE(c.name, ''), o.group_id, g.role, o.n FROM "
                                              "(SELECT r.config_id, ap.group_id, COUNT(DISTINCT r.id) AS n FROM results_file r "
                                              "JOIN sample_set_membership ssm ON ssm.sequence_file_id = r.sequence_file_id JOIN ") +
                                  kOwners + "ON ap.record_id = ssm.sample_set_id WHERE r.config_id IS NOT NULL "
                                            "GROUP BY r.config_id, ap.group_id) o JOIN auth_group g ON g.id = o.group_id "
                                            "LEFT JOIN config c ON c.id = o.config_id ORDER BY o.config_id, o.group_id")) {
        Json::Value v(Json::objectValue);
        v["config_id"] = Json::Int64(r.integer(0));
        v["config"] = r.str(1);
        v["group_id"] = Json::Int64(r.integer(2));
        v["group"] = r.str(3);
        v["value"] = Json::Int64(r.integer(4));
        cg.append(v);
    }
    m["config_analysis_by_groups"] = cg;
    return m;
}

std::optional<MetricsCacheEntry> metrics_cache_get(db::Connection& db, const std::string& list) {
    auto r = db.query_one("SELECT computed_at, duration_ms, body FROM vidjil_metrics_cache WHERE list = ?", {list});
    if (!r) return std::nullopt;
    return MetricsCacheEntry{r->integer(0), r->integer(1), r->str(2)};
}

void metrics_cache_put(db::Connection& db, const std::string& list, const MetricsCacheEntry& e) {
    db.exec("INSERT INTO vidjil_metrics_cache (list, computed_at, duration_ms, body) VALUES (?, ?, ?, ?) "
            "ON DUPLICATE KEY UPDATE computed_at = VALUES(computed_at), duration_ms = VALUES(duration_ms), "
            "body = VALUES(body)",
            {list, e.computed_at, e.duration_ms, e.body});
}

bool metrics_lock(db::Connection& db, const std::string& list, int timeout_s) {
    auto r = db.query_one("SELECT GET_LOCK(?, ?)", {"vidjil_metrics_" + list, timeout_s});
    return r && r->integer(0) == 1;
}

void metrics_unlock(db::Connection& db, const std::string& list) {
    db.query("SELECT RELEASE_LOCK(?)", {"vidjil_metrics_" + list});
}

ProcessFigures metrics_process(db::Connection& db) {
    ProcessFigures p;
    // Index status_k: ranges of the two statuses only.
    for (const auto& r : db.query("SELECT status, COUNT(*) FROM scheduler_task WHERE status IN ('QUEUED', 'RUNNING') "
                                  "GROUP BY status")) {
        if (r.str(0) == "QUEUED") p.queued = r.integer(1);
        if (r.str(0) == "RUNNING") p.running = r.integer(1);
    }
    // Index vidjil_job__ended (051): the jobs that ended in the last hour, then their status.
    // (forced: with many FAILED tasks the optimizer may start from status_k instead).
    p.failed_last_hour = count(db, "SELECT COUNT(*) FROM vidjil_job j FORCE INDEX (vidjil_job__ended) "
                                   "STRAIGHT_JOIN scheduler_task t ON t.id = j.task_id "
                                   "WHERE j.ended_at >= NOW() - INTERVAL 1 HOUR AND t.status IN ('FAILED', 'TIMEOUT')");
    for (const auto& r : db.query("SELECT host, COALESCE(heartbeat, 0) FROM vidjil_runner_host ORDER BY host"))
        p.runners.push_back(RunnerBeat{r.str(0), r.integer(1)});
    return p;
}

std::optional<int64_t> metrics_group(db::Connection& db) {
    auto g = group_by_role(db, kMetricsRole);
    if (!g) return std::nullopt;
    return g->id;
}

MetricsUserResult ensure_metrics_user(db::Connection& db, const std::string& email, const std::string& hash) {
    MetricsUserResult res;
    db::Transaction tx(db);
    auto g = db.query_one("SELECT id FROM auth_group WHERE role = ? ORDER BY id LIMIT 1 FOR UPDATE", {kMetricsRole});
    int64_t gid = 0;
    if (g) {
        gid = g->integer(0);
    } else {
        gid = insert_group(db, kMetricsRole, std::string("Readers of the server metrics (no access to any data)"));
        res.created_group = true;
    }
    auto u = db.query_one("SELECT id FROM auth_user WHERE LOWER(email) = LOWER(?) ORDER BY id LIMIT 1 FOR UPDATE", {email});
    if (u) {
        res.user_id = u->integer(0);
        auto other = db.query_one("SELECT g.role FROM auth_membership m JOIN auth_group g ON g.id = m.group_id "
                                  "WHERE m.user_id = ? AND m.group_id <> ? LIMIT 1",
                                  {res.user_id, gid});
        if (other) {
            res.problem = "the user " + email + " already exists and is a member of group '" + other->str(0) +
                          "': the metrics account must be an account of its own (no other group)";
            res.user_id = 0;
            return res;  // rolled back: nothing changes
        }
    } else {
        res.user_id = insert_user(db, email, "Metrics", "Reader", hash);
        res.created_user = true;
    }
    if (!db.query_one("SELECT id FROM auth_membership WHERE user_id = ? AND group_id = ?", {res.user_id, gid})) {
        add_membership(db, res.user_id, gid);
        res.added_membership = true;
    }
    tx.commit();
    return res;
}

}  // namespace vidjil::model
