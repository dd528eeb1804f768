// SQL behind get_data, get_custom_data, get_analysis and save_analysis: what a sample set is
// (patient, run or generic set) and its display name, the results of a set, saved analyses,
// and the per-record log lines.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/db.h"
#include "vidjil/inject.h"

namespace vidjil::model {

// A sample set with its patient, run or generic row.
struct SetInfo {
    int64_t id = 0;
    std::string sample_type;     // patient | run | generic
    int64_t detail_id = 0;       // id of the patient/run/generic row (0 if none)
    std::string first_name, last_name, name, info, date;  // date: run_date of a run
    int64_t owner_group = 0;     // owner_group() of the set
};
std::optional<SetInfo> set_info(db::Connection& db, int64_t ss);
// The set of a legacy ?patient=<id> / ?run=<id> parameter.
std::optional<int64_t> set_of_detail(db::Connection& db, const std::string& table, int64_t detail_id);
// model.md §2.6: with `anon` "<last> <first>", else the first 3 characters of the last name;
// " (<set id>)" for admins. Runs and generic sets show their name.
std::string display_name(const SetInfo& s, bool anon, bool admin);
// get_set_group: the group holding `access` on the set (lowest permission id), 0 if none.
int64_t owner_group(db::Connection& db, int64_t ss);

struct LogLine {
    std::string message, created;
};
// user_log lines of one record, oldest first.
std::vector<LogLine> record_logs(db::Connection& db, const std::string& table, int64_t record, size_t limit = 200);

// Non-hidden results of a config for the files of a set, newest first, for get_data matching.
std::vector<files::SampleRecord> sample_records(db::Connection& db, int64_t ss, int64_t config);
// One result with its file (get_custom_data); nullopt if the result or its file is gone.
std::optional<files::SampleRecord> sample_record(db::Connection& db, int64_t rid);

struct AnalysisRow {
    int64_t id = 0;
    std::string analysis_file, analyze_date;
};
std::optional<AnalysisRow> latest_analysis(db::Connection& db, int64_t ss);
std::vector<AnalysisRow> analyses_with_file(db::Connection& db, const std::string& stored, int64_t* ss);
int64_t insert_analysis(db::Connection& db, int64_t ss, const std::string& stored);
// save_analysis side effects: patient.info / run.info of the set (not generic, as the original),
// and sequence_file.info of files that belong to the set (returns how many were changed).
void update_set_info(db::Connection& db, const SetInfo& s, const std::string& info);
int update_file_infos(db::Connection& db, int64_t ss, const std::vector<std::pair<int64_t, std::string>>& infos);

// Counts for my_account: sets and distinct files of the sets a group owns.
std::pair<int64_t, int64_t> group_counts(db::Connection& db, int64_t group_id);
struct RecentAnalysis {
    int64_t sample_set_id = 0;
    std::string analyze_date;
};
std::vector<RecentAnalysis> recent_analyses(db::Connection& db, int64_t group_id, size_t limit);
// Group ids and roles the user is a member of (or every group for the given ids).
std::vector<std::pair<int64_t, std::string>> groups_by_id(db::Connection& db, const std::vector<int64_t>& ids);

}  // namespace vidjil::model
