// Sequence alignment behind the align.cgi and similarity.cgi endpoints (api.md §2.10, §3.15).
//
// Everything here is pure computation on strings: no I/O, no temporary files, no processes.
// The FastCGI wrappers in cgi-bin/ only read the request body and print CgiAnswer.
//
// Pairwise alignment: global (Needleman-Wunsch) with affine gaps (Gotoh), written here.
//   Scores: match +5, mismatch -4; a gap of length L costs kGapOpen + L * kGapExtend
//   (= -(10 + L)); end gaps are penalised like inner gaps.
//   Nucleotide scoring (align.cgi): case-insensitive, U = T. Two unambiguous identical bases
//   score +5, bases with disjoint IUPAC sets -4, anything else involving an ambiguity code
//   (N vs A, R vs G, R vs R, ...) scores 0.
//   Letter scoring (similarity.cgi, DNA or amino acids): case-insensitive letter identity,
//   +5 / -4, no special meaning for any letter.
//   Ties are broken deterministically: substitution first, then the gap in the second
//   sequence, then the gap in the first sequence; as the traceback runs from the end, a gap
//   that could slide inside a repeat ends up leftmost; on equal scores a gap opens rather than
//   extends.
//
// Star multiple alignment (align.cgi): every sequence is aligned to the first one; columns
//   inserted relative to the first sequence are merged (the widest insertion at each position of
//   the first sequence wins) and shorter insertions are left-justified, padded with '-'.
//
// Identity (similarity.cgi): for two sequences, the global alignment above with letter scoring;
//   identity = 100 * (columns whose two letters are equal, case-insensitive)
//                  / (all columns of the alignment, gap columns included),
//   rounded to 2 decimals. The diagonal is 100 by definition; the matrix is symmetric (each
//   pair is aligned once).
//
// Time is bounded by Limits::max_cells, the total number of dynamic-programming cells a request
// may cost; memory is one traceback byte per cell of the largest single pairwise alignment
// (100 MB for two sequences of 10 000 letters) plus O(total length).
#ifndef VIDJIL_ALIGN_ALIGN_H
#define VIDJIL_ALIGN_ALIGN_H

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace vidjil::align {

constexpr int kMatch = 5;
constexpr int kMismatch = -4;
constexpr int kGapOpen = -10;
constexpr int kGapExtend = -1;

// Raised for any request the endpoints refuse; what() is meant for the person who sent it.
class AlignError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct FastaRecord {
    std::string id;   // header line without '>' and surrounding blanks
    std::string seq;  // letters as given (case kept), line breaks and blanks removed
};

struct Limits {
    std::size_t max_sequences;
    std::size_t max_length;       // letters per sequence
    std::size_t max_total_bytes;  // raw request body
    std::uint64_t max_cells;      // total dynamic-programming cells per request; 0 = no limit
};

// align.cgi: 200 sequences, 10 000 letters each, 2 MB, 4e9 cells (about 10 s at the ~2.5 ns per
// cell measured by bench/align-bench; 40 sequences of 10 000 letters fit, 200 do not).
Limits align_limits();
// similarity.cgi: 500 sequences, 1 000 letters each, 2 MB, 4e9 cells (500 windows of 60 nt take
// ~2 s; 500 sequences of 1 000 letters would take minutes and are refused).
Limits similarity_limits();

// Parses a FASTA body (optional UTF-8 BOM and leading whitespace, CRLF or LF, blank lines,
// sequences split over several lines, blanks inside sequence lines ignored).
// Nucleotides only (ACGTUN + IUPAC RYSWKMBDHV, any case) unless protein_ok, which allows any
// letter A-Z plus '*' (stop) and '#' (frame shift), as vidjil-algo writes CDR3 amino acids.
// Throws AlignError naming the faulty record on: empty body, text not starting with '>',
// record without sequence, forbidden character, and every limit except max_cells.
std::vector<FastaRecord> parse_fasta(const std::string& body, const Limits& limits, bool protein_ok);

struct PairAlignment {
    std::string a, b;  // gapped, same length, letters as given
    int score;
};

// Global affine-gap alignment; protein = false for nucleotide scoring, true for letter scoring.
PairAlignment global_align(const std::string& a, const std::string& b, bool protein);

// Star alignment against seqs[0] with nucleotide scoring; one gapped string per input, in
// order, all the same length, each giving back its input when '-' are removed.
std::vector<std::string> star_align(const std::vector<std::string>& seqs);

// n x n identity percentages (see above), letter scoring, in the given order.
std::vector<std::vector<double>> identity_matrix(const std::vector<std::string>& seqs);

// Dynamic-programming cells star_align / identity_matrix would use (checked against max_cells).
std::uint64_t star_align_cells(const std::vector<std::string>& seqs);
std::uint64_t identity_matrix_cells(const std::vector<std::string>& seqs);

// What the CGI wrappers print: HTTP status (200, or 400 with {"Error": "..."}) and the
// compact JSON text, to be sent as text/html (api.md §1.4).
struct CgiAnswer {
    int status;
    std::string json;
};

// {"contentType":…,"requestMethod":"POST","seq":[…]} (api.md §2.10).
CgiAnswer align_answer(const std::string& body, const std::string& request_method,
                       const std::string& content_type);
CgiAnswer align_answer(const std::string& body, const std::string& request_method,
                       const std::string& content_type, const Limits& limits);

// [[percent,…],…] (api.md §2.10).
CgiAnswer similarity_answer(const std::string& body, const std::string& request_method,
                            const std::string& content_type);
CgiAnswer similarity_answer(const std::string& body, const std::string& request_method,
                            const std::string& content_type, const Limits& limits);

}  // namespace vidjil::align

#endif
