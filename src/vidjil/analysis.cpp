// .analysis: the default analysis and the reduction get_analysis applies (see analysis.h).
#include "vidjil/analysis.h"

#include "vidjil/vidjil_file.h"

namespace vidjil::files {

Json::Value default_analysis() {
    Json::Value analysis(Json::objectValue);
    Json::Value& samples = analysis["samples"] = Json::Value(Json::objectValue);
    samples["number"] = 0;
    for (const char* key : {"original_names", "order", "info_sequence_file"})
        samples[key] = Json::Value(Json::arrayValue);
    analysis["custom"] = Json::Value(Json::arrayValue);
    analysis["clusters"] = Json::Value(Json::arrayValue);
    analysis["clones"] = Json::Value(Json::arrayValue);
    analysis["tags"] = Json::Value(Json::objectValue);
    analysis["report_save"] = Json::Value(Json::objectValue);
    analysis["vidjil_json_version"] = "2014.09";
    return analysis;
}

Json::Value reduce_analysis(const Json::Value& saved) {
    Json::Value analysis = default_analysis();
    if (!saved.isObject()) return analysis;
    for (const char* key : {"clones", "tags", "report_save"})
        if (saved.isMember(key)) analysis[key] = saved[key];
    if (saved.isMember("clusters"))
        analysis["clusters"] = saved["clusters"];
    else if (saved.isMember("cluster"))
        analysis["clusters"] = saved["cluster"];
    const Json::Value& samples = field(saved, "samples");
    if (samples.isObject())
        for (const std::string& key : samples.getMemberNames())
            analysis["samples"][key] = samples[key];
    return analysis;
}

Json::Value load_analysis(const std::string& path) {
    Json::Value analysis = parse_json(read_file(path), path);
    if (!analysis.isObject())
        throw FormatError(path + ": not an .analysis file (not a JSON object)");
    return analysis;
}

}  // namespace vidjil::files
