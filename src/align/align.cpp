// Gotoh global alignment, star multiple alignment and identity matrix for align.cgi and
// similarity.cgi (scoring and definitions documented in align.h).
#include "align/align.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace vidjil::align {

namespace {

// Letters are reduced to 5-bit codes so that a 32x32 table scores any pair without branching.
constexpr int kCodes = 32;
using ScoreTable = std::array<std::array<std::int8_t, kCodes>, kCodes>;

std::uint8_t letter_code(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 'a' && u <= 'z') return static_cast<std::uint8_t>(u - 'a');
    if (u >= 'A' && u <= 'Z') return static_cast<std::uint8_t>(u - 'A');
    if (u == '*') return 26;
    if (u == '#') return 27;
    return 31;  // parse_fasta never lets other bytes through; global_align scores them as letters
}

// IUPAC base sets (A=1, C=2, G=4, T=8) per letter code; 0 for non-nucleotides.
std::uint8_t iupac_set(int code) {
    static const std::array<std::uint8_t, 26> sets = {
        1,  14, 2, 13, 0, 0, 4, 11, 0, 0, 12, 0, 3,   // A B C D . . G H . . K . M
        15, 0,  0, 0,  5, 6, 8, 8,  7, 9, 0,  10, 0,  // N . . . R S T U V W . Y .
    };
    return code < 26 ? sets[static_cast<std::size_t>(code)] : 0;
}

ScoreTable make_nucleotide_table() {
    ScoreTable t{};
    for (int x = 0; x < kCodes; ++x) {
        for (int y = 0; y < kCodes; ++y) {
            unsigned sx = iupac_set(x), sy = iupac_set(y);
            bool single = sx != 0 && sy != 0 && (sx & (sx - 1)) == 0 && (sy & (sy - 1)) == 0;
            if (sx == 0 || sy == 0) t[x][y] = x == y ? kMatch : kMismatch;
            else if ((sx & sy) == 0) t[x][y] = kMismatch;
            else t[x][y] = single ? kMatch : 0;
        }
    }
    return t;
}

ScoreTable make_letter_table() {
    ScoreTable t{};
    for (int x = 0; x < kCodes; ++x)
        for (int y = 0; y < kCodes; ++y) t[x][y] = x == y ? kMatch : kMismatch;
    return t;
}

const ScoreTable& score_table(bool protein) {
    static const ScoreTable nucleotide = make_nucleotide_table();
    static const ScoreTable letter = make_letter_table();
    return protein ? letter : nucleotide;
}

std::vector<std::uint8_t> encode(const std::string& s) {
    std::vector<std::uint8_t> out(s.size());
    std::transform(s.begin(), s.end(), out.begin(), letter_code);
    return out;
}

// Gotoh in its usual three-matrix form: H = best score of a[0..i) against b[0..j),
// F = best ending with a[i-1] against a gap, E = best ending with b[j-1] against a gap.
// Traceback byte of a cell: bits 0-1 = where H comes from, bit 2 = F extends F (rather than
// opening after H), bit 3 = E extends E.
enum Source : std::uint8_t { kDiag = 0, kF = 1, kE = 2 };
constexpr std::uint8_t kFExtends = 4, kEExtends = 8;
constexpr int kNeg = INT_MIN / 4;  // "impossible", far enough from overflow when costs are added
constexpr int kFirstGap = kGapOpen + kGapExtend;

int gap_cost(std::size_t length) { return kGapOpen + static_cast<int>(length) * kGapExtend; }

struct Cell {
    int h, f;
};

// Fills the traceback matrix ((n+1) x (m+1), row-major) and returns H[n][m]. One row of
// (H, F) is updated in place: before column j is overwritten it still holds row i-1.
// Ties go to the substitution, then to F, then to E; gaps open rather than extend.
int fill(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b, const ScoreTable& table,
         std::vector<std::uint8_t>& tb) {
    const std::size_t n = a.size(), m = b.size(), w = m + 1;
    tb.assign((n + 1) * w, 0);
    std::vector<Cell> row(w, Cell{0, kNeg});
    for (std::size_t j = 1; j <= m; ++j) {
        row[j].h = gap_cost(j);
        tb[j] = static_cast<std::uint8_t>(kE | (j > 1 ? kEExtends : 0));
    }
    for (std::size_t i = 1; i <= n; ++i) {
        const auto& scores = table[a[i - 1]];
        std::uint8_t* t = &tb[i * w];
        int diag = row[0].h, left = gap_cost(i), e = kNeg;
        row[0] = Cell{left, left};
        t[0] = static_cast<std::uint8_t>(kF | (i > 1 ? kFExtends : 0));
        for (std::size_t j = 1; j <= m; ++j) {
            const Cell up = row[j];
            const bool f_ext = up.f + kGapExtend > up.h + kFirstGap;
            const int f = f_ext ? up.f + kGapExtend : up.h + kFirstGap;
            const bool e_ext = e + kGapExtend > left + kFirstGap;
            e = e_ext ? e + kGapExtend : left + kFirstGap;
            int h = diag + scores[b[j - 1]];
            std::uint8_t from = kDiag;
            if (f > h) {
                h = f;
                from = kF;
            }
            if (e > h) {
                h = e;
                from = kE;
            }
            row[j] = Cell{h, f};
            diag = up.h;
            left = h;
            t[j] = static_cast<std::uint8_t>(from | (f_ext ? kFExtends : 0) | (e_ext ? kEExtends : 0));
        }
    }
    return row[m].h;
}

PairAlignment traceback(const std::string& a, const std::string& b, const std::vector<std::uint8_t>& tb,
                        int score) {
    PairAlignment out{{}, {}, score};
    std::size_t i = a.size(), j = b.size();
    const std::size_t w = b.size() + 1;
    out.a.reserve(i + j);
    out.b.reserve(i + j);
    std::uint8_t state = kDiag;  // kDiag here stands for "in H"
    while (i > 0 || j > 0) {
        const std::uint8_t t = tb[i * w + j];
        if (state == kDiag) state = t & 3;
        if (state == kDiag) {
            out.a.push_back(a[--i]);
            out.b.push_back(b[--j]);
        } else if (state == kF) {
            out.a.push_back(a[--i]);
            out.b.push_back('-');
            state = (t & kFExtends) ? kF : kDiag;
        } else {
            out.a.push_back('-');
            out.b.push_back(b[--j]);
            state = (t & kEExtends) ? kE : kDiag;
        }
    }
    std::reverse(out.a.begin(), out.a.end());
    std::reverse(out.b.begin(), out.b.end());
    return out;
}

// A sequence with its letter codes, encoded once per request rather than once per pair.
struct Coded {
    const std::string& text;
    std::vector<std::uint8_t> codes;
    explicit Coded(const std::string& s) : text(s), codes(encode(s)) {}
};

// Reuses one traceback buffer across the pairs of a request.
PairAlignment align_pair(const Coded& a, const Coded& b, const ScoreTable& table, std::vector<std::uint8_t>& tb) {
    int score = fill(a.codes, b.codes, table, tb);
    return traceback(a.text, b.text, tb, score);
}

// Width of the insertion block before each letter of the centre (and after its last letter).
std::vector<std::size_t> insertion_widths(std::size_t centre_length, const std::vector<PairAlignment>& pairs) {
    std::vector<std::size_t> widths(centre_length + 1, 0);
    for (const PairAlignment& p : pairs) {
        std::size_t slot = 0, run = 0;
        for (char c : p.a) {
            if (c == '-') {
                ++run;
                continue;
            }
            widths[slot] = std::max(widths[slot], run);
            run = 0;
            ++slot;
        }
        widths[slot] = std::max(widths[slot], run);
    }
    return widths;
}

// Lays one pairwise alignment out on the merged columns.
std::string lay_out(const PairAlignment& p, const std::vector<std::size_t>& widths, std::size_t total) {
    std::string out;
    out.reserve(total);
    std::size_t slot = 0, run = 0;
    for (std::size_t k = 0; k < p.a.size(); ++k) {
        if (p.a[k] == '-') {
            out.push_back(p.b[k]);
            ++run;
            continue;
        }
        out.append(widths[slot] - run, '-');
        out.push_back(p.b[k]);
        run = 0;
        ++slot;
    }
    out.append(widths[slot] - run, '-');
    return out;
}

double round2(double x) { return std::round(x * 100.0) / 100.0; }

double identity_percent(const PairAlignment& p) {
    if (p.a.empty()) return 100.0;
    std::size_t same = 0;
    for (std::size_t k = 0; k < p.a.size(); ++k)
        if (p.a[k] != '-' && letter_code(p.a[k]) == letter_code(p.b[k])) ++same;
    return round2(100.0 * static_cast<double>(same) / static_cast<double>(p.a.size()));
}

}  // namespace

PairAlignment global_align(const std::string& a, const std::string& b, bool protein) {
    std::vector<std::uint8_t> tb;
    return align_pair(Coded(a), Coded(b), score_table(protein), tb);
}

std::vector<std::string> star_align(const std::vector<std::string>& seqs) {
    if (seqs.empty()) return {};
    const std::string& centre = seqs[0];
    std::vector<PairAlignment> pairs;
    pairs.reserve(seqs.size());
    std::vector<std::uint8_t> tb;
    pairs.push_back({centre, centre, 0});
    const Coded coded_centre(centre);
    for (std::size_t k = 1; k < seqs.size(); ++k)
        pairs.push_back(align_pair(coded_centre, Coded(seqs[k]), score_table(false), tb));
    std::vector<std::size_t> widths = insertion_widths(centre.size(), pairs);
    std::size_t total = centre.size();
    for (std::size_t w : widths) total += w;
    std::vector<std::string> out;
    out.reserve(seqs.size());
    for (const PairAlignment& p : pairs) out.push_back(lay_out(p, widths, total));
    return out;
}

std::vector<std::vector<double>> identity_matrix(const std::vector<std::string>& seqs) {
    const std::size_t n = seqs.size();
    std::vector<std::vector<double>> out(n, std::vector<double>(n, 100.0));
    std::vector<std::uint8_t> tb;
    std::vector<Coded> coded(seqs.begin(), seqs.end());
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            double v = identity_percent(align_pair(coded[i], coded[j], score_table(true), tb));
            out[i][j] = v;
            out[j][i] = v;
        }
    }
    return out;
}

std::uint64_t star_align_cells(const std::vector<std::string>& seqs) {
    std::uint64_t cells = 0;
    for (std::size_t k = 1; k < seqs.size(); ++k)
        cells += static_cast<std::uint64_t>(seqs[0].size() + 1) * (seqs[k].size() + 1);
    return cells;
}

std::uint64_t identity_matrix_cells(const std::vector<std::string>& seqs) {
    std::uint64_t cells = 0, before = 0;  // before = sum of (length + 1) of the previous sequences
    for (const std::string& s : seqs) {
        cells += before * (s.size() + 1);
        before += s.size() + 1;
    }
    return cells;
}

}  // namespace vidjil::align
