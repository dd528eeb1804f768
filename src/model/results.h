// SQL of results and fused files, and the sequence-file reads and writes the runner needs
// (results_file, fused_file, sequence_file's data and pre-process columns).
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

struct ResultRow {
    int64_t id = 0, sequence_file_id = 0;
    std::optional<int64_t> config_id, task_id;
    std::string run_date;
    bool hidden = false;
    std::optional<std::string> data_file;
};
std::optional<ResultRow> result_by_id(db::Connection& db, int64_t rid);
// Results whose data_file is this stored name (default/download's object check).
std::vector<ResultRow> results_with_file(db::Connection& db, const std::string& stored);
// After a successful run: data_file and run_date = completion time. False when the row is gone
// (the file or the result was deleted meanwhile).
bool complete_result(db::Connection& db, int64_t rid, const std::string& stored);

struct SequenceFileRow {
    int64_t id = 0;
    std::string filename, info, pre_process_flag;
    std::optional<std::string> data_file, data_file2, pre_process_file, sampling_date;
    std::optional<int64_t> pre_process_id, pre_process_task_id;
};
std::optional<SequenceFileRow> sequence_file_by_id(db::Connection& db, int64_t sf);
bool file_in_set(db::Connection& db, int64_t sf, int64_t ss);
// Of these ids, the files that belong to the set.
std::vector<int64_t> files_in_set(db::Connection& db, int64_t ss, const std::vector<int64_t>& ids);
// results_file/run_all_patients: files of patient sets, with data, holding a non-hidden result
// of the config (the results to compute again).
std::vector<int64_t> patient_files_with_results(db::Connection& db, int64_t config_id);

// sample_set/custom: completed, non-hidden results with their file, one set holding the file
// (with its patient/run/generic names) and config; newest first. `sets`: only files of these
// sets (nullopt: any set); `only_set`: only files of that set; config_id -1: any config.
struct CustomRow {
    int64_t results_file_id = 0, sequence_file_id = 0, config_id = 0, sample_set_id = 0, detail_id = 0;
    std::string filename, sampling_date, info, config_name, run_date, sample_type, first_name, last_name, set_name;
};
std::vector<CustomRow> custom_candidates(db::Connection& db, const std::optional<std::set<int64_t>>& sets,
                                         std::optional<int64_t> only_set, int64_t config_id, size_t limit);
void set_pre_process_flag(db::Connection& db, int64_t sf, const std::string& flag);
// A completed pre-process: data_file becomes the merged reads, data_file2 NULL, flag COMPLETED,
// pre_process_file the statistics (if any); the previous stored names are remembered in
// vidjil_sequence_file_origin (the files themselves stay on disk).
void store_pre_process_output(db::Connection& db, int64_t sf, const std::string& merged,
                              const std::optional<std::string>& stats);
// The uploads a pre-process replaced: (data_file, data_file2), when any.
std::optional<std::pair<std::string, std::string>> original_uploads(db::Connection& db, int64_t sf);
struct PreProcessCommand {
    int64_t id = 0;
    std::string name, command;
};
std::optional<PreProcessCommand> pre_process_command(db::Connection& db, int64_t id);

// One input of the fuse of (set, config).
struct FuseSource {
    int64_t sequence_file_id = 0, results_file_id = 0;
    std::string data_file;
    std::optional<std::string> pre_process_file;
};
// Per member file of the set, the newest non-hidden result of the config that has a file (the
// original took the newest row even while it was still running, dropping the sample from the
// fused file until the re-run ended: model.md §9.2).
std::vector<FuseSource> fuse_sources(db::Connection& db, int64_t ss, int64_t config);
// The next transaction of this connection sees, statement by statement, what others committed
// before each statement (READ COMMITTED): a fuse must see the results other runners just stored.
void next_transaction_read_committed(db::Connection& db);
// Locks the sample set row for the rest of the transaction: fuses of one set run one at a time.
bool lock_sample_set(db::Connection& db, int64_t ss);

struct FusedRow {
    int64_t id = 0, sample_set_id = 0, config_id = 0;
    std::string fused_file, fuse_date, sequence_file_list;
};
std::optional<FusedRow> latest_fused(db::Connection& db, int64_t ss, int64_t config);
std::vector<FusedRow> fused_with_file(db::Connection& db, const std::string& stored);
// Updates the newest row of (set, config), or inserts the first one.
void save_fused(db::Connection& db, std::optional<int64_t> existing, int64_t ss, int64_t config,
                const std::string& stored, const std::string& sequence_file_list);
// results_file/delete: the row goes (its files stay on disk, as in the original).
void delete_result(db::Connection& db, int64_t rid);
// Non-hidden results of a config left for the files of a set.
int64_t results_left(db::Connection& db, int64_t ss, int64_t config);
void delete_fused(db::Connection& db, int64_t ss, int64_t config);
// results_file/index: newest results with their file, config and status.
struct ResultLine {
    int64_t id = 0, sequence_file_id = 0, config_id = 0, sample_set_id = 0;
    std::string filename, config_name, run_date, status;
};
std::vector<ResultLine> newest_results(db::Connection& db, size_t limit, bool oldest_first);
// (set, config) pairs to re-fuse after results of this file completed: every set holding the file.
std::vector<int64_t> sets_holding_file(db::Connection& db, int64_t sf);

}  // namespace vidjil::model
