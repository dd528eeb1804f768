// Times align.cgi's star alignment (default: 20 related sequences of 300 bp) and the
// similarity matrix of the same sequences; see bench/README-align. Not run by the tests.
// Usage: align-bench [sequences [length [repeats]]]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "align/align.h"

namespace {

std::uint32_t next(std::uint32_t& state) {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
}

// Variants of one random clone: substitutions, small insertions and deletions, trimmed ends,
// like the clones a user selects in the web client.
std::vector<std::string> make_clones(std::size_t count, std::size_t length) {
    std::uint32_t state = 2024;
    std::string base;
    for (std::size_t i = 0; i < length; ++i) base.push_back("ACGT"[next(state) & 3]);
    std::vector<std::string> seqs = {base};
    while (seqs.size() < count) {
        std::string s = base;
        for (int e = 0; e < 8 && s.size() > 10; ++e) {
            std::size_t at = next(state) % (s.size() - 5);
            switch (next(state) % 3) {
            case 0: s[at] = "ACGT"[next(state) & 3]; break;
            case 1: s.erase(at, 1 + next(state) % 4); break;
            default: s.insert(at, std::string(1 + next(state) % 4, "ACGT"[next(state) & 3])); break;
            }
        }
        seqs.push_back(s.substr(next(state) % 10));
    }
    return seqs;
}

template <class F>
double best_seconds(int repeats, F&& f) {
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        f();
        std::chrono::duration<double> d = std::chrono::steady_clock::now() - t0;
        best = std::min(best, d.count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20;
    std::size_t length = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 300;
    int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
    if (count < 1 || length < 10 || repeats < 1) {
        std::fprintf(stderr, "usage: align-bench [sequences>=1 [length>=10 [repeats>=1]]]\n");
        return 2;
    }
    std::vector<std::string> seqs = make_clones(count, length);
    namespace va = vidjil::align;
    // Beyond the endpoints' work bound the CGI would refuse; do not spend minutes here either.
    auto run = [&](const char* what, std::uint64_t cells, std::uint64_t bound, auto&& f) {
        if (cells > bound) {
            std::printf("%-15s %zu x %zu bp: %llu cells, over the endpoint bound (%llu): skipped\n", what,
                        count, length, static_cast<unsigned long long>(cells),
                        static_cast<unsigned long long>(bound));
            return;
        }
        double t = best_seconds(repeats, f);
        std::printf("%-15s %zu x %zu bp: %.2f ms (%.2f ns/cell)\n", what, count, length, t * 1e3,
                    t * 1e9 / static_cast<double>(cells));
    };
    run("star_align", va::star_align_cells(seqs), va::align_limits().max_cells, [&] { va::star_align(seqs); });
    run("identity_matrix", va::identity_matrix_cells(seqs), va::similarity_limits().max_cells,
        [&] { va::identity_matrix(seqs); });
    return 0;
}
