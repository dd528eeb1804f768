// What get_data and get_custom_data write into the samples of a fused result: the database's
// view of each sample (model.md §4.2, §4.4). Pure JSON work; the endpoints gather the rows.
#pragma once

#include <json/json.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vidjil::files {

// One result of the set and config, with its sequence file (newest results first).
struct SampleRecord {
    int64_t sequence_file_id = 0, results_file_id = 0;
    std::string sequence_data_file, results_data_file, filename, info;
    std::optional<std::string> sampling_date;
    int64_t patient_id = -1, run_id = -1;  // a patient / run set holding the file, -1 if none
};

// The text a deleted sample gets as its info.
inline constexpr const char* kDeletedSampleInfo =
    "this file has been deleted from the database, its results are still in the fused file";

// get_data (model.md §4.2): original_names reduced to base names (and the keys of
// distributions.repertoires with them, when `distributions` is given), then the arrays info,
// timestamp, sequence_file_id, results_file_id, config_id, names, db_key, id, patient_id,
// sample_name, run_id and commandline rebuilt, one element per sample. A sample is matched by
// the stored sequence file name, else the stored result name (imports), else the stem of the
// original file name. Unlike the original, every array keeps one element per sample (a deleted
// sample gets -1 / "" rather than nothing) and run_id is a run's id, not the file's.
void inject_samples(Json::Value& samples, Json::Value* distributions, int64_t config_id,
                    const std::string& config_command, const std::vector<SampleRecord>& records);

// One input of a custom comparison, in fuse order.
struct CustomInput {
    SampleRecord record;
    std::string set_name;        // display name of the first set holding the file
    std::string config_command;
    unsigned samples = 1;        // samples of that input in the fused result
};
// get_custom_data (model.md §4.4): original_names "<set name>_<filename> (<results id>)",
// timestamp, info, commandline, sequence_file_id rebuilt per sample.
void custom_samples(Json::Value& samples, const std::vector<CustomInput>& inputs);

// "a/b/c.fa" -> "c.fa"; "c.fa.gz" -> stem "c".
std::string base_name(const std::string& path);
std::string stem(const std::string& name);

}  // namespace vidjil::files
