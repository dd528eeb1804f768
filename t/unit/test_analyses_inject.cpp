// Unit tests of what get_data injects (src/vidjil/inject.*) and of the raw top-level JSON
// splitting that lets it pass the clones through untouched (src/vidjil/json_spans.*).
#include <cppunit/extensions/HelperMacros.h>

#include "vidjil/inject.h"
#include "vidjil/json_spans.h"
#include "vidjil/vidjil_file.h"

using namespace vidjil::files;

class AnalysesInjectTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AnalysesInjectTest);
    CPPUNIT_TEST(split_and_join_keep_untouched_members);
    CPPUNIT_TEST(malformed_objects_are_refused);
    CPPUNIT_TEST(samples_are_matched_three_ways);
    CPPUNIT_TEST(deleted_samples_keep_arrays_aligned);
    CPPUNIT_TEST(custom_names);
    CPPUNIT_TEST_SUITE_END();

public:
    void split_and_join_keep_untouched_members() {
        std::string text = R"( {"a" : [1, {"b": "}]\"\\"}], "s\u00e9": "x", "n": -1.5e3, "t": true, "samples": {"number": 1}} )";
        auto members = split_object(text, "t");
        CPPUNIT_ASSERT_EQUAL(size_t(5), members.size());
        CPPUNIT_ASSERT_EQUAL(std::string("s\xC3\xA9"), members[1].key);
        CPPUNIT_ASSERT_EQUAL(std::string(R"([1, {"b": "}]\"\\"}])"), std::string(members[0].value));
        Json::Value samples(Json::objectValue);
        samples["number"] = 2;
        std::string out = join_object(members, {{"samples", samples}, {"n", Json::Value()}, {"extra", "e"}});
        Json::Value v = parse_json(out, "out");
        CPPUNIT_ASSERT_EQUAL(2, v["samples"]["number"].asInt());
        CPPUNIT_ASSERT(!v.isMember("n"));
        CPPUNIT_ASSERT_EQUAL(std::string("e"), v["extra"].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("}]\"\\"), v["a"][1]["b"].asString());
        CPPUNIT_ASSERT(v["t"].asBool());
        CPPUNIT_ASSERT(split_object("{}", "t").empty());
        CPPUNIT_ASSERT_EQUAL(std::string("{\"k\":1}"), join_object({}, {{"k", 1}}));
    }
    void malformed_objects_are_refused() {
        for (const char* bad : {"", "[]", "{", "{\"a\":}", "{\"a\":[1,2}", "{\"a\":\"x}", "{\"a\":1} x", "{\"a\":nul}",
                                "{\"reads\": [1, 2", "{a:1}"})
            CPPUNIT_ASSERT_THROW_MESSAGE(bad, split_object(bad, "t"), FormatError);
    }
    static SampleRecord record(int64_t sf, int64_t rid, const std::string& seq, const std::string& res,
                               const std::string& filename) {
        SampleRecord r;
        r.sequence_file_id = sf;
        r.results_file_id = rid;
        r.sequence_data_file = seq;
        r.results_data_file = res;
        r.filename = filename;
        r.info = "info " + std::to_string(sf);
        r.sampling_date = "2024-01-0" + std::to_string(sf);
        r.patient_id = 40;
        return r;
    }
    void samples_are_matched_three_ways() {
        Json::Value samples = parse_json(R"({"number": 3, "original_names": ["/up/seq.data.fa", "/res/airr.vidjil",
            "/elsewhere/lab-sample.fastq"], "info": ["stale"]})", "s");
        Json::Value dist = parse_json(R"({"repertoires": {"/up/seq.data.fa": [1]}})", "d");
        std::vector<SampleRecord> rows = {record(1, 11, "seq.data.fa", "r11.vidjil", "Demo.fa"),
                                          record(2, 12, "other.fa", "airr.vidjil", "airr.tsv"),
                                          record(3, 13, "x.fa", "r13.vidjil", "lab-sample.fq.gz")};
        inject_samples(samples, &dist, 7, "-c clones", rows);
        CPPUNIT_ASSERT_EQUAL(std::string("seq.data.fa"), samples["original_names"][0].asString());
        CPPUNIT_ASSERT(dist["repertoires"].isMember("seq.data.fa") && !dist["repertoires"].isMember("/up/seq.data.fa"));
        for (int i = 0; i < 3; ++i) {
            CPPUNIT_ASSERT_EQUAL(i + 1, samples["sequence_file_id"][i].asInt());
            CPPUNIT_ASSERT_EQUAL(i + 11, samples["results_file_id"][i].asInt());
            CPPUNIT_ASSERT_EQUAL(7, samples["config_id"][i].asInt());
            CPPUNIT_ASSERT_EQUAL(std::string("-c clones"), samples["commandline"][i].asString());
        }
        CPPUNIT_ASSERT_EQUAL(std::string("Demo"), samples["names"][0].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("2024-01-02"), samples["timestamp"][1].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("info 3"), samples["info"][2].asString());
        CPPUNIT_ASSERT_EQUAL(40, samples["patient_id"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(-1, samples["run_id"][0].asInt());  // a run's id, not the file's
        CPPUNIT_ASSERT_EQUAL(1u, samples["info"].size() - 2);   // "stale" was reset
    }
    void deleted_samples_keep_arrays_aligned() {
        Json::Value samples = parse_json(R"({"number": 2, "original_names": ["gone.fa", "kept.fa"]})", "s");
        inject_samples(samples, nullptr, 1, "", {record(5, 50, "kept.fa", "", "kept.fa")});
        for (const char* key : {"info", "timestamp", "sequence_file_id", "results_file_id", "config_id", "names",
                                "db_key", "id", "patient_id", "sample_name", "run_id", "commandline"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(key, 2u, samples[key].size());
        CPPUNIT_ASSERT_EQUAL(std::string("deleted"), samples["names"][0].asString());
        CPPUNIT_ASSERT_EQUAL(std::string(kDeletedSampleInfo), samples["info"][0].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("None"), samples["timestamp"][0].asString());
        CPPUNIT_ASSERT_EQUAL(5, samples["id"][1].asInt());
    }
    void custom_names() {
        Json::Value samples(Json::objectValue);
        CustomInput a{record(1, 11, "", "", "/x/a.fa"), "Doe", "-c clones", 1};
        CustomInput b{record(2, 12, "", "", "b.fa"), "run1", "-z 1", 2};
        custom_samples(samples, {a, b});
        CPPUNIT_ASSERT_EQUAL(3u, samples["original_names"].size());
        CPPUNIT_ASSERT_EQUAL(std::string("Doe_a.fa (11)"), samples["original_names"][0].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("run1_b.fa (12)"), samples["original_names"][2].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("-z 1"), samples["commandline"][1].asString());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AnalysesInjectTest);
