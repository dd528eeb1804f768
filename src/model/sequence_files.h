// SQL for sequence files (model.md §1.3): the sequence_file rows, their memberships in sample
// sets, stored data files, checksums (vidjil_sequence_checksum) and the latest result of each
// file for a config, as the set page shows them.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

struct SequenceFile {
    int64_t id = 0;
    std::string sampling_date, info, filename, pre_process_flag;
    std::optional<int64_t> pre_process_id, provider;
    std::optional<std::string> data_file, data_file2;
    int64_t size_file = 0, size_file2 = 0;
    bool network = false;
};

std::optional<SequenceFile> sequence_file_get(db::Connection& db, int64_t id);
int64_t insert_sequence_file(db::Connection& db, const SequenceFile& f);
// Sampling date, info, filename, pre-process id/flag and provider of an existing row.
void update_sequence_file_meta(db::Connection& db, const SequenceFile& f);
// Sets the stored file of field 1 or 2 with its size, and records the checksum.
void set_data_file(db::Connection& db, int64_t id, int file_number, const std::string& stored, int64_t size,
                   const std::string& sha256, bool network);
// Row ids whose data_file or data_file2 is this stored name.
std::vector<int64_t> files_with_stored_name(db::Connection& db, const std::string& stored);
// True while a row still points to this stored name (sequence, pre-process or results file):
// such a file must never be moved away.
bool stored_name_in_use(db::Connection& db, const std::string& stored);
// Bytes uploaded by a user (quota).
int64_t bytes_provided_by(db::Connection& db, int64_t user_id);

void add_set_membership(db::Connection& db, int64_t sample_set_id, int64_t sequence_file_id);
void remove_set_membership(db::Connection& db, int64_t sample_set_id, int64_t sequence_file_id);
std::vector<int64_t> files_of_set(db::Connection& db, int64_t sample_set_id);

// Deletes the row and its results (memberships go by cascade). Returns its stored files.
struct FileRemoval {
    std::vector<std::string> sequences, results, links;
};
void delete_sequence_file(db::Connection& db, int64_t id, FileRemoval& removed);
// Deletes only the results of a file (a new file replaces the data).
void delete_results_of(db::Connection& db, int64_t id, FileRemoval& removed);
// Forgets the stored data (data_file, data_file2 := NULL) but keeps row and results.
void clear_data_files(db::Connection& db, int64_t id, FileRemoval& removed);

// One line of the set page: a file of the set with the latest non-hidden result of a config.
struct SetFileRow {
    db::Row file;                 // sequence_file.*
    int64_t membership_id = 0;
    std::optional<db::Row> result;  // results_file.* (+ status)
};
std::vector<SetFileRow> set_file_rows(db::Connection& db, int64_t sample_set_id, int64_t config_id);

// Pre-processes the user may choose: all (see_all) or those in `ids`.
std::vector<std::pair<int64_t, std::string>> pre_processes(db::Connection& db, bool see_all, const std::set<int64_t>& ids);

}  // namespace vidjil::model
