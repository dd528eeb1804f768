// vidjil-to-fasta (see to_fasta.h).
#include "vidjil/to_fasta.h"

#include <cctype>
#include <cstring>

#include "vidjil/vidjil_file.h"

namespace vidjil::files {

std::string fasta_field(const std::string& s) {
    std::string o = s.substr(0, 1000);
    for (char& c : o)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) c = '_';
    return o;
}

namespace {
bool nucleotides(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::strchr("ACGTNacgtn", c)) return false;
    return true;
}

std::string text_of(const Json::Value& v) {
    if (v.isString()) return v.asString();
    if (v.isIntegral()) return std::to_string(v.asInt64());
    if (v.isDouble()) {
        double d = v.asDouble();
        if (d == static_cast<double>(static_cast<long long>(d))) return std::to_string(static_cast<long long>(d));
        return std::to_string(d);
    }
    return "";
}
}  // namespace

size_t vidjil_to_fasta(const Json::Value& result, const std::string& metadata, std::ostream& out) {
    const Json::Value& clones = field(result, "clones");
    if (!clones.isArray()) return 0;
    size_t n = 0;
    for (const Json::Value& c : clones) {
        if (!c.isObject()) continue;
        std::string id = text_of(field(c, "id"));
        std::string seq = text_of(field(c, "sequence"));
        if (!nucleotides(seq)) seq = nucleotides(id) ? id : "";
        if (seq.empty()) continue;
        out << '>' << fasta_field(id.empty() ? "clone" : id);
        if (!metadata.empty()) out << ' ' << metadata;
        const Json::Value& reads = field(c, "reads");
        std::string r;
        if (reads.isArray())
            for (const Json::Value& x : reads) r += (r.empty() ? "" : ",") + text_of(x);
        out << " reads=" << fasta_field(r);
        if (field(c, "germline").isString()) out << " germline=" << fasta_field(field(c, "germline").asString());
        if (!field(c, "top").isNull()) out << " top=" << fasta_field(text_of(field(c, "top")));
        if (field(c, "name").isString()) out << " name=" << fasta_field(field(c, "name").asString());
        out << '\n' << seq << '\n';
        ++n;
    }
    return n;
}

}  // namespace vidjil::files
