// SQL for sequence files (see sequence_files.h).
#include "model/sequence_files.h"

#include <map>

#include "model/acl.h"

namespace vidjil::model {

namespace {

const char* kFileColumns =
    "sf.id, sf.patient_id, DATE_FORMAT(sf.sampling_date, '%Y-%m-%d') AS sampling_date, sf.info, sf.filename, sf.pcr, "
    "sf.sequencer, sf.producer, sf.size_file, sf.size_file2, sf.network, sf.provider, sf.pre_process_id, "
    "sf.pre_process_result, sf.pre_process_flag, sf.pre_process_scheduler_task_id, sf.data_file, sf.data_file2, "
    "sf.pre_process_file";

db::Param opt_text(const std::string& s) { return s.empty() ? db::Param(std::nullopt) : db::Param(s); }

// Stored names of results (DIR_RESULTS) of a file, before their rows go.
void collect_results(db::Connection& db, int64_t id, FileRemoval& removed) {
    for (const auto& r : db.query("SELECT data_file FROM results_file WHERE sequence_file_id = ? AND data_file IS NOT NULL",
                                  {id}))
        removed.results.push_back(r.str(0));
}

void collect_data(db::Connection& db, int64_t id, FileRemoval& removed) {
    auto r = db.query_one("SELECT data_file, data_file2, pre_process_file, network FROM sequence_file WHERE id = ?", {id});
    if (!r) return;
    bool network = r->str(3) == "T";
    for (size_t i : {size_t(0), size_t(1)})
        if (r->at(i) && !r->str(i).empty()) (network ? removed.links : removed.sequences).push_back(r->str(i));
    if (r->at(2) && !r->str(2).empty()) removed.results.push_back(r->str(2));
}

}  // namespace

std::optional<SequenceFile> sequence_file_get(db::Connection& db, int64_t id) {
    auto r = db.query_one("SELECT id, DATE_FORMAT(sampling_date, '%Y-%m-%d'), info, filename, pre_process_flag, "
                          "pre_process_id, provider, data_file, data_file2, size_file, size_file2, network "
                          "FROM sequence_file WHERE id = ?",
                          {id});
    if (!r) return std::nullopt;
    SequenceFile f;
    f.id = r->integer(0);
    f.sampling_date = r->str(1);
    f.info = r->str(2);
    f.filename = r->str(3);
    f.pre_process_flag = r->str(4);
    if (r->at(5)) f.pre_process_id = r->integer(5);
    if (r->at(6)) f.provider = r->integer(6);
    f.data_file = r->at(7);
    f.data_file2 = r->at(8);
    f.size_file = r->integer(9);
    f.size_file2 = r->integer(10);
    f.network = r->str(11) == "T";
    return f;
}

int64_t insert_sequence_file(db::Connection& db, const SequenceFile& f) {
    db.exec("INSERT INTO sequence_file (sampling_date, info, filename, pre_process_id, pre_process_flag, provider, "
            "size_file, size_file2, network) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 'F')",
            {opt_text(f.sampling_date), f.info, f.filename, f.pre_process_id, opt_text(f.pre_process_flag), f.provider});
    return static_cast<int64_t>(db.last_insert_id());
}

void update_sequence_file_meta(db::Connection& db, const SequenceFile& f) {
    db.exec("UPDATE sequence_file SET sampling_date = ?, info = ?, filename = ?, pre_process_id = ?, "
            "pre_process_flag = ?, provider = ? WHERE id = ?",
            {opt_text(f.sampling_date), f.info, f.filename, f.pre_process_id, opt_text(f.pre_process_flag), f.provider,
             f.id});
}

void set_data_file(db::Connection& db, int64_t id, int file_number, const std::string& stored, int64_t size,
                   const std::string& sha256, bool network) {
    if (file_number == 2)
        db.exec("UPDATE sequence_file SET data_file2 = ?, size_file2 = ? WHERE id = ?", {stored, size, id});
    else
        db.exec("UPDATE sequence_file SET data_file = ?, size_file = ?, network = ? WHERE id = ?",
                {stored, size, db::tf(network), id});
    db.exec("DELETE FROM vidjil_sequence_checksum WHERE sequence_file_id = ? AND file_number = ?", {id, file_number});
    if (!sha256.empty())
        db.exec("INSERT INTO vidjil_sequence_checksum (sequence_file_id, file_number, stored_name, size, sha256, created) "
                "VALUES (?, ?, ?, ?, ?, NOW())",
                {id, file_number, stored, size, sha256});
}

std::vector<int64_t> files_with_stored_name(db::Connection& db, const std::string& stored) {
    std::vector<int64_t> out;
    for (const auto& r : db.query("SELECT id FROM sequence_file WHERE data_file = ? UNION "
                                  "SELECT id FROM sequence_file WHERE data_file2 = ?",
                                  {stored, stored}))
        out.push_back(r.integer(0));
    return out;
}

bool stored_name_in_use(db::Connection& db, const std::string& stored) {
    return db.query_one("SELECT 1 FROM sequence_file WHERE data_file = ? OR data_file2 = ? OR pre_process_file = ? "
                        "UNION ALL SELECT 1 FROM results_file WHERE data_file = ? LIMIT 1",
                        {stored, stored, stored, stored})
        .has_value();
}

int64_t bytes_provided_by(db::Connection& db, int64_t user_id) {
    auto r = db.query_one("SELECT COALESCE(SUM(COALESCE(size_file, 0) + COALESCE(size_file2, 0)), 0) FROM sequence_file "
                          "WHERE provider = ? AND (network IS NULL OR network <> 'T')",
                          {user_id});
    return r ? r->integer(0) : 0;
}

void add_set_membership(db::Connection& db, int64_t sample_set_id, int64_t sequence_file_id) {
    if (db.query_one("SELECT id FROM sample_set_membership WHERE sample_set_id = ? AND sequence_file_id = ?",
                     {sample_set_id, sequence_file_id}))
        return;
    db.exec("INSERT INTO sample_set_membership (sample_set_id, sequence_file_id) VALUES (?, ?)",
            {sample_set_id, sequence_file_id});
}

void remove_set_membership(db::Connection& db, int64_t sample_set_id, int64_t sequence_file_id) {
    db.exec("DELETE FROM sample_set_membership WHERE sample_set_id = ? AND sequence_file_id = ?",
            {sample_set_id, sequence_file_id});
}

std::vector<int64_t> files_of_set(db::Connection& db, int64_t sample_set_id) {
    std::vector<int64_t> out;
    for (const auto& r : db.query("SELECT DISTINCT sequence_file_id FROM sample_set_membership WHERE sample_set_id = ? "
                                  "AND sequence_file_id IS NOT NULL ORDER BY sequence_file_id",
                                  {sample_set_id}))
        out.push_back(r.integer(0));
    return out;
}

void delete_sequence_file(db::Connection& db, int64_t id, FileRemoval& removed) {
    collect_data(db, id, removed);
    collect_results(db, id, removed);
    db.exec("DELETE FROM results_file WHERE sequence_file_id = ?", {id});
    db.exec("DELETE FROM tag_ref WHERE table_name = 'sequence_file' AND record_id = ?", {id});
    db.exec("DELETE FROM sequence_file WHERE id = ?", {id});
}

void delete_results_of(db::Connection& db, int64_t id, FileRemoval& removed) {
    collect_results(db, id, removed);
    db.exec("DELETE FROM results_file WHERE sequence_file_id = ?", {id});
}

void clear_data_files(db::Connection& db, int64_t id, FileRemoval& removed) {
    auto r = db.query_one("SELECT data_file, data_file2, network FROM sequence_file WHERE id = ?", {id});
    if (!r) return;
    for (size_t i : {size_t(0), size_t(1)})
        if (r->at(i) && !r->str(i).empty()) (r->str(2) == "T" ? removed.links : removed.sequences).push_back(r->str(i));
    db.exec("UPDATE sequence_file SET data_file = NULL, data_file2 = NULL, network = 'F' WHERE id = ?", {id});
    db.exec("DELETE FROM vidjil_sequence_checksum WHERE sequence_file_id = ?", {id});
}

std::vector<SetFileRow> set_file_rows(db::Connection& db, int64_t sample_set_id, int64_t config_id) {
    std::vector<SetFileRow> out;
    std::map<int64_t, size_t> index;
    for (auto& r : db.query(std::string("SELECT ") + kFileColumns +
                                ", m.id AS membership_id FROM sample_set_membership m JOIN sequence_file sf ON sf.id = "
                                "m.sequence_file_id WHERE m.sample_set_id = ? ORDER BY sf.id",
                            {sample_set_id})) {
        int64_t fid = r.integer("id");
        if (index.count(fid)) continue;
        index[fid] = out.size();
        int64_t mid = r.integer("membership_id");
        out.push_back(SetFileRow{std::move(r), mid, std::nullopt});
    }
    if (out.empty() || config_id <= 0) return out;
    // The results of the set's files, found through its memberships: no list of 5000 file ids
    // to send and parse for a large run (issue 13). Each file keeps its newest result (latest
    // run_date, NULL oldest, then highest id: ORDER BY r.run_date DESC, r.id DESC's first),
    // chosen here: the ORDER BY sorted the joined rows in a temporary table (5000-file run:
    // 28-34 -> 16-22 ms for the statement). run_date's text (DATE_FORMAT, fixed width) sorts
    // as the date.
    auto newer = [](const db::Row& a, const db::Row& b) {  // a after b in that order's reverse
        if (a.is_null("run_date") != b.is_null("run_date")) return b.is_null("run_date");
        if (!a.is_null("run_date") && a.str("run_date") != b.str("run_date")) return a.str("run_date") > b.str("run_date");
        return a.integer("id") > b.integer("id");
    };
    for (auto& r : db.query("SELECT r.id, r.sequence_file_id, r.config_id, DATE_FORMAT(r.run_date, '%Y-%m-%d %H:%i:%s') "
                            "AS run_date, r.scheduler_task_id, r.hidden, r.data_file, COALESCE(st.status, '') AS status "
                            "FROM sample_set_membership m JOIN results_file r ON r.sequence_file_id = m.sequence_file_id "
                            "LEFT JOIN scheduler_task st ON st.id = r.scheduler_task_id WHERE m.sample_set_id = ? AND "
                            "r.config_id = ? AND r.hidden = 'F'",
                            {sample_set_id, config_id})) {
        auto at = index.find(r.integer("sequence_file_id"));
        if (at == index.end()) continue;
        SetFileRow& row = out[at->second];
        if (!row.result || newer(r, *row.result)) row.result = std::move(r);
    }
    return out;
}

std::vector<std::pair<int64_t, std::string>> pre_processes(db::Connection& db, bool see_all, const std::set<int64_t>& ids) {
    std::vector<std::pair<int64_t, std::string>> out;
    if (!see_all && ids.empty()) return out;
    db::Params p;
    std::string sql = "SELECT id, name FROM pre_process";
    if (!see_all) {
        sql += " WHERE id IN (" + placeholders(ids.size()) + ")";
        for (int64_t id : ids) p.emplace_back(static_cast<long long>(id));
    }
    for (const auto& r : db.query(sql + " ORDER BY id", p)) out.emplace_back(r.integer(0), r.str(1));
    return out;
}

}  // namespace vidjil::model
