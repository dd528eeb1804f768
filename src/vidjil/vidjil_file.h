// .vidjil result files: reading (gzip or not), validation, content sniffing of uploads, the
// per-locus reads.distribution added after each analysis, and compact JSON output.
#pragma once

#include <json/json.h>

#include <stdexcept>
#include <string>

namespace vidjil::files {

// A file that cannot be used as a result; what() is meant to be shown to the lab user.
class FormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Oldest format fuse accepts, and the format we write (model.md §4.1, tools/defs.py).
inline constexpr const char* kVidjilJsonVersionRequired = "2014.10";
inline constexpr const char* kVidjilJsonVersion = "2016b";
// Most samples (time points) a result may have: per-sample tables are sized by samples.number,
// so a small file claiming billions of samples must not make the runner allocate gigabytes.
inline constexpr long long kMaxSamples = 10000;

// Whole content of a file, gunzipped when it starts with the gzip magic.
// Throws FormatError when the file cannot be read or the gzip stream is corrupt.
std::string read_file(const std::string& path);

// Gunzips `data` if it is gzip (several members allowed), else returns it unchanged.
std::string gunzip_if_needed(const std::string& data, const std::string& what);

// Any JSON document (pre-process statistics, .analysis); `what` names it in errors.
Json::Value parse_json(const std::string& text, const std::string& what);

// A .vidjil result: JSON object with `reads` and `samples` objects, `clones` a list (null is
// turned into []), `vidjil_json_version` >= 2014.10. Throws FormatError otherwise.
Json::Value parse_vidjil(const std::string& text, const std::string& what);
Json::Value load_vidjil(const std::string& path);

// True for a format older than 2016b (still accepted, fuse.py only warns).
bool is_old_format(const Json::Value& result);

// object[key] without inserting it: a null value when absent or when object is not an object.
const Json::Value& field(const Json::Value& object, const char* key);

// Per-sample number: list[i] as a double (numeric strings accepted), 0 when absent.
double number_at(const Json::Value& list, unsigned i);

// Number of samples (time points) of a result: samples.number, else the length of reads.total.
unsigned sample_count(const Json::Value& result);

enum class Kind { Fasta, Fastq, Vidjil, AirrTsv, Unknown };

// Guesses what an uploaded file is from its first bytes (gzip is looked through), not from its
// name: clones_simul.fa is really FASTQ.
Kind sniff(const std::string& first_bytes);
Kind sniff_file(const std::string& path);
const char* kind_name(Kind kind);

// compute_extra (model.md §3.4 step 7): reads.distribution[locus] = per sample, the number of
// clones of that locus having at least `min_percent` % of the locus' reads. Other
// reads.distribution entries (fuse's ratio buckets) are kept.
void compute_distribution(Json::Value& result, double min_percent = 5.0);

// Compact JSON (no spaces), UTF-8 kept as is, reals in their shortest exact form: the results
// served to the browser are large, so this avoids jsoncpp's pretty printing and 17-digit reals.
std::string write_compact(const Json::Value& value);

}  // namespace vidjil::files
