// SQL for sample sets (model.md §1.2): the sample_set row, its patient/run/generic detail row,
// the group grants that own and share it, listing with filters and paging, and deletion.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

// True for "patient", "run" and "generic": the only detail tables (their names are spliced
// into SQL, so every caller goes through this whitelist).
bool is_set_type(const std::string& type);

// A set and its detail row. Dates are "YYYY-MM-DD" or "".
struct SampleSet {
    int64_t id = 0;         // sample_set.id
    std::string type;       // patient | run | generic
    int64_t detail_id = 0;  // id in the detail table
    std::string first_name, last_name, birth, name, run_date, info, id_label, sequencer, pcr;
    std::optional<int64_t> creator;
    std::string creator_name;  // creator's last name
};

std::optional<SampleSet> sample_set_by_id(db::Connection& db, int64_t id);
// Creates the sample_set row, its detail row and the owner group's access grant.
int64_t insert_sample_set(db::Connection& db, SampleSet& s, int64_t creator, int64_t owner_group);
// Updates the detail row's columns of that type.
void update_sample_set(db::Connection& db, const SampleSet& s);
// Group of the first access grant (the original's get_set_group): the owner.
std::optional<int64_t> set_owner_group(db::Connection& db, int64_t sample_set_id);
// Roles of the groups holding access on the set, in grant order.
std::vector<std::pair<int64_t, std::string>> set_groups(db::Connection& db, int64_t sample_set_id);
bool group_exists(db::Connection& db, int64_t group_id);
// Groups by id with their roles: those in `ids`, or every group when all_groups.
std::vector<std::pair<int64_t, std::string>> groups_named(db::Connection& db, bool all_groups, const std::set<int64_t>& ids);
// Toggles ('access', 'sample_set', id) for a group; returns true when it was granted.
bool toggle_set_access(db::Connection& db, int64_t sample_set_id, int64_t group_id);

// What a list request asks for, and what the user may see.
struct SetListQuery {
    std::string type;                      // whitelisted by is_set_type
    std::vector<std::string> words, tags;  // substring filters, tag names without '#'
    std::string sort;                      // column key, "" = id
    bool reverse = false;
    int64_t limit = -1, offset = 0;        // limit < 0: everything
    bool see_all = false;                  // admin
    std::set<int64_t> read_groups;         // perm_groups("read")
    std::optional<int64_t> public_group;
    std::set<int64_t> anon_groups;         // perm_groups("anon"): names searchable on their sets
    bool details = true;                   // file counts, configs and groups of each row
    std::optional<int64_t> only_id;        // this set only (samplesetById)
    // The number of matching sets when the caller kept it (sample_set/all: an unfiltered
    // list's count, per process while the change counter holds): not counted again.
    std::optional<int64_t> known_total;
    // Sort by file count on the kept counts (sql/062, d.file_count) instead of counting each
    // set's memberships: only when db::set_file_counts_exact() said they hold.
    bool kept_file_counts = false;
    // Sort by name on the detail table's name keys (sql/062: the same order, through an index)
    // instead of the name columns: only when name_keys_usable() said so.
    bool name_keys = false;
    // Filter words matched on the folded columns (sql/063: LOCATE of the word's folded form in
    // search_fold / name_fold, the same sets as the LIKEs on the text columns) instead of a
    // LIKE '%word%' per column: only when folded_words_usable() said so.
    bool folded_words = false;
};
// True when no row of the detail table `type` has a name with a control character
// (name_cntrl, sql/062) and max_sort_length is MariaDB's default (1024): sorting a page (with
// LIMIT) by the name keys then gives exactly its ORDER BY the name columns.
bool name_keys_usable(db::Connection& db, const std::string& type);
// True when every row of the detail table `type` has its folded columns (search_fold_missing,
// sql/063: an info longer than 2000 characters (patient) or 3000 (run, generic) has none): a filter word's LOCATE on them
// then selects exactly the rows its LIKEs on the text columns select.
bool folded_words_usable(db::Connection& db, const std::string& type);
struct SetListRow {
    SampleSet set;
    int64_t file_count = 0, size = 0;
    std::vector<std::pair<int64_t, std::string>> configs;  // configs with a fused file
    std::string fused_concat;  // "cid;name;fused_file,..." as the original's _extra
    std::vector<std::string> groups;
};
// The rows of the query's page; with `total`, also the number of matching sets (same pass).
// With `matching` (and `total`) and a filter or sort that reads every visible set anyway: the
// ids of all the matching sets when there are at most `matching_max` of them and the page is
// among them (list_totals then counts their files without evaluating the filter again);
// left empty otherwise.
std::vector<SetListRow> list_sample_sets(db::Connection& db, const SetListQuery& q, int64_t* total = nullptr,
                                         std::vector<int64_t>* matching = nullptr, int64_t matching_max = 0);
struct SetListTotals {
    int64_t sets = 0, files = 0, size = 0;
    bool files_counted = true;  // false: more than max_sets sets, files and size not counted
};
// Files and bytes of the `sets` matching sets, `page` being the listed page of them; not
// counted (files_counted false) when sets > max_sets (max_sets < 0: no bound).
// `matching`: the ids of all the matching sets when list_sample_sets gave them (else empty).
SetListTotals list_totals(db::Connection& db, const SetListQuery& q, int64_t sets, const std::vector<SetListRow>& page,
                          int64_t max_sets = -1, const std::vector<int64_t>& matching = {});
// Next (direction 1) or previous (-1) set id of the same type visible under `q`.
std::optional<int64_t> neighbour_set(db::Connection& db, const SetListQuery& q, int64_t from, int direction);

// Of `ids`, the sets on which one of `groups` holds access (directly or through the legacy
// patient/run/generic grant): used for `anon`, `admin` and `upload` on a page of sets at once.
std::set<int64_t> sets_granted_to(db::Connection& db, const std::vector<int64_t>& ids, const std::set<int64_t>& groups);

// Configs a set page offers, grouped by classification: all (see_all) or those in `ids`.
struct ConfigChoice {
    int64_t id = 0;
    std::string name, classification;
};
std::vector<ConfigChoice> config_choices(db::Connection& db, bool see_all, const std::set<int64_t>& ids);
// The config with the most fused files of the set (the original meant this for config_id=-1).
std::optional<int64_t> most_used_config(db::Connection& db, int64_t sample_set_id);
// Count and newest stored file of the set's fused files for a config, and of its analyses.
struct ResultFiles {
    int64_t count = 0;
    std::string latest;
};
ResultFiles fused_files(db::Connection& db, int64_t sample_set_id, int64_t config_id);
ResultFiles analysis_files(db::Connection& db, int64_t sample_set_id);
// file id -> ids of the sets containing it, for a set page's files.
std::map<int64_t, std::vector<int64_t>> sets_of_files(db::Connection& db, const std::vector<int64_t>& file_ids);
// The same for every file of a set, found through its memberships (no list of file ids).
std::map<int64_t, std::vector<int64_t>> sets_of_set_files(db::Connection& db, int64_t sample_set_id);

// For vidjil-admin demo-data: the first member of the admin group, and a set found by label.
std::optional<int64_t> first_admin_user(db::Connection& db);
std::optional<int64_t> set_with_label(db::Connection& db, const std::string& type, const std::string& id_label);

// Sets containing the file, with their detail rows.
std::vector<SampleSet> sets_of_sequence_file(db::Connection& db, int64_t sequence_file_id);

// Deletes the set (model.md §1.6) without touching other sets' data: files only in this set
// go with their results, shared files stay. Returns the stored names of the sequence files
// (DIR_SEQUENCES) and results files (DIR_RESULTS) whose rows were removed.
struct RemovedFiles {
    std::vector<std::string> sequences, results, links;  // links: network symlinks
};
RemovedFiles delete_sample_set(db::Connection& db, const SampleSet& s);

}  // namespace vidjil::model
