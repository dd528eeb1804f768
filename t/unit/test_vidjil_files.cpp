// Unit tests of .vidjil loading, content sniffing, per-locus distribution, compact output and
// the .analysis reduction (src/vidjil/vidjil_file.*, analysis.*).
#include <cppunit/extensions/HelperMacros.h>
#include <dirent.h>

#include <algorithm>
#include <set>
#include <vector>

#include "vidjil_test_data.h"
#include "vidjil/analysis.h"
#include "vidjil/vidjil_file.h"

using namespace vidjil::files;
using vidjil_test::require_data;
using vidjil_test::data_path;

namespace {

const char* kMinimal = R"({"vidjil_json_version":"2016b","samples":{"number":1},)"
                       R"("reads":{"total":[10]},"clones":null})";

std::string error_of(const std::string& text) {
    try {
        parse_vidjil(text, "upload.vidjil");
    } catch (const FormatError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::set<std::string> keys_of(const Json::Value& object) {
    std::vector<std::string> names = object.getMemberNames();
    return {names.begin(), names.end()};
}

}  // namespace

class VidjilFilesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(VidjilFilesTest);
    CPPUNIT_TEST(testSniffBuiltContent);
    CPPUNIT_TEST(testSniffReferenceFiles);
    CPPUNIT_TEST(testLoadEveryReferenceResult);
    CPPUNIT_TEST(testLoadGzippedResult);
    CPPUNIT_TEST(testInvalidResults);
    CPPUNIT_TEST(testComputeDistribution);
    CPPUNIT_TEST(testWriteCompact);
    CPPUNIT_TEST(testReduceAnalysisBuilt);
    CPPUNIT_TEST(testReduceTutorialAnalysis);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSniffBuiltContent() {
        CPPUNIT_ASSERT(sniff(">read1\nACGT\n") == Kind::Fasta);
        CPPUNIT_ASSERT(sniff("# comment\n\n>read1\nACGT\n") == Kind::Fasta);
        CPPUNIT_ASSERT(sniff("@read1\nACGT\n+\nIIII\n") == Kind::Fastq);
        CPPUNIT_ASSERT(sniff(kMinimal) == Kind::Vidjil);
        CPPUNIT_ASSERT(sniff("{\n  \"clones\": [ {\"id\": \"x\"") == Kind::Vidjil);
        CPPUNIT_ASSERT(sniff("{\"a\": 1}") == Kind::Unknown);
        CPPUNIT_ASSERT(sniff("locus\tsequence_id\tv_call\r\nIGH\tx\tIGHV1*01\r\n") ==
                       Kind::AirrTsv);
        CPPUNIT_ASSERT(sniff("cloneId\tcloneCount\tbestVHit\n0\t1\tIGHV1*00\n") == Kind::AirrTsv);
        CPPUNIT_ASSERT(sniff("id,sequence\n1,ACGT\n") == Kind::Unknown);
        CPPUNIT_ASSERT(sniff("") == Kind::Unknown);
        CPPUNIT_ASSERT(sniff("\n\n  \n") == Kind::Unknown);
        CPPUNIT_ASSERT(sniff(vidjil_test::gzip("@r\nACGT\n+\nIIII\n")) == Kind::Fastq);
        std::string gz =
            vidjil_test::gzip(std::string("sequence_id\tsequence\n") + std::string(100000, 'A'));
        CPPUNIT_ASSERT(sniff(gz.substr(0, 200)) == Kind::AirrTsv);  // a truncated prefix is enough
        CPPUNIT_ASSERT_EQUAL(std::string("fastq"), std::string(kind_name(Kind::Fastq)));
    }

    void testSniffReferenceFiles() {
        require_data();
        CPPUNIT_ASSERT(sniff_file(data_path("clones_simul.fa")) == Kind::Fastq);
        CPPUNIT_ASSERT(sniff_file(data_path("Demo-X5.fa")) == Kind::Fasta);
        CPPUNIT_ASSERT(sniff_file(data_path("Demo-X5-x100.vidjil")) == Kind::Vidjil);
        CPPUNIT_ASSERT(sniff_file(data_path("results_file_min_per_locus.vidjil")) == Kind::Vidjil);
        for (const char* airr :
             {"airr_vidjil.tsv", "airr_igblast.tsv.gz", "airr_mixcr.tsv", "airr_vquest.tsv"})
            CPPUNIT_ASSERT_MESSAGE(airr, sniff_file(data_path(airr)) == Kind::AirrTsv);
        vidjil_test::TempFile gz(".fa.gz", vidjil_test::gzip(read_file(data_path("Demo-X5.fa"))));
        CPPUNIT_ASSERT(sniff_file(gz.path()) == Kind::Fasta);
    }

    void testLoadEveryReferenceResult() {
        require_data();
        DIR* dir = opendir(vidjil_test::shared_data_dir().c_str());
        CPPUNIT_ASSERT(dir);
        unsigned loaded = 0;
        while (dirent* entry = readdir(dir)) {
            std::string name = entry->d_name;
            if (name.size() < 7 || name.substr(name.size() - 7) != ".vidjil") continue;
            Json::Value result = load_vidjil(data_path(name));
            CPPUNIT_ASSERT_MESSAGE(name, result["clones"].isArray());
            CPPUNIT_ASSERT_MESSAGE(name, result["reads"].isObject());
            CPPUNIT_ASSERT_MESSAGE(name, sample_count(result) >= 1);
            ++loaded;
        }
        closedir(dir);
        CPPUNIT_ASSERT_EQUAL(10u, loaded);
        CPPUNIT_ASSERT_EQUAL(0u,
                             load_vidjil(data_path("Demo-X5-no-clone.vidjil"))["clones"].size());
        CPPUNIT_ASSERT_EQUAL(3u, sample_count(load_vidjil(data_path("fused_multiple.vidjil"))));
        CPPUNIT_ASSERT(is_old_format(load_vidjil(data_path("analysis-example.vidjil"))));
        CPPUNIT_ASSERT(!is_old_format(load_vidjil(data_path("Demo-X5-x100.vidjil"))));
    }

    void testLoadGzippedResult() {
        vidjil_test::TempFile plain(".vidjil", kMinimal);
        vidjil_test::TempFile gz(".vidjil", vidjil_test::gzip(kMinimal));
        CPPUNIT_ASSERT(load_vidjil(plain.path()) == load_vidjil(gz.path()));
        CPPUNIT_ASSERT_EQUAL(std::string(kMinimal), read_file(gz.path()));
        std::string two_members = vidjil_test::gzip("{\"a\":") + vidjil_test::gzip("1}");
        CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), gunzip_if_needed(two_members, "x"));
        std::string truncated = vidjil_test::gzip(kMinimal);
        truncated.resize(truncated.size() / 2);
        CPPUNIT_ASSERT_THROW(gunzip_if_needed(truncated, "x"), FormatError);
        CPPUNIT_ASSERT_THROW(load_vidjil("/nonexistent/result.vidjil"), FormatError);
    }

    void testInvalidResults() {
        CPPUNIT_ASSERT(contains(error_of("{\"reads\": [1,"), "invalid JSON"));
        CPPUNIT_ASSERT(contains(error_of(""), "invalid JSON"));
        CPPUNIT_ASSERT(contains(error_of(std::string(kMinimal) + " trailing"), "invalid JSON"));
        CPPUNIT_ASSERT(contains(error_of("[1, 2]"), "not an object"));
        CPPUNIT_ASSERT(contains(error_of("{}"), "vidjil_json_version"));
        std::string old =
            error_of(R"({"vidjil_json_version":"2014.09","samples":{},"reads":{},"clones":[]})");
        CPPUNIT_ASSERT(contains(old, "too old") && contains(old, "2014.10") &&
                       contains(old, "upload.vidjil"));
        CPPUNIT_ASSERT(
            contains(error_of(R"({"vidjil_json_version":"2016b","samples":{}})"), "'reads'"));
        CPPUNIT_ASSERT(
            contains(error_of(R"({"vidjil_json_version":"2016b","reads":{}})"), "'samples'"));
        CPPUNIT_ASSERT(contains(
            error_of(R"({"vidjil_json_version":"2016b","reads":{},"samples":{},"clones":{}})"),
            "not a list"));
        CPPUNIT_ASSERT(contains(
            error_of(
                R"({"vidjil_json_version":"2016b","reads":{},"samples":{},"clones":[{"id":1}]})"),
            "clone"));
        CPPUNIT_ASSERT_EQUAL(std::string(), error_of(kMinimal));
        CPPUNIT_ASSERT_EQUAL(
            std::string(),
            error_of(R"({"vidjil_json_version":"2014.10","samples":{},"reads":{},"clones":[]})"));
        CPPUNIT_ASSERT(parse_vidjil(kMinimal, "x")["clones"].isArray());
    }

    void testComputeDistribution() {
        std::string text = R"({"vidjil_json_version":"2016b","samples":{"number":1},
            "reads":{"total":[200],"segmented":[110],
                     "germline":{"IGH":[100],"TRG":[10],"TRD":[0]},"distribution":{"0.1":[50]}},
            "clones":[{"id":"a","germline":"IGH","reads":[50]},
                      {"id":"b","germline":"IGH","reads":[5]},
                      {"id":"c","germline":"IGH","reads":[4]},
                      {"id":"d","germline":"TRG","reads":[1]},
                      {"id":"e","germline":"IGK","reads":[9]}]})";
        Json::Value result = parse_vidjil(text, "x");
        compute_distribution(result);
        const Json::Value& distribution = result["reads"]["distribution"];
        CPPUNIT_ASSERT_EQUAL(2, distribution["IGH"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(1, distribution["TRG"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(0, distribution["TRD"][0].asInt());
        CPPUNIT_ASSERT(!distribution.isMember("IGK"));
        CPPUNIT_ASSERT_EQUAL(50, distribution["0.1"][0].asInt());
        compute_distribution(result, 50.0);
        CPPUNIT_ASSERT_EQUAL(1, result["reads"]["distribution"]["IGH"][0].asInt());
    }

    void testWriteCompact() {
        Json::Value value(Json::objectValue);
        value["real"] = 1.0;
        value["tenth"] = 0.1;
        value["small"] = 1e-7;
        value["int"] = -3;
        value["big"] = Json::Value(static_cast<Json::UInt64>(1) << 63);
        value["text"] = "a \"b\"\\\n\x01 é";
        value["list"].append(Json::Value());
        value["list"].append(true);
        value["empty"] = Json::Value(Json::objectValue);
        std::string text = write_compact(value);
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"big":9223372036854775808,"empty":{},"int":-3,"list":[null,true],)"
                        R"("real":1.0,"small":1e-07,"tenth":0.1,"text":"a \"b\"\\\n\u0001 é"})"),
            text);
        CPPUNIT_ASSERT(parse_json(text, "x") == value);
        require_data();
        Json::Value result = load_vidjil(data_path("results_file_min_per_locus.vidjil"));
        CPPUNIT_ASSERT(parse_json(write_compact(result), "x") == result);
    }

    void testReduceAnalysisBuilt() {
        Json::Value saved = parse_json(R"({"producer":"browser","info":"x","normalization":{},
            "cluster":[["a","b"]],"clones":[{"id":"a"}],"custom":[1],
            "samples":{"original_names":["f.fa"],"order":[0]}})",
                                       "x");
        Json::Value served = reduce_analysis(saved);
        std::set<std::string> expected = {"samples", "custom",      "clusters",           "clones",
                                          "tags",    "report_save", "vidjil_json_version"};
        CPPUNIT_ASSERT(keys_of(served) == expected);
        CPPUNIT_ASSERT(served["clusters"] == saved["cluster"]);
        CPPUNIT_ASSERT_EQUAL(0u, served["custom"].size());
        CPPUNIT_ASSERT_EQUAL(std::string("f.fa"),
                             served["samples"]["original_names"][0].asString());
        CPPUNIT_ASSERT(served["samples"]["info_sequence_file"].isArray());
        CPPUNIT_ASSERT_EQUAL(std::string("2014.09"), served["vidjil_json_version"].asString());
        CPPUNIT_ASSERT(reduce_analysis(Json::Value()) == default_analysis());
        CPPUNIT_ASSERT(default_analysis()["tags"].isObject());
    }

    void testReduceTutorialAnalysis() {
        require_data();
        Json::Value saved = load_analysis(data_path("lil_l3_tutorial.analysis"));
        Json::Value served = reduce_analysis(saved);
        CPPUNIT_ASSERT_EQUAL(7u, static_cast<unsigned>(served.getMemberNames().size()));
        CPPUNIT_ASSERT(served["clones"] == saved["clones"]);
        CPPUNIT_ASSERT_EQUAL(11u, served["clones"].size());
        CPPUNIT_ASSERT(served["clusters"] == saved["clusters"]);
        CPPUNIT_ASSERT(served["tags"] == saved["tags"]);
        CPPUNIT_ASSERT(served["samples"]["info"] == saved["samples"]["info"]);
        CPPUNIT_ASSERT(served["samples"]["original_names"].isArray());
        CPPUNIT_ASSERT(served["report_save"].isObject());
        CPPUNIT_ASSERT_THROW(load_analysis(data_path("Demo-X5.fa")), FormatError);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VidjilFilesTest);
