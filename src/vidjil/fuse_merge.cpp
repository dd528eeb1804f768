// Merge of two results into one multi-sample result, with padding (see fuse_merge.h).
#include "vidjil/fuse_merge.h"

#include "vidjil/vidjil_file.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace vidjil::files::merge {

namespace {

using Json::Value;

std::vector<std::string> union_of_keys(const Value& a, const Value& b) {
    std::vector<std::string> ka = a.isObject() ? a.getMemberNames() : std::vector<std::string>{};
    std::vector<std::string> kb = b.isObject() ? b.getMemberNames() : std::vector<std::string>{};
    std::vector<std::string> keys;
    std::set_union(ka.begin(), ka.end(), kb.begin(), kb.end(), std::back_inserter(keys));
    return keys;
}

void append_samples(Value& out, const Value& side, unsigned n, const Value& pad) {
    unsigned added = 0;
    if (side.isArray()) {
        for (const Value& v : side) out.append(v);
        added = side.size();
    } else if (!side.isNull()) {
        out.append(side);
        added = 1;
    }
    for (; added < n; ++added) out.append(pad);
}

// Clone fields describing the clone rather than a sample: taken from the input where the clone
// ranks best (fuse.py's Window.__iadd__ list), never concatenated.
bool is_descriptive(const std::string& key) {
    for (const char* name : {"seg", "top", "id", "sequence", "name", "stats", "germline"})
        if (key == name) return true;
    return false;
}

double top_of(const Value& clone) {
    const Value& top = field(clone, "top");
    return top.isNumeric() ? top.asDouble() : std::numeric_limits<double>::infinity();
}

std::string designation(const Value& clone) {
    const Value& seg = field(clone, "seg");
    std::string names;
    for (const char* gene : {"5", "4", "4a", "4b", "3"})
        names += field(field(seg, gene), "name").asString() + "|";
    return names.find_first_not_of('|') == std::string::npos ? "" : names;
}

const Value& productivity(const Value& clone) {
    return field(field(field(clone, "seg"), "junction"), "productive");
}

void add_warning_once(Value& warn, const char* code, const char* msg) {
    for (const Value& w : warn)
        if (field(w, "code").asString() == code) return;
    Value entry(Json::objectValue);
    entry["code"] = code;
    entry["level"] = "warn";
    entry["msg"] = msg;
    warn.append(std::move(entry));
}

// Sample warnings of both sides plus W81/W82 when the two sides disagree.
Value merged_warnings(const Value& a, const Value& b) {
    Value warn(Json::arrayValue);
    for (const Value* side : {&a, &b})
        for (const Value& w : field(*side, "warn")) warn.append(w);
    std::string da = designation(a), db = designation(b);
    if (!da.empty() && !db.empty() && da != db)
        add_warning_once(warn, "W81",
                         "Merged clone has different V(D)J designations in some samples");
    const Value& pa = productivity(a);
    const Value& pb = productivity(b);
    if (pa.isBool() && pb.isBool() && pa.asBool() != pb.asBool())
        add_warning_once(warn, "W82", "Merged clone has different productivities in some samples");
    return warn;
}

// One clone from its values on both sides; a side where the clone is absent is null.
Value merge_clone(Value&& a, unsigned na, Value&& b, unsigned nb) {
    Value out(Json::objectValue);
    Value warn = merged_warnings(a, b);
    if (!warn.empty()) out["warn"] = std::move(warn);
    bool b_ranks_better = top_of(b) < top_of(a);
    Value& best = b_ranks_better ? b : a;
    Value& other = b_ranks_better ? a : b;
    for (const std::string& key : union_of_keys(a, b)) {
        if (key == "warn" || key == "top") continue;
        const Value& x = field(a, key.c_str());
        const Value& y = field(b, key.c_str());
        if (is_descriptive(key) || !(x.isArray() || y.isArray() || key == "mrd"))
            out[key] = std::move(best.isMember(key) ? best[key] : other[key]);
        else if (x.isObject() || y.isObject())
            out[key] = concat_members(x, na, y, nb, 0);
        else
            out[key] = concat(x, na, y, nb, key == "normalized_reads" ? Value() : Value(0));
    }
    double top = std::min(top_of(a), top_of(b));
    if (top != std::numeric_limits<double>::infinity()) out["top"] = field(best, "top");
    return out;
}

Value merge_samples(const Value& a, unsigned na, const Value& b, unsigned nb) {
    Value out(Json::objectValue);
    for (const std::string& key : union_of_keys(a, b)) {
        const Value& x = field(a, key.c_str());
        const Value& y = field(b, key.c_str());
        if (key == "number") continue;
        if (key == "pre_process")
            out[key] = concat_members(x, na, y, nb, Value());
        else if (x.isObject() || y.isObject())
            out[key] = concat_members(x, na, y, nb, 0);
        else
            out[key] = concat(x, na, y, nb, 0);
    }
    out["number"] = na + nb;
    return out;
}

Value merge_reads(const Value& a, unsigned na, const Value& b, unsigned nb) {
    Value out = concat_members(a, na, b, nb, 0);
    if (out.isMember("merged")) out["merged"] = concat(a["merged"], na, b["merged"], nb, Value());
    return out;
}

// Only repertoires are per sample; two samples with one name cannot be told apart.
Value merge_distributions(const Value& a, const Value& b) {
    Value out = a.isObject() ? a : b;
    if (!out.isMember("keys")) out["keys"] = field(b, "keys");
    if (!out.isMember("filters")) out["filters"] = field(b, "filters");
    if (!a.isObject() || !b.isObject()) return out;
    Value& repertoires = out["repertoires"];
    const Value& more = field(b, "repertoires");
    for (const std::string& name :
         more.isObject() ? more.getMemberNames() : std::vector<std::string>{}) {
        if (repertoires.isMember(name))
            throw FormatError("cannot fuse: two samples are named '" + name + "' in distributions");
        repertoires[name] = more[name];
    }
    return out;
}

bool handled_at_top_level(const std::string& key) {
    for (const char* name :
         {"samples", "reads", "clones", "diversity", "mrd", "distributions", "warn", "similarity",
          "clusters", "germlines", "producer", "timestamp", "vidjil_json_version"})
        if (key == name) return true;
    return false;
}

}  // namespace

Value concat(const Value& a, unsigned na, const Value& b, unsigned nb, const Value& pad) {
    Value out(Json::arrayValue);
    append_samples(out, a, na, pad);
    append_samples(out, b, nb, pad);
    return out;
}

Value concat_members(const Value& a, unsigned na, const Value& b, unsigned nb, const Value& pad) {
    Value out(Json::objectValue);
    for (const std::string& key : union_of_keys(a, b)) {
        const Value& x = field(a, key.c_str());
        const Value& y = field(b, key.c_str());
        out[key] = x.isObject() || y.isObject() ? concat_members(x, na, y, nb, pad)
                                                : concat(x, na, y, nb, pad);
    }
    return out;
}

Value diversity_lists(const Value& diversity, unsigned n) {
    Value out(Json::objectValue);
    for (const char* index : {"index_H_entropy", "index_E_equitability", "index_Ds_diversity"})
        out[index] = Value(Json::arrayValue);
    for (const std::string& key : union_of_keys(out, diversity)) {
        Value list(Json::arrayValue);
        append_samples(list, field(diversity, key.c_str()), n, "na");
        out[key] = std::move(list);
    }
    return out;
}

Value merge_clones(Value&& a, unsigned na, Value&& b, unsigned nb) {
    std::vector<Value> clones;
    std::unordered_map<std::string, size_t> position;
    for (Value& clone : a) {
        position.emplace(clone["id"].asString(), clones.size());
        clones.push_back(std::move(clone));
    }
    std::vector<bool> in_b(clones.size(), false);
    for (Value& clone : b) {
        auto found = position.find(clone["id"].asString());
        if (found == position.end()) {
            clones.push_back(merge_clone(Value(), na, std::move(clone), nb));
            continue;
        }
        clones[found->second] =
            merge_clone(std::move(clones[found->second]), na, std::move(clone), nb);
        in_b[found->second] = true;
    }
    for (size_t i = 0; i < in_b.size(); ++i)
        if (!in_b[i]) clones[i] = merge_clone(std::move(clones[i]), na, Value(), nb);
    Value out(Json::arrayValue);
    for (Value& clone : clones) out.append(std::move(clone));
    return out;
}

Value merge_results(Value&& a, unsigned na, Value&& b, unsigned nb) {
    Value out(Json::objectValue);
    out["samples"] = merge_samples(a["samples"], na, b["samples"], nb);
    out["reads"] = merge_reads(a["reads"], na, b["reads"], nb);
    out["clones"] = merge_clones(std::move(a["clones"]), na, std::move(b["clones"]), nb);
    Value da = diversity_lists(field(a, "diversity"), na),
          db = diversity_lists(field(b, "diversity"), nb);
    out["diversity"] = Value(Json::objectValue);
    for (const std::string& key : union_of_keys(da, db))
        out["diversity"][key] = concat(da[key], na, db[key], nb, "na");
    if (a.isMember("mrd") || b.isMember("mrd"))
        out["mrd"] = a["mrd"].isObject() || b["mrd"].isObject()
                         ? concat_members(a["mrd"], na, b["mrd"], nb, 0)
                         : concat(a["mrd"], na, b["mrd"], nb, 0);
    if (a.isMember("distributions") || b.isMember("distributions"))
        out["distributions"] = merge_distributions(a["distributions"], b["distributions"]);
    if (a.isMember("warn") || b.isMember("warn"))
        out["warn"] = concat(a["warn"], 0, b["warn"], 0, Value());
    for (const std::string& key : union_of_keys(a, b))
        if (!handled_at_top_level(key) && (a[key].isArray() || b[key].isArray()))
            out[key] = concat(a[key], na, b[key], nb, 0);
    out["clusters"] = Value(Json::arrayValue);
    out["germlines"] = Value(Json::objectValue);
    return out;
}

}  // namespace vidjil::files::merge
