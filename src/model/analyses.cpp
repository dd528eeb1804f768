// SQL of sets as get_data sees them, results of a set, saved analyses (see analyses.h).
#include "model/analyses.h"

#include <algorithm>

#include "model/acl.h"
#include "util/text.h"

namespace vidjil::model {

std::optional<SetInfo> set_info(db::Connection& db, int64_t ss) {
    // One query (get_data's hot path): the set, the first row of its detail table, its owner.
    auto s = db.query_one(
        "SELECT SQL_CACHE s.sample_type, p.id, p.first_name, p.last_name, p.info, r.id, r.name, r.info, r.run_date, "
        "g.id, g.name, g.info, "
        "(SELECT group_id FROM auth_permission WHERE name = 'access' AND table_name = 'sample_set' "
        "AND record_id = s.id ORDER BY id LIMIT 1) "
        "FROM sample_set s "
        "LEFT JOIN patient p ON s.sample_type = 'patient' AND p.id = (SELECT MIN(id) FROM patient WHERE sample_set_id = s.id) "
        "LEFT JOIN run r ON s.sample_type = 'run' AND r.id = (SELECT MIN(id) FROM run WHERE sample_set_id = s.id) "
        "LEFT JOIN generic g ON s.sample_type NOT IN ('patient', 'run') "
        "AND g.id = (SELECT MIN(id) FROM generic WHERE sample_set_id = s.id) "
        "WHERE s.id = ?",
        {ss});
    if (!s) return std::nullopt;
    SetInfo out;
    out.id = ss;
    out.sample_type = s->str(0);
    if (s->at(1)) {
        out.detail_id = s->integer(1);
        out.first_name = s->str(2);
        out.last_name = s->str(3);
        out.info = s->str(4);
    } else if (s->at(5)) {
        out.detail_id = s->integer(5);
        out.name = s->str(6);
        out.info = s->str(7);
        out.date = s->str(8);
    } else if (s->at(9)) {
        out.detail_id = s->integer(9);
        out.name = s->str(10);
        out.info = s->str(11);
    }
    out.owner_group = s->at(12) ? s->integer(12) : 0;
    return out;
}

std::optional<int64_t> set_of_detail(db::Connection& db, const std::string& table, int64_t id) {
    // The table name comes from a fixed list, never from the request.
    std::string sql;
    if (table == "patient") sql = "SELECT sample_set_id FROM patient WHERE id = ?";
    else if (table == "run") sql = "SELECT sample_set_id FROM run WHERE id = ?";
    else if (table == "generic") sql = "SELECT sample_set_id FROM generic WHERE id = ?";
    else return std::nullopt;
    auto r = db.query_one(sql, {id});
    if (!r || r->is_null("sample_set_id")) return std::nullopt;
    return r->integer(0);
}

static std::string first_chars(const std::string& s, size_t n) {
    size_t i = 0, count = 0;
    while (i < s.size() && count < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        ++count;
    }
    return s.substr(0, std::min(i, s.size()));
}

std::string display_name(const SetInfo& s, bool anon, bool admin) {
    std::string name;
    if (s.sample_type == "patient")
        name = anon ? s.last_name + " " + s.first_name : first_chars(s.last_name, 3);
    else
        name = s.name;
    if (admin) name += " (" + std::to_string(s.id) + ")";
    return name;
}

int64_t owner_group(db::Connection& db, int64_t ss) {
    auto r = db.query_one("SELECT group_id FROM auth_permission WHERE name = 'access' AND table_name = 'sample_set' "
                          "AND record_id = ? ORDER BY id LIMIT 1",
                          {ss});
    return r ? r->integer(0, 0) : 0;
}

std::vector<LogLine> record_logs(db::Connection& db, const std::string& table, int64_t record, size_t limit) {
    std::vector<LogLine> out;
    for (const auto& r : db.query("SELECT msg, DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s') FROM user_log "
                                  "WHERE table_name = ? AND record_id = ? ORDER BY created, id LIMIT ?",
                                  {table, record, static_cast<int64_t>(limit)}))
        out.push_back({r.str(0), r.str(1)});
    return out;
}

namespace {

const char* kRecordColumns =
    "SELECT SQL_CACHE r.id AS rid, f.id AS sf, f.data_file AS seq_file, r.data_file AS res_file, f.filename, f.info, "
    "DATE_FORMAT(f.sampling_date, '%Y-%m-%d') AS sampling_date, "
    "(SELECT MIN(p.id) FROM patient p JOIN sample_set_membership mp ON mp.sample_set_id = p.sample_set_id "
    " WHERE mp.sequence_file_id = f.id) AS patient_id, "
    "(SELECT MIN(u.id) FROM run u JOIN sample_set_membership mu ON mu.sample_set_id = u.sample_set_id "
    " WHERE mu.sequence_file_id = f.id) AS run_id "
    "FROM results_file r JOIN sequence_file f ON f.id = r.sequence_file_id ";

files::SampleRecord record_of_row(const db::Row& r) {
    files::SampleRecord s;
    s.results_file_id = r.integer("rid");
    s.sequence_file_id = r.integer("sf");
    s.sequence_data_file = r.str("seq_file");
    s.results_data_file = r.str("res_file");
    s.filename = r.str("filename");
    s.info = r.str("info");
    s.sampling_date = r.at("sampling_date");
    s.patient_id = r.integer("patient_id", -1);
    s.run_id = r.integer("run_id", -1);
    return s;
}

}  // namespace

std::vector<files::SampleRecord> sample_records(db::Connection& db, int64_t ss, int64_t config) {
    std::vector<files::SampleRecord> out;
    auto rows = db.query(std::string(kRecordColumns) +
                             "WHERE r.config_id = ? AND r.hidden = 'F' AND f.id IN "
                             "(SELECT sequence_file_id FROM sample_set_membership WHERE sample_set_id = ?) "
                             "ORDER BY (r.data_file IS NULL), r.run_date DESC, r.id DESC",
                         {config, ss});
    for (const auto& r : rows) out.push_back(record_of_row(r));
    return out;
}

std::optional<files::SampleRecord> sample_record(db::Connection& db, int64_t rid) {
    auto r = db.query_one(std::string(kRecordColumns) + "WHERE r.id = ?", {rid});
    if (!r) return std::nullopt;
    return record_of_row(*r);
}

std::optional<AnalysisRow> latest_analysis(db::Connection& db, int64_t ss) {
    auto r = db.query_one("SELECT id, analysis_file, DATE_FORMAT(analyze_date, '%Y-%m-%d %H:%i:%s') FROM analysis_file "
                          "WHERE sample_set_id = ? ORDER BY analyze_date DESC, id DESC LIMIT 1",
                          {ss});
    if (!r) return std::nullopt;
    return AnalysisRow{r->integer(0), r->str(1), r->str(2)};
}

std::vector<AnalysisRow> analyses_with_file(db::Connection& db, const std::string& stored, int64_t* ss) {
    std::vector<AnalysisRow> out;
    for (const auto& r : db.query("SELECT id, analysis_file, DATE_FORMAT(analyze_date, '%Y-%m-%d %H:%i:%s'), "
                                  "sample_set_id FROM analysis_file WHERE analysis_file = ?",
                                  {stored})) {
        out.push_back({r.integer(0), r.str(1), r.str(2)});
        if (ss) *ss = r.integer(3, 0);
    }
    return out;
}

int64_t insert_analysis(db::Connection& db, int64_t ss, const std::string& stored) {
    db.exec("INSERT INTO analysis_file (sample_set_id, analyze_date, analysis_file) VALUES (?, NOW(), ?)", {ss, stored});
    return static_cast<int64_t>(db.last_insert_id());
}

void update_set_info(db::Connection& db, const SetInfo& s, const std::string& info) {
    if (s.detail_id <= 0) return;
    if (s.sample_type == "patient") db.exec("UPDATE patient SET info = ? WHERE id = ?", {info, s.detail_id});
    else if (s.sample_type == "run") db.exec("UPDATE run SET info = ? WHERE id = ?", {info, s.detail_id});
}

int update_file_infos(db::Connection& db, int64_t ss, const std::vector<std::pair<int64_t, std::string>>& infos) {
    int changed = 0;
    for (const auto& [sf, info] : infos)
        changed += static_cast<int>(db.exec(
            "UPDATE sequence_file SET info = ? WHERE id = ? AND id IN "
            "(SELECT sequence_file_id FROM sample_set_membership WHERE sample_set_id = ?)",
            {info, sf, ss}));
    return changed;
}

std::pair<int64_t, int64_t> group_counts(db::Connection& db, int64_t g) {
    auto r = db.query_one(
        "SELECT COUNT(DISTINCT p.record_id), COUNT(DISTINCT m.sequence_file_id) FROM auth_permission p "
        "LEFT JOIN sample_set_membership m ON m.sample_set_id = p.record_id "
        "WHERE p.group_id = ? AND p.name = 'access' AND p.table_name = 'sample_set' AND p.record_id > 0",
        {g});
    return r ? std::make_pair(r->integer(0, 0), r->integer(1, 0)) : std::make_pair<int64_t, int64_t>(0, 0);
}

std::vector<RecentAnalysis> recent_analyses(db::Connection& db, int64_t g, size_t limit) {
    std::vector<RecentAnalysis> out;
    for (const auto& r : db.query(
             "SELECT a.sample_set_id, DATE_FORMAT(MAX(a.analyze_date), '%Y-%m-%d %H:%i:%s') AS d FROM analysis_file a "
             "JOIN auth_permission p ON p.record_id = a.sample_set_id AND p.name = 'access' AND p.table_name = 'sample_set' "
             "WHERE p.group_id = ? GROUP BY a.sample_set_id ORDER BY d DESC LIMIT ?",
             {g, static_cast<int64_t>(limit)}))
        out.push_back({r.integer(0), r.str(1)});
    return out;
}

std::vector<std::pair<int64_t, std::string>> groups_by_id(db::Connection& db, const std::vector<int64_t>& ids) {
    std::vector<std::pair<int64_t, std::string>> out;
    if (ids.empty()) return out;
    db::Params p;
    for (int64_t id : ids) p.emplace_back(id);
    for (const auto& r : db.query("SELECT id, role FROM auth_group WHERE id IN (" + placeholders(ids.size()) + ") ORDER BY id", p))
        out.emplace_back(r.integer(0), r.str(1));
    return out;
}

}  // namespace vidjil::model
