// The native fuse: inputs, clone selection, build_stat and the fused result (see fuse.h).
#include "vidjil/fuse.h"

#include "jobs/command.h"
#include "vidjil/airr.h"
#include "vidjil/fuse_merge.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>
#include <sstream>
#include <unordered_set>
#include <utility>

namespace vidjil::files {

namespace {

using Json::Value;
using IdSet = std::unordered_set<std::string>;

std::string format_time(std::time_t when) {
    std::tm local{};
    localtime_r(&when, &local);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
    return buf;
}

double top_of(const Value& clone) {
    const Value& top = field(clone, "top");
    return top.isNumeric() ? top.asDouble() : std::numeric_limits<double>::infinity();
}

// vidjil-algo's --min-clones-per-locus: that many clones of each locus are analysed even when
// outside the top, so fuse keeps them too.
unsigned min_clones_per_locus(const Value& result) {
    const Value& value = field(field(result, "config"), "min-clones-per-locus");
    if (value.isIntegral()) return value.asLargestInt() > 0 ? value.asUInt() : 0;
    if (value.isString())
        return static_cast<unsigned>(std::strtoul(value.asCString(), nullptr, 10));
    return 0;
}

void select_in(const Value& result, unsigned top, IdSet& selected) {
    std::map<std::string, std::vector<std::pair<double, std::string>>> by_locus;
    unsigned per_locus = min_clones_per_locus(result);
    for (const Value& clone : field(result, "clones")) {
        std::string id = field(clone, "id").asString();
        if (top == 0 || top_of(clone) <= top) selected.insert(id);
        if (per_locus)
            by_locus[field(clone, "germline").asString()].emplace_back(top_of(clone), id);
    }
    for (auto& [locus, ranked] : by_locus) {
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        for (size_t i = 0; i < ranked.size() && i < per_locus; ++i)
            selected.insert(ranked[i].second);
    }
}

// Warnings are per sample: remember which (fused inputs already carry their own index).
void tag_warnings(Value& warn, unsigned first_sample, unsigned samples) {
    if (!warn.isArray()) return;
    for (Value& w : warn) {
        if (!w.isObject()) continue;
        if (w["sample"].isUInt())
            w["sample"] = w["sample"].asUInt() + first_sample;
        else if (samples == 1)
            w["sample"] = first_sample;
        else
            w.removeMember("sample");
    }
}

Value prepare(const FuseInput& input, unsigned first_sample, const IdSet& selected,
              const FuseOptions& options) {
    Value result = input.result;
    unsigned n = sample_count(result);
    result["samples"]["number"] = n;
    if (input.pre_process.isObject()) {
        result["samples"]["pre_process"] = field(input.pre_process, "pre_process");
        const Value& merged = field(field(input.pre_process, "reads"), "merged");
        if (!merged.isNull()) result["reads"]["merged"] = merged;
    }
    tag_warnings(result["warn"], first_sample, n);
    if (result["warn"].isNull()) result.removeMember("warn");
    build_stat(result);
    add_distributions(result, options.distributions, first_sample);  // all clones, before the cut
    Value kept(Json::arrayValue);
    for (Value& clone : result["clones"]) {
        if (!selected.count(clone["id"].asString())) continue;
        if (clone.isMember("warn")) tag_warnings(clone["warn"], first_sample, n);
        kept.append(std::move(clone));
    }
    result["clones"] = std::move(kept);
    return result;
}

void sort_by_top(Value& clones) {
    std::vector<Value> sorted;
    sorted.reserve(clones.size());
    for (Value& clone : clones) sorted.push_back(std::move(clone));
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Value& x, const Value& y) { return top_of(x) < top_of(y); });
    clones = Value(Json::arrayValue);
    for (Value& clone : sorted) clones.append(std::move(clone));
}

// 'a x && b y' of --pre/--post: commands without a shell, each naming a script of the scripts
// directory by its plain name.
std::vector<FuseScript> parse_scripts(const std::string& text, const std::string& option) {
    std::vector<std::string> words;
    try {
        words = jobs::split_words(text);
    } catch (const jobs::CommandError& e) {
        throw FormatError("fuse option " + option + ": " + e.what());
    }
    std::vector<FuseScript> scripts;
    bool expect_script = true;
    for (const std::string& w : words) {
        if (w == "&&") {
            if (expect_script) throw FormatError("fuse option " + option + ": empty command in '" + text + "'");
            expect_script = true;
            continue;
        }
        if (w == "|" || w == "||" || w == ";" || w == "&" || w == "<" || w == ">" || w == ">>" ||
            w.find("$(") != std::string::npos || w.find('`') != std::string::npos)
            throw FormatError("fuse option " + option + ": '" + w +
                              "': scripts run without a shell (only 'a && b' chains them)");
        if (expect_script) {
            if (w.empty() || w.find('/') != std::string::npos || w.find("..") != std::string::npos || w[0] == '-' || w[0] == '.')
                throw FormatError("fuse option " + option + ": '" + w +
                                  "' is not a script name (a plain name of the scripts directory, no path)");
            scripts.push_back(FuseScript{w, {}});
            expect_script = false;
        } else {
            scripts.back().args.push_back(w);
        }
    }
    if (expect_script) throw FormatError("fuse option " + option + " needs a command");
    return scripts;
}

}  // namespace

FuseOptions parse_fuse_command(const std::string& fuse_command) {
    std::vector<std::string> words;
    try {
        words = jobs::split_words(fuse_command);
    } catch (const jobs::CommandError& e) {
        throw FormatError(e.what());
    }
    FuseOptions options;
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        auto value_of = [&](const char* option) -> std::string {
            std::string long_form = std::string(option) + "=";
            if (word.compare(0, long_form.size(), long_form) == 0) return word.substr(long_form.size());
            if (i + 1 >= words.size())
                throw FormatError("fuse option " + word + " needs a value");
            return words[++i];
        };
        auto is = [&](const char* option) {
            return word == option || word.compare(0, std::strlen(option) + 1, std::string(option) + "=") == 0;
        };
        if (word == "-t" || is("--top")) {
            std::string value = value_of("--top");
            char* end = nullptr;
            unsigned long top = std::strtoul(value.c_str(), &end, 10);
            if (value.empty() || *end || value[0] == '-' || top > std::numeric_limits<unsigned>::max())
                throw FormatError("fuse option -t needs a number, not '" + value + "'");
            options.top = static_cast<unsigned>(top);
        } else if (word == "-d") {
            std::vector<std::string> axes;
            std::string value = value_of("-d");
            std::istringstream list(value);
            std::string axis;
            while (std::getline(list, axis, ',')) {
                if (axis.empty()) continue;
                if (is_known_axis(axis))
                    axes.push_back(axis);
                else
                    options.problems.push_back("unknown distribution axis '" + axis + "' skipped (-d " + value + ")");
            }
            if (!axes.empty()) options.distributions.push_back(std::move(axes));
        } else if (is("--pre") || is("--post")) {
            bool pre = is("--pre");
            std::string value = value_of(pre ? "--pre" : "--post");
            for (FuseScript& script : parse_scripts(value, pre ? "--pre" : "--post"))
                (pre ? options.pre : options.post).push_back(std::move(script));
        } else {
            options.unsupported.push_back(word);
        }
    }
    return options;
}

FuseInput load_fuse_input(const std::string& path, const std::string& pre_process_path) {
    std::string text = read_file(path);
    FuseInput input;
    if (is_airr_path(path) || sniff(text.substr(0, 1 << 16)) == Kind::AirrTsv) {
        input.result = airr_to_vidjil(text, path);
    } else {
        input.result = parse_vidjil(text, path);
        struct stat info {};
        if (stat(path.c_str(), &info) == 0) {
            Value timestamps(Json::arrayValue);
            for (unsigned i = 0; i < sample_count(input.result); ++i)
                timestamps.append(format_time(info.st_mtime));
            input.result["samples"]["timestamp"] = std::move(timestamps);
        }
    }
    if (!pre_process_path.empty())
        input.pre_process = parse_json(read_file(pre_process_path), pre_process_path);
    return input;
}

void build_stat(Value& result) {
    static const char* const kBuckets[] = {"0.1",     "0.01",     "0.001",    "0.0001",
                                           "0.00001", "0.000001", "0.0000001"};
    static const double kRatios[] = {.1, .01, .001, .0001, .00001, .000001, .0000001};
    constexpr unsigned kLast = 6;
    unsigned n = sample_count(result);
    const Value& segmented = field(field(result, "reads"), "segmented");
    std::vector<std::vector<double>> sums(kLast + 1, std::vector<double>(n, 0));
    for (const Value& clone : field(result, "clones")) {
        const Value& reads = field(clone, "reads");
        for (unsigned i = 0; i < n; ++i) {
            double of_sample = number_at(segmented, i);
            if (of_sample <= 0) continue;
            double count = number_at(reads, i);
            unsigned bucket = 0;
            while (bucket < kLast && count / of_sample < kRatios[bucket]) ++bucket;
            sums[bucket][i] += count;
        }
    }
    Value& distribution = result["reads"]["distribution"];
    if (!distribution.isObject()) distribution = Value(Json::objectValue);
    for (unsigned bucket = 0; bucket <= kLast; ++bucket) {
        Value list(Json::arrayValue);
        for (double sum : sums[bucket])
            list.append(sum == static_cast<double>(static_cast<Json::Int64>(sum))
                            ? Value(static_cast<Json::Int64>(sum))
                            : Value(sum));
        distribution[kBuckets[bucket]] = std::move(list);
    }
}

Value fuse(const std::vector<FuseInput>& inputs, const FuseOptions& options) {
    if (inputs.empty()) throw FormatError("no files to fuse");
    IdSet selected;
    for (const FuseInput& input : inputs) select_in(input.result, options.top, selected);
    Value fused;
    unsigned samples = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
        Value result = prepare(inputs[i], samples, selected, options);
        unsigned n = sample_count(result);
        if (i == 0) {
            fused = std::move(result);
            fused["diversity"] = merge::diversity_lists(field(fused, "diversity"), n);
        } else {
            fused = merge::merge_results(std::move(fused), samples, std::move(result), n);
        }
        samples += n;
    }
    sort_by_top(fused["clones"]);
    fused["similarity"] = Value(Json::arrayValue);
    fused["producer"] = "vidjil fuse";
    fused["timestamp"] = format_time(std::time(nullptr));
    fused["vidjil_json_version"] = kVidjilJsonVersion;
    return fused;
}

}  // namespace vidjil::files
