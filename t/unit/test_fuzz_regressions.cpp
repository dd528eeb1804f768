// Regressions of what fuzzing found (fuzz/README) in the .vidjil and AIRR importers; the inputs
// are also in fuzz/corpus/*/regress-*, replayed by t/run-all.
#include <cppunit/extensions/HelperMacros.h>

#include "vidjil/airr.h"
#include "vidjil/vidjil_file.h"

using namespace vidjil;

class FuzzRegressionsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FuzzRegressionsTest);
    CPPUNIT_TEST(deeply_nested_json_is_a_format_error);
    CPPUNIT_TEST(huge_sample_numbers_are_refused);
    CPPUNIT_TEST(huge_airr_counts_are_not_converted);
    CPPUNIT_TEST(clone_germline_of_another_type_is_skipped);
    CPPUNIT_TEST_SUITE_END();

public:
    void deeply_nested_json_is_a_format_error() {
        std::string deep = std::string(1001, '[') + std::string(1001, ']');
        CPPUNIT_ASSERT_THROW(files::parse_json(deep, "x"), files::FormatError);
        CPPUNIT_ASSERT_NO_THROW(files::parse_json(std::string(100, '[') + std::string(100, ']'), "x"));
    }
    void huge_sample_numbers_are_refused() {
        // A small upload claiming 4e9 samples made compute_distribution allocate 16 GB, and
        // 1e10 made sample_count throw from jsoncpp's asUInt.
        for (const char* n : {"4000000000", "10000000000", "1e10", "10001", "18446744073709551615", "1e19"}) {
            std::string text = std::string("{\"vidjil_json_version\":\"2016b\",\"samples\":{\"number\":") + n +
                               "},\"reads\":{\"total\":[1],\"germline\":{\"TRG\":[1]}},\"clones\":[]}";
            CPPUNIT_ASSERT_THROW_MESSAGE(n, files::parse_vidjil(text, "x"), files::FormatError);
        }
        Json::Value r = files::parse_vidjil(
            "{\"vidjil_json_version\":\"2016b\",\"samples\":{\"number\":2},\"reads\":{\"total\":[1,2]},\"clones\":[]}", "x");
        CPPUNIT_ASSERT_EQUAL(2u, files::sample_count(r));
        r["samples"]["number"] = Json::Value(static_cast<Json::Int64>(10000000000LL));  // not through parse_vidjil
        CPPUNIT_ASSERT_EQUAL(static_cast<unsigned>(files::kMaxSamples), files::sample_count(r));
        r["samples"]["number"] = Json::Value(static_cast<Json::UInt64>(18446744073709551615ULL));
        CPPUNIT_ASSERT_EQUAL(static_cast<unsigned>(files::kMaxSamples), files::sample_count(r));
        r["samples"]["number"] = -3;  // negative: the length of reads.total, as before
        CPPUNIT_ASSERT_EQUAL(2u, files::sample_count(r));
    }
    void huge_airr_counts_are_not_converted() {
        // 1e30 was cast to long long (undefined behaviour; LLONG_MIN reads on x86-64).
        Json::Value r = files::airr_to_vidjil(
            "sequence_id\tsequence\tv_call\tj_call\tduplicate_count\nx\tACGT\tIGKV1*01\tIGKJ1*01\t1e30\n"
            "y\tACGA\tIGKV1*01\tIGKJ1*01\t7.0\n", "a.tsv");
        CPPUNIT_ASSERT_EQUAL(2u, r["clones"].size());
        CPPUNIT_ASSERT_EQUAL(static_cast<Json::Int64>(1), r["clones"][0]["reads"][0].asInt64());
        CPPUNIT_ASSERT_EQUAL(static_cast<Json::Int64>(7), r["clones"][1]["reads"][0].asInt64());
        CPPUNIT_ASSERT_EQUAL(static_cast<Json::Int64>(8), r["reads"]["total"][0].asInt64());
    }
    void clone_germline_of_another_type_is_skipped() {
        // compute_distribution called asString() on it: Json::LogicError out of the runner's import.
        Json::Value r = files::parse_vidjil(
            "{\"vidjil_json_version\":\"2016b\",\"samples\":{\"number\":1},\"reads\":{\"total\":[10],"
            "\"germline\":{\"TRG\":[10]}},\"clones\":[{\"id\":\"x\",\"reads\":[5],\"germline\":[]},"
            "{\"id\":\"y\",\"reads\":[5],\"germline\":\"TRG\"}]}", "x");
        files::compute_distribution(r);
        CPPUNIT_ASSERT_EQUAL(1u, r["reads"]["distribution"]["TRG"][0].asUInt());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FuzzRegressionsTest);
