// Request side of align.cgi / similarity.cgi: FASTA parsing with readable errors, limits, and the
// JSON answers the web client parses (api.md §2.10).
#include "align/align.h"

#include <json/json.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace vidjil::align {

namespace {

constexpr std::size_t kMegabyte = 1024 * 1024;
constexpr std::size_t kShownIdLength = 60;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

bool is_nucleotide(char c) {
    switch (c | 0x20) {  // folds ASCII upper case; no non-letter byte folds onto a letter
    case 'a': case 'c': case 'g': case 't': case 'u': case 'n':
    case 'r': case 'y': case 's': case 'w': case 'k': case 'm':
    case 'b': case 'd': case 'h': case 'v':
        return true;
    default:
        return false;
    }
}

bool is_protein(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*' || c == '#'; }

std::string describe_char(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
    return buf;
}

// "record 3 (>IGHV3-74*02 …)": numbered because ids may be empty or repeated.
std::string record_name(std::size_t index, const std::string& id) {
    std::string shown = id.size() > kShownIdLength ? id.substr(0, kShownIdLength) + "..." : id;
    return "record " + std::to_string(index + 1) + " (>" + shown + ")";
}

std::string trim(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && is_blank(s[b])) ++b;
    while (e > b && is_blank(s[e - 1])) --e;
    return s.substr(b, e - b);
}

// Position of the first '>' once a UTF-8 BOM and leading whitespace are skipped.
std::size_t fasta_start(const std::string& body) {
    std::size_t pos = body.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    while (pos < body.size() && is_blank(body[pos])) ++pos;
    if (pos == body.size())
        throw AlignError("empty request: expected FASTA text ('>name' lines, each followed by its sequence)");
    if (body[pos] != '>')
        throw AlignError("not FASTA: the text must start with a '>name' header line, found " +
                         describe_char(body[pos]));
    return pos;
}

class Parser {
public:
    Parser(const Limits& limits, bool protein_ok) : limits_(limits), protein_ok_(protein_ok) {}

    void header(const std::string& line) {
        finish();
        if (records_.size() >= limits_.max_sequences)
            throw AlignError("too many sequences: at most " + std::to_string(limits_.max_sequences) +
                             " are accepted");
        records_.push_back({trim(line.substr(1)), {}});
    }

    void sequence_line(const std::string& line) {
        FastaRecord& r = records_.back();
        for (char c : line) {
            if (is_blank(c)) continue;
            if (!(protein_ok_ ? is_protein(c) : is_nucleotide(c))) bad_char(c);
            r.seq.push_back(c);
        }
        if (r.seq.size() > limits_.max_length)
            throw AlignError(record_name(records_.size() - 1, r.id) + " is too long: at most " +
                             std::to_string(limits_.max_length) + " letters per sequence are accepted");
    }

    std::vector<FastaRecord> result() {
        finish();
        return std::move(records_);
    }

private:
    void finish() const {
        if (!records_.empty() && records_.back().seq.empty())
            throw AlignError(record_name(records_.size() - 1, records_.back().id) + " has no sequence");
    }

    [[noreturn]] void bad_char(char c) const {
        const FastaRecord& r = records_.back();
        std::string allowed = protein_ok_ ? "letters A-Z, '*' and '#'"
                                          : "nucleotides A C G T U N and IUPAC codes R Y S W K M B D H V";
        throw AlignError(record_name(records_.size() - 1, r.id) + " contains " + describe_char(c) +
                         " at position " + std::to_string(r.seq.size() + 1) + "; only " + allowed +
                         " (any case) are accepted");
    }

    const Limits& limits_;
    bool protein_ok_;
    std::vector<FastaRecord> records_;
};

std::string to_json(const Json::Value& v) {
    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    builder["precision"] = 2;
    builder["precisionType"] = "decimal";
    return Json::writeString(builder, v);
}

CgiAnswer error_answer(const std::string& message) {
    Json::Value v(Json::objectValue);
    v["Error"] = message;
    return {400, to_json(v)};
}

// The original CGIs refuse anything but a POST carrying a Content-Type (api.md §3.15).
void check_request(const char* endpoint, const std::string& method, const std::string& content_type) {
    if (method != "POST")
        throw AlignError(std::string(endpoint) + " expects a POST request with FASTA text" +
                         (method.empty() ? std::string() : ", not " + method));
    if (content_type.empty()) throw AlignError(std::string(endpoint) + " expects a Content-Type header");
}

void check_cells(std::uint64_t cells, const Limits& limits) {
    if (limits.max_cells != 0 && cells > limits.max_cells)
        throw AlignError("request too large to align in reasonable time: " + std::to_string(cells) +
                         " alignment cells needed, at most " + std::to_string(limits.max_cells) +
                         " accepted (use fewer or shorter sequences)");
}

std::vector<std::string> sequences_of(std::vector<FastaRecord>&& records) {
    std::vector<std::string> seqs;
    seqs.reserve(records.size());
    for (FastaRecord& r : records) seqs.push_back(std::move(r.seq));
    return seqs;
}

}  // namespace

Limits align_limits() { return {200, 10000, 2 * kMegabyte, 4000000000ULL}; }

Limits similarity_limits() { return {500, 1000, 2 * kMegabyte, 4000000000ULL}; }

std::vector<FastaRecord> parse_fasta(const std::string& body, const Limits& limits, bool protein_ok) {
    if (body.size() > limits.max_total_bytes)
        throw AlignError("request too large: " + std::to_string(body.size()) + " bytes, at most " +
                         std::to_string(limits.max_total_bytes) + " accepted");
    Parser parser(limits, protein_ok);
    std::size_t pos = fasta_start(body);
    while (pos < body.size()) {
        std::size_t end = body.find('\n', pos);
        if (end == std::string::npos) end = body.size();
        std::string line = body.substr(pos, end - pos);
        if (!line.empty() && line[0] == '>') parser.header(line);
        else parser.sequence_line(line);
        pos = end + 1;
    }
    return parser.result();
}

CgiAnswer align_answer(const std::string& body, const std::string& request_method,
                       const std::string& content_type, const Limits& limits) {
    try {
        check_request("align.cgi", request_method, content_type);
        std::vector<std::string> seqs = sequences_of(parse_fasta(body, limits, false));
        check_cells(star_align_cells(seqs), limits);
        Json::Value v(Json::objectValue);
        v["requestMethod"] = request_method;
        v["contentType"] = content_type;
        Json::Value& out = v["seq"] = Json::Value(Json::arrayValue);
        for (const std::string& s : star_align(seqs)) out.append(s);
        return {200, to_json(v)};
    } catch (const AlignError& e) {
        return error_answer(e.what());
    }
}

CgiAnswer align_answer(const std::string& body, const std::string& request_method,
                       const std::string& content_type) {
    return align_answer(body, request_method, content_type, align_limits());
}

CgiAnswer similarity_answer(const std::string& body, const std::string& request_method,
                            const std::string& content_type, const Limits& limits) {
    try {
        check_request("similarity.cgi", request_method, content_type);
        std::vector<std::string> seqs = sequences_of(parse_fasta(body, limits, true));
        check_cells(identity_matrix_cells(seqs), limits);
        Json::Value v(Json::arrayValue);
        for (const std::vector<double>& row : identity_matrix(seqs)) {
            Json::Value& r = v.append(Json::Value(Json::arrayValue));
            for (double x : row) r.append(x);
        }
        return {200, to_json(v)};
    } catch (const AlignError& e) {
        return error_answer(e.what());
    }
}

CgiAnswer similarity_answer(const std::string& body, const std::string& request_method,
                            const std::string& content_type) {
    return similarity_answer(body, request_method, content_type, similarity_limits());
}

}  // namespace vidjil::align
