// libFuzzer harness for the AIRR rearrangement TSV importer (uploads of IgBLAST, MiXCR,
// vidjil-algo... results) and what the runner does next with its result. Oracle: the result
// is a usable .vidjil (write_compact then parse_vidjil accepts it).
#include <string>

#include "fuzz/harnesses.h"
#include "vidjil/airr.h"
#include "vidjil/vidjil_file.h"

using namespace vidjil;

int vidjil::fuzz::airr_import(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    try {
        files::sniff(input);  // throws FormatError on corrupt gzip (callers catch it)
    } catch (const files::FormatError&) {
    }
    files::clean_gene_name(input.substr(0, input.find('\t')));
    try {
        Json::Value result = files::airr_to_vidjil(input, "fuzz.tsv");
        files::compute_distribution(result);
        std::string out = files::write_compact(result);
        files::parse_vidjil(out, "airr result");
    } catch (const files::FormatError&) {
    }
    return 0;
}

VIDJIL_FUZZ_ENTRY(airr_import)
