// .vidjil result files: reading (gzip or not), validation, content sniffing, per-locus
// distribution and compact output (see vidjil_file.h).
#include "vidjil/vidjil_file.h"

#include "util/fs.h"
#include "util/json.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

namespace vidjil::files {

namespace {

bool starts_gzip(const std::string& data, size_t at = 0) {
    return data.size() >= at + 2 && static_cast<unsigned char>(data[at]) == 0x1f &&
           static_cast<unsigned char>(data[at + 1]) == 0x8b;
}

// Inflates gzip members one after the other (as gzip(1) does). When `prefix_only`, a truncated
// stream is not an error and output stops after `max_out` bytes: sniffing looks at a prefix.
std::string inflate_gzip(const std::string& data, const std::string& what, bool prefix_only,
                         size_t max_out) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) throw FormatError(what + ": cannot start gunzip");
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    std::array<char, 1 << 16> buf;
    while (out.size() < max_out) {
        zs.next_out = reinterpret_cast<Bytef*>(buf.data());
        zs.avail_out = static_cast<uInt>(buf.size());
        int rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf.data(), buf.size() - zs.avail_out);
        if (rc == Z_STREAM_END) {
            size_t consumed = data.size() - zs.avail_in;
            if (zs.avail_in == 0 || !starts_gzip(data, consumed)) break;
            inflateReset(&zs);
            continue;
        }
        bool stalled = rc == Z_BUF_ERROR || (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0);
        if (stalled && prefix_only) break;
        if (stalled) throw FormatError(what + ": truncated gzip file");
        if (rc != Z_OK) throw FormatError(what + ": corrupt gzip data");
    }
    return out;
}

bool has_key_near_start(const std::string& text) {
    for (const char* key : {"\"reads\"", "\"vidjil_json_version\"", "\"clones\"", "\"samples\""})
        if (text.find(key) != std::string::npos) return true;
    return false;
}

bool is_airr_header(const std::string& line) {
    if (line.find('\t') == std::string::npos) return false;
    std::istringstream columns(line);
    std::string column;
    while (std::getline(columns, column, '\t')) {
        if (!column.empty() && column.back() == '\r') column.pop_back();
        if (column == "sequence_id" || column == "cloneId" || column == "bestVHit") return true;
    }
    return false;
}

}  // namespace

const Json::Value& field(const Json::Value& object, const char* key) {
    static const Json::Value null_value;
    if (!object.isObject()) return null_value;
    const Json::Value* found = object.find(key, key + std::char_traits<char>::length(key));
    return found ? *found : null_value;
}

double number_at(const Json::Value& list, unsigned i) {
    if (!list.isArray() || i >= list.size()) return 0;
    const Json::Value& v = list[i];
    if (v.isNumeric()) return v.asDouble();
    if (v.isString()) return std::strtod(v.asCString(), nullptr);
    return 0;
}

std::string gunzip_if_needed(const std::string& data, const std::string& what) {
    if (!starts_gzip(data)) return data;
    return inflate_gzip(data, what, false, std::string::npos);
}

std::string read_file(const std::string& path) {
    // Plain read(2) into one buffer: get_data reads a fused result on every request, and an
    // istreambuf_iterator copy costs ~30x more than the read itself.
    std::string raw;
    try {
        raw = fs::read_file(path, size_t(1) << 34);
    } catch (const std::exception& e) {
        throw FormatError(path + ": cannot read file (" + e.what() + ")");
    }
    if (!starts_gzip(raw)) return raw;
    return inflate_gzip(raw, path, false, std::string::npos);
}

Json::Value parse_json(const std::string& text, const std::string& what) {
    Json::Value root;
    std::string error;
    if (!json::parse(text, root, &error)) throw FormatError(what + ": " + error);
    return root;
}

Json::Value parse_vidjil(const std::string& text, const std::string& what) {
    Json::Value result = parse_json(text, what);
    if (!result.isObject())
        throw FormatError(what + ": not a .vidjil file (JSON is not an object)");
    const Json::Value& version = field(result, "vidjil_json_version");
    if (!version.isString())
        throw FormatError(what + ": not a .vidjil file (no 'vidjil_json_version')");
    if (version.asString() < kVidjilJsonVersionRequired)
        throw FormatError(what + ": .vidjil format " + version.asString() +
                          " is too old (at least " + kVidjilJsonVersionRequired + " is needed)");
    if (!field(result, "reads").isObject())
        throw FormatError(what + ": not a .vidjil file (no 'reads' object)");
    if (!field(result, "samples").isObject())
        throw FormatError(what + ": not a .vidjil file (no 'samples' object)");
    const Json::Value& number = field(field(result, "samples"), "number");
    if (number.isUInt64() && number.asLargestUInt() > static_cast<Json::LargestUInt>(kMaxSamples))
        throw FormatError(what + ": samples.number is above " + std::to_string(kMaxSamples));
    Json::Value& clones = result["clones"];
    if (clones.isNull()) clones = Json::Value(Json::arrayValue);
    if (!clones.isArray()) throw FormatError(what + ": 'clones' is not a list");
    for (const Json::Value& clone : clones)
        if (!field(clone, "id").isString() || !field(clone, "reads").isArray())
            throw FormatError(what + ": a clone has no 'id' or no 'reads' list");
    return result;
}

Json::Value load_vidjil(const std::string& path) {
    return parse_vidjil(read_file(path), path);
}

bool is_old_format(const Json::Value& result) {
    return field(result, "vidjil_json_version").asString() < kVidjilJsonVersion;
}

unsigned sample_count(const Json::Value& result) {
    const Json::Value& number = field(field(result, "samples"), "number");
    // Bounded: per-sample tables are sized by it (asUInt would also throw beyond 2^32).
    // (isUInt64 first: asLargestInt throws on a whole number above 2^63.)
    if (number.isUInt64())
        return static_cast<unsigned>(std::min<Json::LargestUInt>(number.asLargestUInt(), kMaxSamples));
    const Json::Value& total = field(field(result, "reads"), "total");
    return total.isArray() ? total.size() : 1;
}

Kind sniff(const std::string& first_bytes) {
    std::string text =
        starts_gzip(first_bytes) ? inflate_gzip(first_bytes, "upload", true, 1 << 18) : first_bytes;
    size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    // Blank and '#' comment lines may come first (Demo-X5.fa starts with comments).
    while (pos < text.size()) {
        pos = text.find_first_not_of(" \t\r\n", pos);
        if (pos == std::string::npos || text[pos] != '#') break;
        pos = text.find('\n', pos);
    }
    if (pos == std::string::npos || pos >= text.size()) return Kind::Unknown;
    switch (text[pos]) {
        case '>':
            return Kind::Fasta;
        case '@':
            return Kind::Fastq;
        case '{':
            return has_key_near_start(text) ? Kind::Vidjil : Kind::Unknown;
        default:
            break;
    }
    size_t line_start = text.rfind('\n', pos);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    return is_airr_header(text.substr(line_start, text.find('\n', pos) - line_start))
               ? Kind::AirrTsv
               : Kind::Unknown;
}

Kind sniff_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError(path + ": cannot open file");
    std::string head(1 << 16, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    return sniff(head);
}

const char* kind_name(Kind kind) {
    switch (kind) {
        case Kind::Fasta:
            return "fasta";
        case Kind::Fastq:
            return "fastq";
        case Kind::Vidjil:
            return "vidjil";
        case Kind::AirrTsv:
            return "airr";
        case Kind::Unknown:
            break;
    }
    return "unknown";
}

void compute_distribution(Json::Value& result, double min_percent) {
    Json::Value& reads = result["reads"];
    const Json::Value& germline = field(reads, "germline");
    if (!germline.isObject()) return;
    unsigned n = sample_count(result);
    std::map<std::string, std::vector<unsigned>> counts;
    for (const std::string& locus : germline.getMemberNames()) counts[locus].assign(n, 0);
    for (const Json::Value& clone : field(result, "clones")) {
        const Json::Value& locus = field(clone, "germline");
        if (!locus.isString()) continue;  // asString() throws on a list or an object
        auto found = counts.find(locus.asString());
        if (found == counts.end()) continue;
        const Json::Value& locus_reads = germline[found->first];
        const Json::Value& clone_reads = field(clone, "reads");
        for (unsigned i = 0; i < n; ++i) {
            double of_locus = number_at(locus_reads, i);
            if (of_locus > 0 && number_at(clone_reads, i) * 100.0 >= min_percent * of_locus)
                ++found->second[i];
        }
    }
    Json::Value& distribution = reads["distribution"];
    if (!distribution.isObject()) distribution = Json::Value(Json::objectValue);
    for (const auto& [locus, per_sample] : counts) {
        Json::Value list(Json::arrayValue);
        for (unsigned count : per_sample) list.append(count);
        distribution[locus] = std::move(list);
    }
}

namespace {

void write_string(std::string& out, const char* begin, const char* end) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char* p = begin; p != end; ++p) {
        unsigned char c = static_cast<unsigned char>(*p);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

template <typename Number>
void write_number(std::string& out, Number number) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, number);
    out.append(buf, res.ptr);
}

void write_real(std::string& out, double real) {
    if (!std::isfinite(real)) {  // not JSON; the browser's JSON.parse would fail on NaN
        out += "null";
        return;
    }
    size_t start = out.size();
    write_number(out, real);
    if (out.find_first_of(".e", start) == std::string::npos) out += ".0";  // stays a real
}

void write_value(std::string& out, const Json::Value& value) {
    switch (value.type()) {
        case Json::nullValue:
            out += "null";
            break;
        case Json::booleanValue:
            out += value.asBool() ? "true" : "false";
            break;
        case Json::intValue:
            write_number(out, value.asLargestInt());
            break;
        case Json::uintValue:
            write_number(out, value.asLargestUInt());
            break;
        case Json::realValue:
            write_real(out, value.asDouble());
            break;
        case Json::stringValue: {
            const char* begin = nullptr;
            const char* end = nullptr;
            value.getString(&begin, &end);
            write_string(out, begin, end);
            break;
        }
        case Json::arrayValue: {
            out += '[';
            for (Json::ArrayIndex i = 0; i < value.size(); ++i) {
                if (i) out += ',';
                write_value(out, value[i]);
            }
            out += ']';
            break;
        }
        case Json::objectValue: {
            out += '{';
            bool first = true;
            for (auto it = value.begin(); it != value.end(); ++it) {
                if (!first) out += ',';
                first = false;
                const char* end = nullptr;
                const char* begin = it.memberName(&end);
                write_string(out, begin, end);
                out += ':';
                write_value(out, *it);
            }
            out += '}';
            break;
        }
    }
}

}  // namespace

std::string write_compact(const Json::Value& value) {
    std::string out;
    out.reserve(1 << 16);
    write_value(out, value);
    return out;
}

}  // namespace vidjil::files
