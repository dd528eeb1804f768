// Unit tests of src/align: FASTA parsing, Gotoh alignment, star alignment, identity matrix and
// the JSON answers of align.cgi / similarity.cgi.
#include <cppunit/extensions/HelperMacros.h>
#include <json/json.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "align/align.h"
#include "util/json.h"
#include "vidjil_test_data.h"

using namespace vidjil::align;

namespace {

std::string degap(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != '-') out.push_back(c);
    return out;
}

std::size_t count_gaps(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += c == '-';
    return n;
}

void check_star(const std::vector<std::string>& in) {
    std::vector<std::string> out = star_align(in);
    CPPUNIT_ASSERT_EQUAL(in.size(), out.size());
    for (std::size_t k = 0; k < in.size(); ++k) {
        CPPUNIT_ASSERT_EQUAL(out[0].size(), out[k].size());
        CPPUNIT_ASSERT_EQUAL(in[k], degap(out[k]));
    }
}

Json::Value parse_json(const std::string& text) {
    Json::Value v;
    std::string err;
    CPPUNIT_ASSERT_MESSAGE(text + ": " + err, vidjil::json::parse(text, v, &err));
    return v;
}

// The message of the AlignError that parse_fasta throws, or "" if it does not throw.
std::string fasta_error(const std::string& body, bool protein_ok = false, Limits limits = align_limits()) {
    try {
        parse_fasta(body, limits, protein_ok);
    } catch (const AlignError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// Deterministic pseudo-random DNA, so that failures are reproducible.
std::string random_dna(std::uint32_t& state, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        state = state * 1664525u + 1013904223u;
        s.push_back("ACGT"[(state >> 24) & 3]);
    }
    return s;
}

// Independent reference: textbook three-state Gotoh, scores only, ACGT letters only.
int reference_score(const std::string& a, const std::string& b) {
    const int neg = -1000000, first = kGapOpen + kGapExtend;
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<int>> M(n + 1, std::vector<int>(m + 1, neg)), X = M, Y = M;
    M[0][0] = 0;
    for (std::size_t i = 0; i <= n; ++i)
        for (std::size_t j = 0; j <= m; ++j) {
            if (i > 0 && j > 0)
                M[i][j] = std::max({M[i - 1][j - 1], X[i - 1][j - 1], Y[i - 1][j - 1]}) +
                          (a[i - 1] == b[j - 1] ? kMatch : kMismatch);
            if (i > 0) X[i][j] = std::max({M[i - 1][j] + first, X[i - 1][j] + kGapExtend, Y[i - 1][j] + first});
            if (j > 0) Y[i][j] = std::max({M[i][j - 1] + first, Y[i][j - 1] + kGapExtend, X[i][j - 1] + first});
        }
    return std::max({M[n][m], X[n][m], Y[n][m]});
}

// The score an alignment actually has, recomputed from its two gapped strings.
int rescore(const PairAlignment& p) {
    int score = 0;
    char previous = 0;  // 'a' after a gap in b, 'b' after a gap in a, 0 otherwise
    for (std::size_t k = 0; k < p.a.size(); ++k) {
        char kind = p.a[k] == '-' ? 'b' : p.b[k] == '-' ? 'a' : 0;
        if (kind == 0) score += p.a[k] == p.b[k] ? kMatch : kMismatch;
        else score += kGapExtend + (kind == previous ? 0 : kGapOpen);
        previous = kind;
    }
    return score;
}

// Demo-X5.fa starts and interleaves '#' comment lines, which the endpoints do not accept.
std::string read_without_comments(const std::string& path) {
    std::ifstream in(path);
    std::string line, out;
    while (std::getline(in, line))
        if (line.empty() || line[0] != '#') out += line + "\n";
    return out;
}

}  // namespace

class AlignTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AlignTest);
    CPPUNIT_TEST(testPairScores);
    CPPUNIT_TEST(testOptimalScore);
    CPPUNIT_TEST(testIdentical);
    CPPUNIT_TEST(testInsertion);
    CPPUNIT_TEST(testDeletion);
    CPPUNIT_TEST(testKnownStar);
    CPPUNIT_TEST(testIupac);
    CPPUNIT_TEST(testStarInvariants);
    CPPUNIT_TEST(testFastaLayout);
    CPPUNIT_TEST(testFastaErrors);
    CPPUNIT_TEST(testLimits);
    CPPUNIT_TEST(testCharacters);
    CPPUNIT_TEST(testIdentityMatrix);
    CPPUNIT_TEST(testAlignAnswer);
    CPPUNIT_TEST(testSimilarityAnswer);
    CPPUNIT_TEST(testDemoX5);
    CPPUNIT_TEST_SUITE_END();

public:
    void testPairScores() {
        CPPUNIT_ASSERT_EQUAL(20, global_align("ACGT", "ACGT", false).score);
        CPPUNIT_ASSERT_EQUAL(11, global_align("ACGT", "AGGT", false).score);  // 3 x 5 - 4
        PairAlignment p = global_align("ACGT", "AGT", false);                 // 3 x 5 - (10 + 1)
        CPPUNIT_ASSERT_EQUAL(4, p.score);
        CPPUNIT_ASSERT_EQUAL(std::string("ACGT"), p.a);
        CPPUNIT_ASSERT_EQUAL(std::string("A-GT"), p.b);
        // One gap of 3 (-13) beats three separate gaps of 1 (-33).
        p = global_align("AAACCCGGGTTT", "AAAGGGTTT", false);
        CPPUNIT_ASSERT_EQUAL(std::string("AAA---GGGTTT"), p.b);
        CPPUNIT_ASSERT_EQUAL(9 * 5 - 13, p.score);
        p = global_align("", "ACG", false);
        CPPUNIT_ASSERT_EQUAL(std::string("---"), p.a);
        CPPUNIT_ASSERT_EQUAL(-13, p.score);
    }

    // Random small pairs: the score is optimal (reference DP) and is the score of the alignment
    // returned (traceback consistent with the fill).
    void testOptimalScore() {
        std::uint32_t state = 7;
        for (int k = 0; k < 300; ++k) {
            std::string a = random_dna(state, (state >> 4) % 14), b = random_dna(state, (state >> 7) % 14);
            if (k % 2 && !a.empty()) b = a.substr(0, a.size() / 2) + b.substr(0, 3) + a.substr(a.size() / 2 + 1);
            PairAlignment p = global_align(a, b, false);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(a + " / " + b, reference_score(a, b), p.score);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(a + " / " + b, p.score, rescore(p));
            CPPUNIT_ASSERT_EQUAL(a, degap(p.a));
            CPPUNIT_ASSERT_EQUAL(b, degap(p.b));
        }
    }

    void testIdentical() {
        std::vector<std::string> in = {"ACGTTGCAAC", "ACGTTGCAAC", "acgttgcaac"};
        std::vector<std::string> out = star_align(in);
        CPPUNIT_ASSERT(in == out);
        CPPUNIT_ASSERT(star_align({"GATTACA"}) == std::vector<std::string>{"GATTACA"});
        CPPUNIT_ASSERT(star_align({}).empty());
    }

    void testInsertion() {
        std::vector<std::string> out = star_align({"CCCCAAAAGGGG", "CCCCAAAATTGGGG"});
        CPPUNIT_ASSERT_EQUAL(std::string("CCCCAAAA--GGGG"), out[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("CCCCAAAATTGGGG"), out[1]);
        // In a repeat every placement scores the same: the gap goes leftmost.
        out = star_align({"CCCCAAAAGGGG", "CCCCAAAAAGGGG"});
        CPPUNIT_ASSERT_EQUAL(std::string("CCCC-AAAAGGGG"), out[0]);
    }

    void testDeletion() {
        std::vector<std::string> out = star_align({"CCCCTTTAAAA", "CCCCAAAA"});
        CPPUNIT_ASSERT_EQUAL(std::string("CCCCTTTAAAA"), out[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("CCCC---AAAA"), out[1]);
    }

    // Hand-checked: "acgacgt" has a unique best alignment ACG-ACGT; for ACGTTACGT both
    // positions of the inserted T score 29 and the tie-break (substitution first, read from the
    // end) puts the gap of the centre before its T. The insertion column is then merged into
    // the other rows.
    void testKnownStar() {
        std::vector<std::string> out = star_align({"ACGTACGT", "acgacgt", "ACGTTACGT"});
        std::vector<std::string> expected = {"ACG-TACGT", "acg--acgt", "ACGTTACGT"};
        CPPUNIT_ASSERT(expected == out);
        // Two sequences inserting different amounts at the same place: left-justified, padded.
        out = star_align({"AAAAGGGG", "AAAACGGGG", "AAAACCCGGGG"});
        expected = {"AAAA---GGGG", "AAAAC--GGGG", "AAAACCCGGGG"};
        CPPUNIT_ASSERT(expected == out);
    }

    void testIupac() {
        CPPUNIT_ASSERT_EQUAL(15, global_align("ACGT", "ANGT", false).score);  // N scores 0
        CPPUNIT_ASSERT_EQUAL(20, global_align("ACGU", "acgt", false).score);  // U = T, any case
        CPPUNIT_ASSERT_EQUAL(11, global_align("ARGT", "ACGT", false).score);  // R = A|G, not C
        // Letter scoring (similarity) knows nothing of IUPAC: N is just another letter.
        CPPUNIT_ASSERT_EQUAL(11, global_align("ACGT", "ANGT", true).score);
    }

    void testStarInvariants() {
        std::uint32_t state = 42;
        std::string base = random_dna(state, 300);
        std::vector<std::string> in = {base};
        for (int k = 0; k < 12; ++k) {
            std::string s = base;
            std::size_t at = (state >> 8) % 250;
            if (k % 3 == 0) s.erase(at, 1 + k % 5);
            else if (k % 3 == 1) s.insert(at, random_dna(state, 1 + k % 7));
            else s[at] = s[at] == 'A' ? 'C' : 'A';
            state = state * 1664525u + 1013904223u;
            in.push_back(k == 11 ? s.substr(20) : s);
        }
        in.push_back(random_dna(state, 40));  // unrelated and short
        check_star(in);
        check_star({"A", "GGGGGGGG", "T"});
    }

    void testFastaLayout() {
        std::string body = "\xEF\xBB\xBF \r\n>first clone \r\nACG\r\ntac\r\n\r\n>second\r\nAC GT\r\n\r\n>third\nN";
        std::vector<FastaRecord> r = parse_fasta(body, align_limits(), false);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.size());
        CPPUNIT_ASSERT_EQUAL(std::string("first clone"), r[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string("ACGtac"), r[0].seq);
        CPPUNIT_ASSERT_EQUAL(std::string("second"), r[1].id);
        CPPUNIT_ASSERT_EQUAL(std::string("ACGT"), r[1].seq);
        CPPUNIT_ASSERT_EQUAL(std::string("N"), r[2].seq);
    }

    void testFastaErrors() {
        CPPUNIT_ASSERT(contains(fasta_error(""), "empty"));
        CPPUNIT_ASSERT(contains(fasta_error(" \r\n\n\t"), "empty"));
        CPPUNIT_ASSERT(contains(fasta_error("ACGT\n>a\nACGT"), "not FASTA"));
        CPPUNIT_ASSERT(contains(fasta_error("sequences=%3Ea"), "not FASTA"));
        std::string e = fasta_error(">a\nACGT\n>empty one\n\r\n>c\nACGT\n");
        CPPUNIT_ASSERT_MESSAGE(e, contains(e, "record 2 (>empty one) has no sequence"));
        e = fasta_error(">a\nACGT\n>last\n");
        CPPUNIT_ASSERT_MESSAGE(e, contains(e, "record 2 (>last) has no sequence"));
    }

    void testLimits() {
        Limits small{3, 10, 1000, 0};
        CPPUNIT_ASSERT(fasta_error(">a\nA\n>b\nC\n>c\nG\n", false, small).empty());
        CPPUNIT_ASSERT(contains(fasta_error(">a\nA\n>b\nC\n>c\nG\n>d\nT\n", false, small), "too many sequences"));
        std::string e = fasta_error(">a\nACGTA\nCGTAC\n>b\nACGTACGTACG\n", false, small);
        CPPUNIT_ASSERT_MESSAGE(e, contains(e, "record 2 (>b) is too long"));
        CPPUNIT_ASSERT(contains(fasta_error(">a\n" + std::string(1001, 'A'), false, small), "request too large"));
        // The real defaults: one letter more than 10 000 is refused, by name.
        e = fasta_error(">long\n" + std::string(10001, 'A') + "\n");
        CPPUNIT_ASSERT_MESSAGE(e, contains(e, "record 1 (>long) is too long: at most 10000"));
        CPPUNIT_ASSERT(fasta_error(">ok\n" + std::string(10000, 'a') + "\n").empty());
        e = fasta_error(">x\n" + std::string(1001, 'W') + "\n", true, similarity_limits());
        CPPUNIT_ASSERT(contains(e, "too long"));
        // Work bound: 2 sequences of 100 need 101 x 101 cells.
        std::string body = ">a\n" + std::string(100, 'A') + "\n>b\n" + std::string(100, 'C') + "\n";
        CgiAnswer a = align_answer(body, "POST", "text/plain", Limits{10, 1000, 100000, 10000});
        CPPUNIT_ASSERT_EQUAL(400, a.status);
        CPPUNIT_ASSERT(contains(a.json, "10201 alignment cells"));
        CPPUNIT_ASSERT_EQUAL(200, align_answer(body, "POST", "text/plain", Limits{10, 1000, 100000, 10201}).status);
    }

    void testCharacters() {
        std::string e = fasta_error(">a\nACGT\n>IGHV3 bad\nACGTRYSWKMBDHVN\nacgu-ACGT\n");
        CPPUNIT_ASSERT_MESSAGE(e, contains(e, "record 2 (>IGHV3 bad) contains '-' at position 20"));
        CPPUNIT_ASSERT(contains(fasta_error(">a\nACGE\n"), "'E' at position 4"));
        CPPUNIT_ASSERT(contains(fasta_error(">a\nAC\x01G\n"), "byte 0x01 at position 3"));
        CPPUNIT_ASSERT(contains(fasta_error(">a\nAC\xC3\xA9G\n"), "byte 0xC3"));
        // Amino acids (with vidjil-algo's stop and frame-shift marks) only for similarity.
        // CARDGYW happens to be all IUPAC codes; the stop mark is what align.cgi refuses.
        CPPUNIT_ASSERT(contains(fasta_error(">cdr3\nCARDGYW*#\n"), "'*' at position 8"));
        CPPUNIT_ASSERT(!fasta_error(">cdr3\nCAREGYW\n").empty());
        CPPUNIT_ASSERT(fasta_error(">cdr3\nCAREGY*W#fq\n", true).empty());
        CPPUNIT_ASSERT(contains(fasta_error(">cdr3\nCARE-GY\n", true), "'-' at position 5"));
    }

    void testIdentityMatrix() {
        std::vector<std::vector<double>> m =
            identity_matrix({"ACGTACGT", "ACGTTCGT", "AAAACCCC", "AAAATCCCC", "acgtacgt"});
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), m.size());
        for (std::size_t i = 0; i < m.size(); ++i) {
            CPPUNIT_ASSERT_EQUAL(100.0, m[i][i]);
            for (std::size_t j = 0; j < m.size(); ++j) CPPUNIT_ASSERT_EQUAL(m[i][j], m[j][i]);
        }
        CPPUNIT_ASSERT_EQUAL(87.5, m[0][1]);   // 7 identical columns out of 8
        CPPUNIT_ASSERT_EQUAL(88.89, m[2][3]);  // AAAA-CCCC: 8 of 9 columns
        CPPUNIT_ASSERT_EQUAL(100.0, m[0][4]);  // case-insensitive
        m = identity_matrix({"CARDGYW", "CARDGFW", "CASSLGPSYEQYF"});
        CPPUNIT_ASSERT_EQUAL(85.71, m[0][1]);  // 6 of 7
        CPPUNIT_ASSERT(m[0][2] < 50.0);
    }

    void testAlignAnswer() {
        CgiAnswer a = align_answer(">a\nACGTACGT\n>b\nacgacgt\n", "POST", "application/x-www-form-urlencoded");
        CPPUNIT_ASSERT_EQUAL(200, a.status);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"contentType\":\"application/x-www-form-urlencoded\","
                                         "\"requestMethod\":\"POST\",\"seq\":[\"ACGTACGT\",\"acg-acgt\"]}"),
                             a.json);
        a = align_answer(">a\nACGT\n", "GET", "text/plain");
        CPPUNIT_ASSERT_EQUAL(400, a.status);
        CPPUNIT_ASSERT(contains(parse_json(a.json)["Error"].asString(), "POST"));
        CPPUNIT_ASSERT_EQUAL(400, align_answer(">a\nACGT\n", "POST", "").status);
        a = align_answer(">\"quoted\\\"\nAC!GT\n", "POST", "text/plain");
        CPPUNIT_ASSERT_EQUAL(400, a.status);
        std::string e = parse_json(a.json)["Error"].asString();  // escaping survives the round trip
        CPPUNIT_ASSERT_MESSAGE(e, contains(e, "record 1 (>\"quoted\\\") contains '!' at position 3"));
        CPPUNIT_ASSERT_EQUAL(400, align_answer("", "POST", "text/plain").status);
    }

    void testSimilarityAnswer() {
        CgiAnswer a = similarity_answer(">x\nACGTACGT\n>y\nACGTTCGT\n>z\nCARDGYW*\n", "POST", "text/plain");
        CPPUNIT_ASSERT_EQUAL(200, a.status);
        Json::Value v = parse_json(a.json);
        CPPUNIT_ASSERT_EQUAL(3u, v.size());
        CPPUNIT_ASSERT_EQUAL(87.5, v[0][1].asDouble());
        CPPUNIT_ASSERT_EQUAL(100.0, v[2][2].asDouble());
        CPPUNIT_ASSERT(contains(a.json, "[[100.0,87.5,"));
        a = similarity_answer(">x\nAAAACCCC\n>y\nAAAATCCCC\n", "POST", "text/plain");
        CPPUNIT_ASSERT_EQUAL(std::string("[[100.0,88.89],[88.89,100.0]]"), a.json);
        a = similarity_answer("not fasta", "POST", "text/plain");
        CPPUNIT_ASSERT_EQUAL(400, a.status);
        CPPUNIT_ASSERT(parse_json(a.json).isMember("Error"));
    }

    void testDemoX5() {
        vidjil_test::require_data();
        std::string path = vidjil_test::data_path("Demo-X5.fa");
        std::string body = read_without_comments(path);
        std::vector<FastaRecord> records = parse_fasta(body, align_limits(), false);
        CPPUNIT_ASSERT_EQUAL(std::size_t(14), records.size());
        std::vector<std::string> seqs;
        for (const FastaRecord& r : records) seqs.push_back(r.seq);
        check_star(seqs);

        // A clone and a variant of it (3-nt deletion, 2-nt insertion): gaps land where expected.
        std::string clone = seqs[0], variant = seqs[0];
        variant.erase(200, 3);
        variant.insert(100, "TT");
        std::vector<std::string> out = star_align({clone, variant, clone});
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), count_gaps(out[0]));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), count_gaps(out[1]));
        CPPUNIT_ASSERT_EQUAL(out[0], out[2]);

        std::vector<std::vector<double>> m = identity_matrix(seqs);
        for (std::size_t i = 0; i < m.size(); ++i)
            for (std::size_t j = 0; j < m.size(); ++j) {
                CPPUNIT_ASSERT_EQUAL(m[i][j], m[j][i]);
                CPPUNIT_ASSERT(m[i][j] >= 0.0 && m[i][j] <= 100.0);
                if (i != j) CPPUNIT_ASSERT(m[i][j] < 100.0);
            }
        CgiAnswer a = align_answer(body, "POST", "application/x-www-form-urlencoded");
        CPPUNIT_ASSERT_EQUAL(200, a.status);
        CPPUNIT_ASSERT_EQUAL(14u, parse_json(a.json)["seq"].size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AlignTest);
