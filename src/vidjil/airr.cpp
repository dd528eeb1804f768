// AIRR rearrangement TSV import into a one-sample .vidjil result (see airr.h).
#include "vidjil/airr.h"

#include "vidjil/vidjil_file.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace vidjil::files {

namespace {

// MiXCR clone tables use their own column names for the few fields we need.
const std::map<std::string, std::string> kMixcrColumns = {
    {"bestVHit", "v_call"},     {"bestDHit", "d_call"},          {"bestJHit", "j_call"},
    {"cloneId", "sequence_id"}, {"targetSequences", "sequence"}, {"cloneCount", "duplicate_count"},
    {"chains", "locus"},
};

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> cells;
    size_t start = 0;
    for (;;) {
        size_t tab = line.find('\t', start);
        cells.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos) break;
        start = tab + 1;
    }
    return cells;
}

std::string trim(const std::string& text) {
    size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return "";
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

// Cells of one data row, looked up by (renamed) column name; missing cells read as "".
class Row {
public:
    Row(const std::unordered_map<std::string, size_t>& columns, std::vector<std::string> cells)
        : columns_(columns), cells_(std::move(cells)) {}
    std::string operator[](const char* column) const {
        auto found = columns_.find(column);
        if (found == columns_.end() || found->second >= cells_.size()) return "";
        return trim(cells_[found->second]);
    }

private:
    const std::unordered_map<std::string, size_t>& columns_;
    std::vector<std::string> cells_;
};

bool parse_integer(const std::string& text, long long& value) {
    if (text.empty()) return false;
    char* end = nullptr;
    double number = std::strtod(text.c_str(), &end);
    // Beyond 10^12 a count or position is nonsense; the bound also keeps the conversion defined
    // and the sums of counts far from overflowing (found with fuzz/fuzz_airr_import.cpp under UBSan).
    if (*end != '\0' || !std::isfinite(number) || std::fabs(number) > 1e12) return false;
    value = static_cast<long long>(number);  // MiXCR writes counts as "1.0"
    return true;
}

long long read_count(const Row& row) {
    long long count = 1;
    return parse_integer(row["duplicate_count"], count) ? count : 1;
}

void set_position(Json::Value& target, const char* key, const std::string& cell) {
    long long value = 0;
    if (parse_integer(cell, value)) target[key] = Json::Value(static_cast<Json::Int64>(value));
}

// seg."5"/"4"/"3" of a row; null when the row has nothing for that gene.
Json::Value gene_of_row(const Row& row, const char* gene, const char* trimmed_column) {
    Json::Value seg(Json::objectValue);
    std::string prefix(1, gene[0]);
    std::string name = clean_gene_name(row[(prefix + "_call").c_str()]);
    if (!name.empty()) seg["name"] = name;
    set_position(seg, "start", row[(prefix + "_alignment_start").c_str()]);
    set_position(seg, "stop", row[(prefix + "_alignment_end").c_str()]);
    if (trimmed_column) set_position(seg, "delLeft", row[trimmed_column]);
    return seg.empty() ? Json::Value() : seg;
}

Json::Value warnings_of_row(const std::string& cell) {
    Json::Value warn(Json::arrayValue);
    std::istringstream items(cell);
    std::string item;
    while (std::getline(items, item, ',')) {
        item = trim(item);
        if (item.empty()) continue;
        Json::Value entry(Json::objectValue);
        size_t code_end = item.find_first_of(" :");
        entry["code"] = item.substr(0, code_end);
        if (code_end != std::string::npos) {
            std::string msg = trim(item.substr(code_end + 1));
            if (!msg.empty() && msg[0] == ':') msg = trim(msg.substr(1));
            if (!msg.empty()) entry["msg"] = msg;
        }
        entry["level"] = "warn";
        warn.append(std::move(entry));
    }
    return warn;
}

Json::Value seg_of_row(const Row& row) {
    Json::Value seg(Json::objectValue);
    const std::pair<const char*, const char*> genes[] = {
        {"5", "5prime_trimmed_n_nb"}, {"4", nullptr}, {"3", "3prime_trimmed_n_nb"}};
    for (const auto& [gene, trimmed] : genes) {
        std::string key = gene;
        Json::Value found = gene_of_row(row, key == "5" ? "v" : key == "4" ? "d" : "j", trimmed);
        if (!found.isNull()) seg[key] = std::move(found);
    }
    Json::Value junction(Json::objectValue);
    if (!row["junction_aa"].empty()) junction["aa"] = row["junction_aa"];
    std::string productive = row["productive"];
    std::transform(productive.begin(), productive.end(), productive.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (productive == "t" || productive == "true") junction["productive"] = true;
    if (productive == "f" || productive == "false") junction["productive"] = false;
    if (!junction.empty()) seg["junction"] = std::move(junction);
    for (const char* region : {"cdr1", "cdr3"}) {
        Json::Value positions(Json::objectValue);
        set_position(positions, "start", row[(std::string(region) + "_start").c_str()]);
        set_position(positions, "stop", row[(std::string(region) + "_end").c_str()]);
        if (!positions.empty()) seg[region] = std::move(positions);
    }
    return seg;
}

Json::Value clone_of_row(const Row& row, const std::string& id, long long count) {
    Json::Value clone(Json::objectValue);
    clone["id"] = id;
    clone["reads"].append(Json::Value(static_cast<Json::Int64>(count)));
    std::string locus = row["locus"];
    clone["germline"] = locus.empty() ? "undetermined" : locus;
    std::string sequence = row["sequence"];
    clone["sequence"] = sequence;
    clone["_average_read_length"].append(static_cast<Json::UInt>(sequence.size()));
    clone["_coverage"].append(1.0);
    Json::Value seg = seg_of_row(row);
    std::string name;
    for (const char* gene : {"5", "4", "3"}) {
        const Json::Value& gene_name = field(field(seg, gene), "name");
        if (gene_name.isString()) name += (name.empty() ? "" : " ") + gene_name.asString();
    }
    if (!name.empty()) clone["name"] = name;
    if (!seg.empty()) clone["seg"] = std::move(seg);
    Json::Value warn = warnings_of_row(row["warnings"]);
    if (!warn.empty()) clone["warn"] = std::move(warn);
    return clone;
}

// Totals of the sample and the rank of each clone by decreasing reads (file order on ties).
void add_reads_and_tops(Json::Value& result) {
    Json::Value& clones = result["clones"];
    long long total = 0;
    std::map<std::string, long long> per_locus;
    std::vector<std::pair<long long, Json::ArrayIndex>> ranking;
    for (Json::ArrayIndex i = 0; i < clones.size(); ++i) {
        long long reads = clones[i]["reads"][0].asInt64();
        total += reads;
        per_locus[clones[i]["germline"].asString()] += reads;
        ranking.emplace_back(reads, i);
    }
    std::stable_sort(ranking.begin(), ranking.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t rank = 0; rank < ranking.size(); ++rank)
        clones[ranking[rank].second]["top"] = static_cast<Json::UInt>(rank + 1);
    Json::Value& reads = result["reads"];
    reads["total"].append(Json::Value(static_cast<Json::Int64>(total)));
    reads["segmented"].append(Json::Value(static_cast<Json::Int64>(total)));
    reads["germline"] = Json::Value(Json::objectValue);
    for (const auto& [locus, count] : per_locus)
        reads["germline"][locus].append(Json::Value(static_cast<Json::Int64>(count)));
}

Json::Value airr_samples(const std::string& original_name) {
    Json::Value samples(Json::objectValue);
    samples["number"] = 1;
    samples["original_names"].append(original_name);
    samples["producer"].append("unknown (AIRR format)");
    samples["log"].append("Created from an AIRR format. No other information available");
    return samples;
}

}  // namespace

std::string clean_gene_name(const std::string& call) {
    std::string name = call.substr(0, call.find(','));
    size_t alternative = name.find(" or ");
    if (alternative != std::string::npos) name.resize(alternative);
    name = trim(name);
    // IMGT species prefix ("Homsap ", "Homsap_", "Musmus "...): gene names start with IG/TR.
    if (name.size() > 7 && std::isupper(static_cast<unsigned char>(name[0])) &&
        std::all_of(name.begin() + 1, name.begin() + 6,
                    [](unsigned char c) { return std::islower(c); }) &&
        (name[6] == ' ' || name[6] == '_'))
        name = trim(name.substr(7));
    // IMGT functionality after the allele: " F", " (F)", " [ORF]", " P"...
    size_t space = name.rfind(' ');
    if (space != std::string::npos) {
        std::string tail = name.substr(space + 1);
        tail.erase(
            std::remove_if(tail.begin(), tail.end(),
                           [](char c) { return c == '(' || c == ')' || c == '[' || c == ']'; }),
            tail.end());
        if (tail == "F" || tail == "ORF" || tail == "P") name = trim(name.substr(0, space));
    }
    return name;
}

bool is_airr_path(const std::string& path) {
    for (const char* marker : {".tsv", ".airr", ".AIRR"})
        if (path.find(marker) != std::string::npos) return true;
    return false;
}

Json::Value airr_to_vidjil(const std::string& tsv, const std::string& original_name) {
    std::istringstream lines(tsv);
    std::string line;
    std::unordered_map<std::string, size_t> columns;
    while (columns.empty() && std::getline(lines, line)) {
        if (trim(line).empty()) continue;
        std::vector<std::string> names = split_tabs(line);
        for (size_t i = 0; i < names.size(); ++i) {
            std::string name = trim(names[i]);
            auto renamed = kMixcrColumns.find(name);
            columns.emplace(renamed == kMixcrColumns.end() ? name : renamed->second, i);
        }
    }
    if (!columns.count("sequence_id"))
        throw FormatError(original_name + ": not an AIRR file (no 'sequence_id' column)");
    Json::Value result(Json::objectValue);
    result["vidjil_json_version"] = kVidjilJsonVersion;
    result["samples"] = airr_samples(original_name);
    Json::Value& clones = result["clones"] = Json::Value(Json::arrayValue);
    std::unordered_map<std::string, unsigned> seen_ids;
    while (std::getline(lines, line)) {
        if (line.compare(0, 13, "Total queries") == 0) break;  // IgBLAST's summary follows
        if (trim(line).empty()) continue;
        Row row(columns, split_tabs(line));
        std::string id = row["sequence_id"];
        unsigned repeats = seen_ids[id]++;
        if (repeats) id += "_" + std::to_string(repeats);
        clones.append(clone_of_row(row, id, read_count(row)));
    }
    add_reads_and_tops(result);
    return result;
}

Json::Value load_airr(const std::string& path) {
    return airr_to_vidjil(read_file(path), path);
}

}  // namespace vidjil::files
