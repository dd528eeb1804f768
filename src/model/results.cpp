// SQL of results, fused files and the runner's sequence-file columns (see results.h).
#include "model/results.h"

#include "model/acl.h"

namespace vidjil::model {

namespace {

const char* kResultColumns =
    "SELECT id, sequence_file_id, config_id, scheduler_task_id, DATE_FORMAT(run_date, '%Y-%m-%d %H:%i:%s') AS run_date, "
    "hidden, data_file FROM results_file ";

ResultRow result_of_row(const db::Row& r) {
    ResultRow out;
    out.id = r.integer("id");
    out.sequence_file_id = r.integer("sequence_file_id", 0);
    out.config_id = r.opt_int("config_id");
    out.task_id = r.opt_int("scheduler_task_id");
    out.run_date = r.str("run_date");
    out.hidden = r.str("hidden") == "T";
    out.data_file = r.at("data_file");
    if (out.data_file && out.data_file->empty()) out.data_file.reset();
    return out;
}

const char* kFusedColumns =
    "SELECT SQL_CACHE id, sample_set_id, config_id, fused_file, DATE_FORMAT(fuse_date, '%Y-%m-%d %H:%i:%s') AS fuse_date, "
    "sequence_file_list FROM fused_file ";

FusedRow fused_of_row(const db::Row& r) {
    FusedRow f;
    f.id = r.integer("id");
    f.sample_set_id = r.integer("sample_set_id", 0);
    f.config_id = r.integer("config_id", 0);
    f.fused_file = r.str("fused_file");
    f.fuse_date = r.str("fuse_date");
    f.sequence_file_list = r.str("sequence_file_list");
    return f;
}

std::optional<std::string> non_empty(const db::Value& v) {
    if (!v || v->empty()) return std::nullopt;
    return v;
}

}  // namespace

std::optional<ResultRow> result_by_id(db::Connection& db, int64_t rid) {
    auto r = db.query_one(std::string(kResultColumns) + "WHERE id = ?", {rid});
    if (!r) return std::nullopt;
    return result_of_row(*r);
}

std::vector<ResultRow> results_with_file(db::Connection& db, const std::string& stored) {
    std::vector<ResultRow> out;
    for (const auto& r : db.query(std::string(kResultColumns) + "WHERE data_file = ?", {stored}))
        out.push_back(result_of_row(r));
    return out;
}

bool complete_result(db::Connection& db, int64_t rid, const std::string& stored) {
    return db.exec("UPDATE results_file SET data_file = ?, run_date = NOW() WHERE id = ?", {stored, rid}) > 0 ||
           db.query_one("SELECT id FROM results_file WHERE id = ?", {rid}).has_value();
}

std::optional<SequenceFileRow> sequence_file_by_id(db::Connection& db, int64_t sf) {
    auto r = db.query_one("SELECT id, filename, info, pre_process_flag, data_file, data_file2, pre_process_file, "
                          "DATE_FORMAT(sampling_date, '%Y-%m-%d') AS sampling_date, pre_process_id, pre_process_scheduler_task_id "
                          "FROM sequence_file WHERE id = ?",
                          {sf});
    if (!r) return std::nullopt;
    SequenceFileRow f;
    f.id = r->integer("id");
    f.filename = r->str("filename");
    f.info = r->str("info");
    f.pre_process_flag = r->str("pre_process_flag");
    f.data_file = non_empty(r->at("data_file"));
    f.data_file2 = non_empty(r->at("data_file2"));
    f.pre_process_file = non_empty(r->at("pre_process_file"));
    f.sampling_date = r->at("sampling_date");
    f.pre_process_id = r->opt_int("pre_process_id");
    f.pre_process_task_id = r->opt_int("pre_process_scheduler_task_id");
    return f;
}

bool file_in_set(db::Connection& db, int64_t sf, int64_t ss) {
    return db.query_one("SELECT id FROM sample_set_membership WHERE sample_set_id = ? AND sequence_file_id = ? LIMIT 1",
                        {ss, sf})
        .has_value();
}

std::vector<int64_t> files_in_set(db::Connection& db, int64_t ss, const std::vector<int64_t>& ids) {
    std::vector<int64_t> out;
    if (ids.empty()) return out;
    db::Params p{ss};
    for (int64_t id : ids) p.emplace_back(id);
    for (const auto& r : db.query("SELECT DISTINCT sequence_file_id FROM sample_set_membership WHERE sample_set_id = ? "
                                  "AND sequence_file_id IN (" + placeholders(ids.size()) + ") ORDER BY sequence_file_id",
                                  p))
        out.push_back(r.integer(0));
    return out;
}

std::vector<int64_t> patient_files_with_results(db::Connection& db, int64_t config_id) {
    std::vector<int64_t> out;
    for (const auto& r : db.query("SELECT DISTINCT f.id FROM sequence_file f "
                                  "JOIN sample_set_membership m ON m.sequence_file_id = f.id "
                                  "JOIN sample_set s ON s.id = m.sample_set_id AND s.sample_type = 'patient' "
                                  "JOIN results_file r ON r.sequence_file_id = f.id AND r.config_id = ? AND r.hidden = 'F' "
                                  "WHERE f.data_file IS NOT NULL AND f.data_file <> '' ORDER BY f.id",
                                  {config_id}))
        out.push_back(r.integer(0));
    return out;
}

std::vector<CustomRow> custom_candidates(db::Connection& db, const std::optional<std::set<int64_t>>& sets,
                                         std::optional<int64_t> only_set, int64_t config_id, size_t limit) {
    std::vector<CustomRow> out;
    if (sets && sets->empty()) return out;
    std::string sql =
        "SELECT r.id, f.id, r.config_id, m.sample_set_id, f.filename, DATE_FORMAT(f.sampling_date, '%Y-%m-%d'), "
        "f.info, c.name, DATE_FORMAT(r.run_date, '%Y-%m-%d %H:%i:%s'), s.sample_type, "
        "COALESCE(p.id, u.id, g.id), p.first_name, p.last_name, COALESCE(u.name, g.name) "
        "FROM results_file r JOIN sequence_file f ON f.id = r.sequence_file_id "
        "JOIN sample_set_membership m ON m.sequence_file_id = f.id JOIN sample_set s ON s.id = m.sample_set_id "
        "LEFT JOIN config c ON c.id = r.config_id "
        "LEFT JOIN patient p ON s.sample_type = 'patient' AND p.sample_set_id = s.id "
        "LEFT JOIN run u ON s.sample_type = 'run' AND u.sample_set_id = s.id "
        "LEFT JOIN generic g ON s.sample_type NOT IN ('patient', 'run') AND g.sample_set_id = s.id "
        "WHERE r.hidden = 'F' AND r.data_file IS NOT NULL AND r.data_file <> ''";
    db::Params p;
    if (only_set) {
        sql += " AND m.sample_set_id = ?";
        p.emplace_back(*only_set);
    }
    if (sets) {
        sql += " AND m.sample_set_id IN (" + placeholders(sets->size()) + ")";
        for (int64_t id : *sets) p.emplace_back(id);
    }
    if (config_id >= 0) {
        sql += " AND r.config_id = ?";
        p.emplace_back(config_id);
    }
    sql += " ORDER BY r.run_date DESC, r.id DESC, m.sample_set_id LIMIT ?";
    p.emplace_back(static_cast<int64_t>(limit));
    for (const auto& r : db.query(sql, p)) {
        CustomRow c;
        c.results_file_id = r.integer(0);
        c.sequence_file_id = r.integer(1);
        c.config_id = r.integer(2, 0);
        c.sample_set_id = r.integer(3);
        c.filename = r.str(4);
        c.sampling_date = r.str(5);
        c.info = r.str(6);
        c.config_name = r.str(7);
        c.run_date = r.str(8);
        c.sample_type = r.str(9);
        c.detail_id = r.integer(10, 0);
        c.first_name = r.str(11);
        c.last_name = r.str(12);
        c.set_name = r.str(13);
        out.push_back(std::move(c));
    }
    return out;
}

void set_pre_process_flag(db::Connection& db, int64_t sf, const std::string& flag) {
    db.exec("UPDATE sequence_file SET pre_process_flag = ? WHERE id = ?", {flag, sf});
}

void store_pre_process_output(db::Connection& db, int64_t sf, const std::string& merged,
                              const std::optional<std::string>& stats) {
    db::Transaction tx(db);
    auto cur = db.query_one("SELECT data_file, data_file2 FROM sequence_file WHERE id = ? FOR UPDATE", {sf});
    if (!cur) return;
    // Only the first replacement is recorded: a re-run starts from the real uploads, not from a
    // previous merge.
    db.exec("INSERT IGNORE INTO vidjil_sequence_file_origin (sequence_file_id, data_file, data_file2, replaced_at) "
            "VALUES (?, ?, ?, NOW())",
            {sf, cur->at("data_file"), cur->at("data_file2")});
    db.exec("UPDATE sequence_file SET data_file = ?, data_file2 = NULL, pre_process_flag = 'COMPLETED', "
            "pre_process_file = COALESCE(?, pre_process_file) WHERE id = ?",
            {merged, stats, sf});
    tx.commit();
}

std::optional<std::pair<std::string, std::string>> original_uploads(db::Connection& db, int64_t sf) {
    auto r = db.query_one("SELECT data_file, data_file2 FROM vidjil_sequence_file_origin WHERE sequence_file_id = ?", {sf});
    if (!r) return std::nullopt;
    return std::make_pair(r->str(0), r->str(1));
}

std::optional<PreProcessCommand> pre_process_command(db::Connection& db, int64_t id) {
    auto r = db.query_one("SELECT id, name, command FROM pre_process WHERE id = ?", {id});
    if (!r) return std::nullopt;
    return PreProcessCommand{r->integer(0), r->str(1), r->str(2)};
}

std::vector<FuseSource> fuse_sources(db::Connection& db, int64_t ss, int64_t config) {
    std::vector<FuseSource> out;
    auto rows = db.query(
        "SELECT f.id AS sf, r.id AS rid, r.data_file, f.pre_process_file FROM sequence_file f "
        "JOIN results_file r ON r.id = (SELECT r2.id FROM results_file r2 WHERE r2.sequence_file_id = f.id "
        "AND r2.config_id = ? AND r2.hidden = 'F' AND r2.data_file IS NOT NULL AND r2.data_file <> '' "
        "ORDER BY r2.run_date DESC, r2.id DESC LIMIT 1) "
        "WHERE f.id IN (SELECT sequence_file_id FROM sample_set_membership WHERE sample_set_id = ?) ORDER BY f.id",
        {config, ss});
    for (const auto& r : rows)
        out.push_back({r.integer("sf"), r.integer("rid"), r.str("data_file"), non_empty(r.at("pre_process_file"))});
    return out;
}

void next_transaction_read_committed(db::Connection& db) {
    db.exec_raw("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

bool lock_sample_set(db::Connection& db, int64_t ss) {
    return db.query_one("SELECT id FROM sample_set WHERE id = ? FOR UPDATE", {ss}).has_value();
}

std::optional<FusedRow> latest_fused(db::Connection& db, int64_t ss, int64_t config) {
    auto r = db.query_one(std::string(kFusedColumns) +
                              "WHERE sample_set_id = ? AND config_id = ? ORDER BY fuse_date DESC, id DESC LIMIT 1",
                          {ss, config});
    if (!r) return std::nullopt;
    return fused_of_row(*r);
}

std::vector<FusedRow> fused_with_file(db::Connection& db, const std::string& stored) {
    std::vector<FusedRow> out;
    for (const auto& r : db.query(std::string(kFusedColumns) + "WHERE fused_file = ?", {stored}))
        out.push_back(fused_of_row(r));
    return out;
}

void save_fused(db::Connection& db, std::optional<int64_t> existing, int64_t ss, int64_t config,
                const std::string& stored, const std::string& list) {
    if (existing) {
        db.exec("UPDATE fused_file SET fuse_date = NOW(), fused_file = ?, sequence_file_list = ? WHERE id = ?",
                {stored, list, *existing});
        return;
    }
    db.exec("INSERT INTO fused_file (config_id, sample_set_id, fuse_date, sequence_file_list, fused_file) "
            "VALUES (?, ?, NOW(), ?, ?)",
            {config, ss, list, stored});
}

void delete_result(db::Connection& db, int64_t rid) { db.exec("DELETE FROM results_file WHERE id = ?", {rid}); }

int64_t results_left(db::Connection& db, int64_t ss, int64_t config) {
    auto r = db.query_one("SELECT COUNT(*) FROM results_file WHERE config_id = ? AND hidden = 'F' AND sequence_file_id IN "
                          "(SELECT sequence_file_id FROM sample_set_membership WHERE sample_set_id = ?)",
                          {config, ss});
    return r ? r->integer(0) : 0;
}

void delete_fused(db::Connection& db, int64_t ss, int64_t config) {
    db.exec("DELETE FROM fused_file WHERE sample_set_id = ? AND config_id = ?", {ss, config});
}

std::vector<ResultLine> newest_results(db::Connection& db, size_t limit, bool oldest_first) {
    std::vector<ResultLine> out;
    auto rows = db.query(
        std::string("SELECT r.id, r.sequence_file_id, r.config_id, f.filename, c.name, "
                    "DATE_FORMAT(r.run_date, '%Y-%m-%d %H:%i:%s') AS run_date, t.status, "
                    "(SELECT MIN(m.sample_set_id) FROM sample_set_membership m WHERE m.sequence_file_id = f.id) AS ss "
                    "FROM results_file r JOIN sequence_file f ON f.id = r.sequence_file_id "
                    "LEFT JOIN config c ON c.id = r.config_id LEFT JOIN scheduler_task t ON t.id = r.scheduler_task_id "
                    "WHERE r.hidden = 'F' ORDER BY r.id ") +
            (oldest_first ? "ASC" : "DESC") + " LIMIT ?",
        {static_cast<int64_t>(limit)});
    for (const auto& r : rows)
        out.push_back({r.integer(0), r.integer(1), r.integer(2, 0), r.integer("ss", 0), r.str(3), r.str(4),
                       r.str("run_date"), r.str("status")});
    return out;
}

std::vector<int64_t> sets_holding_file(db::Connection& db, int64_t sf) {
    std::vector<int64_t> out;
    for (int64_t ss : sets_of_file(db, sf)) out.push_back(ss);
    return out;
}

}  // namespace vidjil::model
