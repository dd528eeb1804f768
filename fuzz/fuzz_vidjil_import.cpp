// libFuzzer harness for .vidjil results as users upload them and as the runner and get_data
// read them: content sniffing, gunzip, parse_vidjil, per-sample numbers, compute_distribution,
// compact output, and the raw top-level splitting of get_data (json_spans). Oracles: the
// compact output parses again; split/join of an object gives valid JSON.
#include <string>

#include "fuzz/harnesses.h"
#include "vidjil/json_spans.h"
#include "vidjil/vidjil_file.h"

using namespace vidjil;

int vidjil::fuzz::vidjil_import(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    try {
        files::sniff(input);  // throws FormatError on corrupt gzip (callers catch it)
    } catch (const files::FormatError&) {
    }
    std::string text;
    try {
        text = files::gunzip_if_needed(input, "fuzz.vidjil");
    } catch (const files::FormatError&) {
        return 0;
    }
    if (text.size() > (16u << 20)) return 0;
    try {
        Json::Value result = files::parse_vidjil(text, "fuzz.vidjil");
        files::is_old_format(result);
        unsigned n = files::sample_count(result);
        for (unsigned i = 0; i < n && i < 64; ++i) files::number_at(files::field(files::field(result, "reads"), "total"), i);
        files::compute_distribution(result);
        std::string out = files::write_compact(result);
        files::parse_json(out, "compact output");
    } catch (const files::FormatError&) {
    }
    try {
        auto members = files::split_object(text, "fuzz.vidjil");
        Json::Value samples(Json::objectValue);
        samples["number"] = 1;
        std::string joined = files::join_object(members, {{"samples", samples}, {"clones", Json::Value()}});
        files::parse_json(joined, "joined output");
    } catch (const files::FormatError&) {
    }
    return 0;
}

VIDJIL_FUZZ_ENTRY(vidjil_import)
