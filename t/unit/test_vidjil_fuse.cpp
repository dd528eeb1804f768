// Unit tests of the native fuse (src/vidjil/fuse*): the three spike-norm samples of one patient,
// the structure of the reference fused_multiple.vidjil, and hand-made inputs for the merge rules.
#include <cppunit/extensions/HelperMacros.h>

#include <iostream>
#include <map>
#include <set>
#include <vector>

#include "vidjil/fuse.h"
#include "vidjil_test_data.h"

using namespace vidjil::files;
using vidjil_test::data_available;
using vidjil_test::data_path;

namespace {

const char* kSpikes[] = {"input-spike-norm-1.vidjil", "input-spike-norm-2.vidjil",
                         "input-spike-norm-3.vidjil"};

std::vector<FuseInput> spike_inputs() {
    std::vector<FuseInput> inputs;
    for (const char* name : kSpikes) inputs.push_back(load_fuse_input(data_path(name)));
    return inputs;
}

// A one-sample result with the given clones (JSON list text).
FuseInput sample(const std::string& name, int segmented, const std::string& clones) {
    FuseInput input;
    input.result = parse_vidjil(R"({"vidjil_json_version":"2016b","config":{"z":"1"},
        "samples":{"number":1,"original_names":[")" +
                                    name + R"("]},
        "reads":{"total":[)" + std::to_string(segmented) +
                                    R"(],"segmented":[)" + std::to_string(segmented) +
                                    R"(],"germline":{"IGH":[)" + std::to_string(segmented) + R"(]}},
        "clones":)" + clones + "}",
                                name);
    return input;
}

// One clone as JSON text, `more` adding members.
std::string clone(const std::string& id, int top, int reads, const std::string& more = "") {
    return R"({"id":")" + id + R"(","top":)" + std::to_string(top) + R"(,"reads":[)" +
           std::to_string(reads) + "]" + (more.empty() ? "" : "," + more) + "}";
}

// A seg with a V and a J (and a productivity when given).
std::string seg(const std::string& v, const std::string& productive = "") {
    std::string junction =
        productive.empty() ? "" : R"(,"junction":{"productive":)" + productive + "}";
    return R"("seg":{"5":{"name":")" + v + R"("},"3":{"name":"IGHJ1*01"})" + junction + "}";
}

const Json::Value* find_clone(const Json::Value& result, const std::string& id) {
    for (const Json::Value& clone : result["clones"])
        if (clone["id"].asString() == id) return &clone;
    return nullptr;
}

std::set<std::string> codes_of(const Json::Value& clone) {
    std::set<std::string> codes;
    for (const Json::Value& w : clone["warn"]) codes.insert(w["code"].asString());
    return codes;
}

std::set<std::string> keys_of(const Json::Value& object) {
    std::vector<std::string> names = object.getMemberNames();
    return {names.begin(), names.end()};
}

// Keys only one side has, except those allowed to be missing.
std::set<std::string> unexpected(const std::set<std::string>& ours,
                                 const std::set<std::string>& theirs,
                                 const std::set<std::string>& optional, const char* label) {
    std::set<std::string> differences;
    for (const std::string& key : theirs)
        if (!ours.count(key)) {
            std::cout << "\nNOTE fused_multiple.vidjil has " << label << key << ", we do not"
                      << std::endl;
            if (!optional.count(key)) differences.insert(key);
        }
    for (const std::string& key : ours)
        if (!theirs.count(key)) {
            std::cout << "\nNOTE we have " << label << key << ", fused_multiple.vidjil does not"
                      << std::endl;
            if (!optional.count(key)) differences.insert(key);
        }
    return differences;
}

void check_per_sample(const Json::Value& object, unsigned n, const std::string& where) {
    for (const std::string& key : object.getMemberNames()) {
        const Json::Value& value = object[key];
        if (value.isObject())
            check_per_sample(value, n, where + "." + key);
        else if (key != "number")
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where + "." + key, n, value.size());
    }
}

}  // namespace

class VidjilFuseTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(VidjilFuseTest);
    CPPUNIT_TEST(testFuseSpikeSamples);
    CPPUNIT_TEST(testFuseTopSelection);
    CPPUNIT_TEST(testStructureLikeReference);
    CPPUNIT_TEST(testMergeByIdAndW81W82);
    CPPUNIT_TEST(testSingleInput);
    CPPUNIT_TEST(testPreProcessAndPadding);
    CPPUNIT_TEST(testBuildStat);
    CPPUNIT_TEST(testMinClonesPerLocus);
    CPPUNIT_TEST(testDistributionsAndFusedInputs);
    CPPUNIT_TEST(testParseFuseCommand);
    CPPUNIT_TEST(testFuseAirrWithVidjil);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFuseSpikeSamples() {
        if (!data_available("testFuseSpikeSamples")) return;
        std::vector<FuseInput> inputs = spike_inputs();
        Json::Value fused = fuse(inputs, {});
        CPPUNIT_ASSERT_EQUAL(3, fused["samples"]["number"].asInt());
        check_per_sample(fused["samples"], 3, "samples");
        check_per_sample(fused["reads"], 3, "reads");
        check_per_sample(fused["diversity"], 3, "diversity");
        for (unsigned i = 0; i < 3; ++i) {
            CPPUNIT_ASSERT(fused["reads"]["total"][i] == inputs[i].result["reads"]["total"][0]);
            CPPUNIT_ASSERT(fused["reads"]["segmented"][i] ==
                           inputs[i].result["reads"]["segmented"][0]);
        }
        CPPUNIT_ASSERT_EQUAL(7u, fused["reads"]["distribution"].size());
        unsigned clones = 0;
        for (const FuseInput& input : inputs) clones += input.result["clones"].size();
        CPPUNIT_ASSERT_EQUAL(clones, fused["clones"].size());  // no clone is shared by two samples
        double last_top = 0;
        for (const Json::Value& clone : fused["clones"]) {
            CPPUNIT_ASSERT_EQUAL(3u, clone["reads"].size());
            CPPUNIT_ASSERT(clone["top"].asDouble() >= last_top);
            last_top = clone["top"].asDouble();
        }
        // Only in the second sample: zeros elsewhere.
        const Json::Value* second =
            find_clone(fused, inputs[1].result["clones"][0]["id"].asString());
        CPPUNIT_ASSERT(second);
        CPPUNIT_ASSERT_EQUAL(0, (*second)["reads"][0].asInt());
        CPPUNIT_ASSERT((*second)["reads"][1].asInt() > 0);
        CPPUNIT_ASSERT_EQUAL(0, (*second)["reads"][2].asInt());
        CPPUNIT_ASSERT_EQUAL(std::string("vidjil fuse"), fused["producer"].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("2016b"), fused["vidjil_json_version"].asString());
        CPPUNIT_ASSERT_EQUAL(size_t(19), fused["timestamp"].asString().size());
        CPPUNIT_ASSERT(!fused.isMember("config"));
        CPPUNIT_ASSERT_NO_THROW(parse_vidjil(write_compact(fused), "fused"));
    }

    void testFuseTopSelection() {
        if (!data_available("testFuseTopSelection")) return;
        std::vector<FuseInput> inputs = spike_inputs();
        FuseOptions options;
        options.top = 2;
        Json::Value fused = fuse(inputs, options);
        std::set<std::string> in_top;
        for (const FuseInput& input : inputs)
            for (const Json::Value& clone : input.result["clones"])
                if (clone["top"].asInt() <= 2) in_top.insert(clone["id"].asString());
        CPPUNIT_ASSERT_EQUAL(in_top.size(), size_t(fused["clones"].size()));
        for (const Json::Value& clone : fused["clones"]) {
            CPPUNIT_ASSERT(in_top.count(clone["id"].asString()));
            CPPUNIT_ASSERT(clone["top"].asInt() <= 2);
        }
        // Buckets still count every clone of the sample, not only the kept ones.
        double bucketed = 0;
        for (const Json::Value& bucket : fused["reads"]["distribution"])
            bucketed += bucket[0].asDouble();
        double all = 0;
        for (const Json::Value& clone : inputs[0].result["clones"])
            all += clone["reads"][0].asDouble();
        CPPUNIT_ASSERT_EQUAL(all, bucketed);
    }

    void testStructureLikeReference() {
        if (!data_available("testStructureLikeReference")) return;
        Json::Value reference = load_vidjil(data_path("fused_multiple.vidjil"));
        Json::Value fused = fuse(spike_inputs(), {});
        // categories come from inputs that have them, distributions only with -d.
        std::set<std::string> optional_top = {"categories", "distributions", "mrd", "warn",
                                              "overlaps"};
        CPPUNIT_ASSERT(unexpected(keys_of(fused), keys_of(reference), optional_top, "").empty());
        std::set<std::string> optional_samples = {"pre_process", "names", "order"};
        CPPUNIT_ASSERT(unexpected(keys_of(fused["samples"]), keys_of(reference["samples"]),
                                  optional_samples, "samples.")
                           .empty());
        std::set<std::string> optional_reads = {"distribution", "clones", "merged"};
        CPPUNIT_ASSERT(unexpected(keys_of(fused["reads"]), keys_of(reference["reads"]),
                                  optional_reads, "reads.")
                           .empty());
        CPPUNIT_ASSERT(keys_of(fused["diversity"]) == keys_of(reference["diversity"]));
    }

    void testMergeByIdAndW81W82() {
        std::string a_clones =
            "[" + clone("same", 1, 60, R"("name":"V1 J1",)" + seg("IGHV1*01", "true")) + "," +
            clone("v-differs", 2, 30, seg("IGHV1*01") + R"(,"warn":[{"code":"W69"}])") + "," +
            clone("only-a", 3, 10, R"("normalized_reads":[0.1])") + "]";
        std::string b_clones =
            "[" + clone("v-differs", 1, 40, R"("name":"from b",)" + seg("IGHV2*01")) + "," +
            clone("same", 2, 10, R"("name":"V1 J1 b",)" + seg("IGHV1*01", "false")) + "," +
            clone("only-b", 3, 1) + "]";
        std::vector<FuseInput> inputs = {sample("a.fa", 100, a_clones),
                                         sample("b.fa", 50, b_clones)};
        Json::Value fused = fuse(inputs, {});
        CPPUNIT_ASSERT_EQUAL(4u, fused["clones"].size());
        const Json::Value& differs = *find_clone(fused, "v-differs");
        CPPUNIT_ASSERT(codes_of(differs) == (std::set<std::string>{"W69", "W81"}));
        CPPUNIT_ASSERT_EQUAL(0, differs["warn"][0]["sample"].asInt());  // W69 came from sample 0
        CPPUNIT_ASSERT_EQUAL(std::string("from b"),
                             differs["name"].asString());  // best top is in b
        CPPUNIT_ASSERT_EQUAL(std::string("IGHV2*01"), differs["seg"]["5"]["name"].asString());
        CPPUNIT_ASSERT_EQUAL(1, differs["top"].asInt());
        CPPUNIT_ASSERT_EQUAL(30, differs["reads"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(40, differs["reads"][1].asInt());
        const Json::Value& same = *find_clone(fused, "same");
        CPPUNIT_ASSERT(codes_of(same) == (std::set<std::string>{"W82"}));
        CPPUNIT_ASSERT_EQUAL(std::string("V1 J1"), same["name"].asString());
        const Json::Value& only_a = *find_clone(fused, "only-a");
        CPPUNIT_ASSERT_EQUAL(0, only_a["reads"][1].asInt());
        CPPUNIT_ASSERT(only_a["normalized_reads"][1].isNull());
        CPPUNIT_ASSERT(!only_a.isMember("warn"));
        CPPUNIT_ASSERT_EQUAL(0, find_clone(fused, "only-b")->get("reads", 0)[0].asInt());
        CPPUNIT_ASSERT_EQUAL(std::string("same"),
                             fused["clones"][0]["id"].asString());  // top 1 first
        CPPUNIT_ASSERT(!fused.isMember("config") && fused["germlines"].empty());
    }

    void testSingleInput() {
        if (!data_available("testSingleInput")) return;
        FuseInput input = load_fuse_input(data_path("demo_lil_l3_0.vidjil"));
        FuseOptions options;
        options.top = 10;
        Json::Value fused = fuse({input}, options);
        CPPUNIT_ASSERT_EQUAL(1, fused["samples"]["number"].asInt());
        CPPUNIT_ASSERT_EQUAL(10u, fused["clones"].size());
        for (unsigned i = 0; i < 10; ++i)
            CPPUNIT_ASSERT_EQUAL(int(i + 1), fused["clones"][i]["top"].asInt());
        CPPUNIT_ASSERT(fused["config"] == input.result["config"]);  // one input keeps everything
        CPPUNIT_ASSERT(fused["germlines"] == input.result["germlines"]);
        CPPUNIT_ASSERT_EQUAL(1u, fused["diversity"]["index_H_entropy"].size());
        CPPUNIT_ASSERT(fused["reads"]["distribution"].isMember("0.0000001"));
        CPPUNIT_ASSERT(fused["reads"]["distribution"].isMember("TRA"));  // compute_extra's, kept
        CPPUNIT_ASSERT_EQUAL(std::string("vidjil fuse"), fused["producer"].asString());
        // Scalar diversity (one sample as written by vidjil-algo) becomes a list.
        Json::Value spike = fuse({load_fuse_input(data_path(kSpikes[0]))}, {});
        CPPUNIT_ASSERT(spike["diversity"]["index_Ds_diversity"].isArray());
    }

    void testPreProcessAndPadding() {
        FuseInput a = sample("a.fa", 10, R"([{"id":"x","top":1,"reads":[10]}])");
        a.pre_process =
            parse_json(R"({"pre_process":{"stats":{"merged":[8]},"commandline":[["flash2"]]},
            "number":1,"vidjil_json_version":"TODO","reads":{"merged":[8],"total":[10]}})",
                       "pre");
        FuseInput b = sample("b.fa", 20, R"([{"id":"x","top":1,"reads":[20]}])");
        b.result["reads"]["germline"]["TRG"].append(5);
        b.result["diversity"]["index_H_entropy"] = 2.5;
        Json::Value fused = fuse({a, b, a}, {});
        const Json::Value& pre = fused["samples"]["pre_process"];
        CPPUNIT_ASSERT_EQUAL(8, pre["stats"]["merged"][0].asInt());
        CPPUNIT_ASSERT(pre["stats"]["merged"][1].isNull());
        CPPUNIT_ASSERT_EQUAL(3u, pre["commandline"].size());
        CPPUNIT_ASSERT(fused["reads"]["merged"][1].isNull());
        CPPUNIT_ASSERT_EQUAL(8, fused["reads"]["merged"][2].asInt());
        CPPUNIT_ASSERT_EQUAL(0, fused["reads"]["germline"]["TRG"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(5, fused["reads"]["germline"]["TRG"][1].asInt());
        CPPUNIT_ASSERT_EQUAL(std::string("na"),
                             fused["diversity"]["index_H_entropy"][0].asString());
        CPPUNIT_ASSERT_EQUAL(2.5, fused["diversity"]["index_H_entropy"][1].asDouble());
        CPPUNIT_ASSERT_EQUAL(0, fused["samples"]["original_names"].size() == 3 ? 0 : 1);
        CPPUNIT_ASSERT_EQUAL(3u, fused["clones"][0]["reads"].size());
        CPPUNIT_ASSERT_EQUAL(20, fused["clones"][0]["reads"][1].asInt());
    }

    void testBuildStat() {
        Json::Value result =
            sample("a.fa", 1000, R"([{"id":"a","reads":[500]},{"id":"b","reads":[100]},
            {"id":"c","reads":[99]},{"id":"d","reads":[1]},{"id":"e","reads":[0]}])")
                .result;
        build_stat(result);
        const Json::Value& distribution = result["reads"]["distribution"];
        CPPUNIT_ASSERT_EQUAL(600, distribution["0.1"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(99, distribution["0.01"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(1, distribution["0.001"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(0, distribution["0.0001"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(0,
                             distribution["0.0000001"][0].asInt());  // zero reads still land here
        CPPUNIT_ASSERT_EQUAL(7u, distribution.size());
    }

    void testMinClonesPerLocus() {
        FuseInput input = sample("a.fa", 100, R"([{"id":"h1","germline":"IGH","top":1,"reads":[50]},
            {"id":"h2","germline":"IGH","top":2,"reads":[40]},
            {"id":"t1","germline":"TRG","top":3,"reads":[5]},
            {"id":"t2","germline":"TRG","top":4,"reads":[4]}])");
        FuseOptions options;
        options.top = 1;
        CPPUNIT_ASSERT_EQUAL(1u, fuse({input}, options)["clones"].size());
        input.result["config"]["min-clones-per-locus"] = "1";
        Json::Value fused = fuse({input}, options);
        CPPUNIT_ASSERT_EQUAL(2u, fused["clones"].size());
        CPPUNIT_ASSERT(find_clone(fused, "h1") && find_clone(fused, "t1"));
        options.top = 0;
        CPPUNIT_ASSERT_EQUAL(4u, fuse({input}, options)["clones"].size());
    }

    void testDistributionsAndFusedInputs() {
        FuseInput a =
            sample("a.fa", 10, R"([{"id":"x","top":1,"reads":[10],"warn":[{"code":"W1"}]}])");
        a.result["distributions"] = parse_json(
            R"({"repertoires":{"a.fa":[]},"keys":["clones","reads"],"filters":{}})", "d");
        a.result["warn"] = parse_json(R"([{"code":"W20","msg":"few"}])", "w");
        FuseInput b = sample("b.fa", 10, R"([{"id":"y","top":1,"reads":[10]}])");
        b.result["distributions"] = parse_json(R"({"repertoires":{"b.fa":[]}})", "d");
        Json::Value fused = fuse({a, b}, {});
        CPPUNIT_ASSERT_EQUAL(2u, fused["distributions"]["repertoires"].size());
        CPPUNIT_ASSERT_EQUAL(2u, fused["distributions"]["keys"].size());
        // Fusing fused results: sample indexes of warnings follow.
        FuseInput twice;
        twice.result = fused;
        twice.result["distributions"]["repertoires"] = Json::Value(Json::objectValue);
        Json::Value again = fuse({b, twice}, {});
        CPPUNIT_ASSERT_EQUAL(3, again["samples"]["number"].asInt());
        CPPUNIT_ASSERT_EQUAL(1, again["warn"][0]["sample"].asInt());
        CPPUNIT_ASSERT_EQUAL(1, find_clone(again, "x")->get("warn", 0)[0]["sample"].asInt());
        CPPUNIT_ASSERT_EQUAL(3u, find_clone(again, "x")->get("reads", 0).size());
        CPPUNIT_ASSERT_THROW(fuse({a, a}, {}), FormatError);  // same file name twice
        CPPUNIT_ASSERT_THROW(fuse({}, {}), FormatError);
    }

    void testParseFuseCommand() {
        FuseOptions options = parse_fuse_command("-t 100 -d lenSeqAverage --overlaps");
        CPPUNIT_ASSERT_EQUAL(100u, options.top);
        CPPUNIT_ASSERT_EQUAL(size_t(3), options.unsupported.size());
        CPPUNIT_ASSERT_EQUAL(0u, parse_fuse_command("--top=0").top);
        CPPUNIT_ASSERT_EQUAL(100u, parse_fuse_command("").top);
        CPPUNIT_ASSERT_THROW(parse_fuse_command("-t"), FormatError);
        CPPUNIT_ASSERT_THROW(parse_fuse_command("-t -5"), FormatError);
    }

    void testFuseAirrWithVidjil() {
        if (!data_available("testFuseAirrWithVidjil")) return;
        Json::Value fused = fuse({load_fuse_input(data_path("airr_mixcr.tsv")),
                                  load_fuse_input(data_path("Demo-X5-x100.vidjil"))},
                                 {});
        CPPUNIT_ASSERT_EQUAL(2, fused["samples"]["number"].asInt());
        CPPUNIT_ASSERT_EQUAL(std::string("unknown (AIRR format)"),
                             fused["samples"]["producer"][0].asString());
        CPPUNIT_ASSERT_EQUAL(8, fused["reads"]["total"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(1400, fused["reads"]["total"][1].asInt());
        CPPUNIT_ASSERT_EQUAL(22u, fused["clones"].size());
        check_per_sample(fused["reads"], 2, "reads");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VidjilFuseTest);
