// fuse -d: per-sample distributions of the clones along one or more axes (see fuse.h). The axis
// names and the shape of the values are those of the reference fused_multiple.vidjil: values
// nested one level per axis, leaves [number of clones, number of reads] of the sample, clones
// without reads in the sample left out, "unknow_axis" for a clone without a value.
#include "vidjil/fuse.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace vidjil::files {

namespace {

using Json::Value;

constexpr const char* kUnknown = "unknow_axis";

std::optional<std::string> text_of(const Value& v) {
    if (v.isString()) return v.asString();
    return std::nullopt;
}

// The value of a per-sample list (or of a lone value, as one-sample results may have).
const Value& of_sample(const Value& list, unsigned sample) {
    static const Value null;
    if (list.isArray()) return sample < list.size() ? list[sample] : null;
    return list;
}

// Python's str(round(x, 0)): an integer stays "200", a real is rounded half to even and keeps
// its ".0" ("162.15" -> "162.0"), as in the reference.
std::optional<std::string> rounded(const Value& v) {
    if (v.type() == Json::intValue || v.type() == Json::uintValue) return v.asString();
    if (v.type() != Json::realValue) return std::nullopt;
    double x = v.asDouble();
    if (!std::isfinite(x)) return std::nullopt;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", std::nearbyint(x));
    return std::string(buf);
}

// Positions are 1-based and inclusive (seg.cdr3.seq, when written, has stop - start + 1 letters).
std::optional<std::string> cdr3_length(const Value& cdr3) {
    const Value& start = field(cdr3, "start");
    const Value& stop = field(cdr3, "stop");
    if (start.isIntegral() && stop.isIntegral() && stop.asLargestInt() >= start.asLargestInt())
        return std::to_string(stop.asLargestInt() - start.asLargestInt() + 1);
    const Value& seq = field(cdr3, "seq");
    if (seq.isString() && !seq.asString().empty()) return std::to_string(seq.asString().size());
    return std::nullopt;
}

std::optional<std::string> axis_value(const Value& clone, const std::string& axis, unsigned sample) {
    const Value& seg = field(clone, "seg");
    if (axis == "seg5") return text_of(field(field(seg, "5"), "name"));
    if (axis == "seg4") return text_of(field(field(seg, "4"), "name"));
    if (axis == "seg3") return text_of(field(field(seg, "3"), "name"));
    if (axis == "germline") return text_of(field(clone, "germline"));
    if (axis == "lenSeqAverage") return rounded(of_sample(field(clone, "_average_read_length"), sample));
    if (axis == "lenCDR3") return cdr3_length(field(seg, "cdr3"));
    return std::nullopt;
}

Value count(Json::Int64 clones, double reads) {
    Value leaf(Json::arrayValue);
    leaf.append(clones);
    if (reads == std::floor(reads) && std::fabs(reads) < 9e15)
        leaf.append(static_cast<Json::Int64>(reads));
    else
        leaf.append(reads);
    return leaf;
}

}  // namespace

const std::vector<std::string>& known_axes() {
    static const std::vector<std::string> axes = {"seg5",     "seg4",          "seg3",
                                                  "germline", "lenSeqAverage", "lenCDR3"};
    return axes;
}

bool is_known_axis(const std::string& axis) {
    for (const std::string& known : known_axes())
        if (axis == known) return true;
    return false;
}

Value sample_distribution(const Value& result, unsigned sample, const std::vector<std::string>& axes) {
    std::map<std::vector<std::string>, std::pair<Json::Int64, double>> counts;
    for (const Value& clone : field(result, "clones")) {
        double reads = number_at(field(clone, "reads"), sample);
        if (!(reads > 0)) continue;
        std::vector<std::string> key;
        for (const std::string& axis : axes) key.push_back(axis_value(clone, axis, sample).value_or(kUnknown));
        auto& c = counts[key];
        c.first += 1;
        c.second += reads;
    }
    Value out(Json::objectValue);
    Value& names = out["axes"] = Value(Json::arrayValue);
    for (const std::string& axis : axes) names.append(axis);
    Value& values = out["values"] = Value(Json::objectValue);
    for (const auto& [key, c] : counts) {
        if (key.empty()) continue;  // no axis: nothing to tell apart
        Value* node = &values;
        for (size_t i = 0; i + 1 < key.size(); ++i) node = &(*node)[key[i]];
        (*node)[key.back()] = count(c.first, c.second);
    }
    return out;
}

void add_distributions(Value& result, const std::vector<std::vector<std::string>>& groups, unsigned first_sample) {
    if (groups.empty()) return;
    Value& distributions = result["distributions"];
    if (!distributions.isObject()) distributions = Value(Json::objectValue);
    if (!distributions["repertoires"].isObject()) distributions["repertoires"] = Value(Json::objectValue);
    Value keys(Json::arrayValue);
    keys.append("clones");
    keys.append("reads");
    distributions["keys"] = std::move(keys);
    if (!distributions["filters"].isObject()) distributions["filters"] = Value(Json::objectValue);
    const Value& names = field(field(result, "samples"), "original_names");
    unsigned n = sample_count(result);
    for (unsigned i = 0; i < n; ++i) {
        const Value& name = of_sample(names, i);
        std::string repertoire = name.isString() && !name.asString().empty()
                                     ? name.asString()
                                     : "sample " + std::to_string(first_sample + i + 1);
        Value list(Json::arrayValue);
        for (const auto& axes : groups) list.append(sample_distribution(result, i, axes));
        distributions["repertoires"][repertoire] = std::move(list);
    }
}

}  // namespace vidjil::files
