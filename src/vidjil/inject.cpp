// Per-sample fields injected by get_data and get_custom_data (see inject.h).
#include "vidjil/inject.h"

#include "vidjil/vidjil_file.h"

namespace vidjil::files {

std::string base_name(const std::string& path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string stem(const std::string& name) { return name.substr(0, name.find('.')); }

namespace {

const SampleRecord* match(const std::string& base, const std::vector<SampleRecord>& records) {
    for (const SampleRecord& r : records)
        if (!r.sequence_data_file.empty() && r.sequence_data_file == base) return &r;
    for (const SampleRecord& r : records)
        if (!r.results_data_file.empty() && r.results_data_file == base) return &r;
    for (const SampleRecord& r : records)
        if (!r.filename.empty() && stem(base_name(r.filename)) == stem(base)) return &r;
    return nullptr;
}

Json::Value id_value(int64_t id) { return Json::Value(static_cast<Json::Int64>(id)); }

void rename_repertoire(Json::Value* distributions, const std::string& from, const std::string& to) {
    if (!distributions || from == to || !distributions->isObject()) return;
    Json::Value& repertoires = (*distributions)["repertoires"];
    if (!repertoires.isObject() || !repertoires.isMember(from)) return;
    repertoires[to] = repertoires[from];
    repertoires.removeMember(from);
}

}  // namespace

void inject_samples(Json::Value& samples, Json::Value* distributions, int64_t config_id,
                    const std::string& config_command, const std::vector<SampleRecord>& records) {
    if (!samples.isObject()) samples = Json::Value(Json::objectValue);
    static const char* const kArrays[] = {"info", "timestamp", "sequence_file_id", "results_file_id",
                                          "config_id", "names", "db_key", "id", "patient_id",
                                          "sample_name", "run_id", "commandline"};
    for (const char* key : kArrays) samples[key] = Json::Value(Json::arrayValue);
    Json::Value& names = samples["original_names"];
    if (!names.isArray()) names = Json::Value(Json::arrayValue);
    for (Json::Value& name : names) {
        std::string full = name.isString() ? name.asString() : "";
        std::string base = base_name(full);
        rename_repertoire(distributions, full, base);
        name = base;
        samples["config_id"].append(id_value(config_id));
        samples["db_key"].append("");
        samples["commandline"].append(config_command);
        const SampleRecord* r = match(base, records);
        if (!r) {
            samples["info"].append(kDeletedSampleInfo);
            samples["timestamp"].append("None");
            for (const char* key : {"sequence_file_id", "results_file_id", "id", "sample_name"}) samples[key].append("");
            samples["names"].append("deleted");
            samples["patient_id"].append(-1);
            samples["run_id"].append(-1);
            continue;
        }
        samples["names"].append(stem(base_name(r->filename)));
        samples["sample_name"].append(id_value(r->sequence_file_id));
        samples["results_file_id"].append(id_value(r->results_file_id));
        samples["info"].append(r->info);
        samples["timestamp"].append(r->sampling_date && !r->sampling_date->empty() ? *r->sampling_date : "None");
        samples["sequence_file_id"].append(id_value(r->sequence_file_id));
        samples["id"].append(id_value(r->sequence_file_id));
        samples["patient_id"].append(id_value(r->patient_id));
        samples["run_id"].append(id_value(r->run_id));
    }
}

void custom_samples(Json::Value& samples, const std::vector<CustomInput>& inputs) {
    if (!samples.isObject()) samples = Json::Value(Json::objectValue);
    for (const char* key : {"original_names", "timestamp", "info", "commandline", "sequence_file_id"})
        samples[key] = Json::Value(Json::arrayValue);
    for (const CustomInput& in : inputs) {
        const SampleRecord& r = in.record;
        for (unsigned i = 0; i < in.samples; ++i) {
            samples["original_names"].append(in.set_name + "_" + base_name(r.filename) + " (" +
                                             std::to_string(r.results_file_id) + ")");
            samples["timestamp"].append(r.sampling_date && !r.sampling_date->empty() ? *r.sampling_date : "None");
            samples["info"].append(r.info);
            samples["commandline"].append(in.config_command);
            samples["sequence_file_id"].append(id_value(r.sequence_file_id));
        }
    }
}

}  // namespace vidjil::files
