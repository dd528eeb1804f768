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
using vidjil_test::require_data;
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


using Axes = std::vector<std::vector<std::string>>;

FuseOptions with_axes(const Axes& axes, unsigned top = 100) {
    FuseOptions options;
    options.top = top;
    options.distributions = axes;
    return options;
}

// distributions.repertoires[name][k].values, after checking its axes.
const Json::Value& values_of(const Json::Value& fused, const std::string& name, unsigned k,
                             const std::vector<std::string>& axes) {
    const Json::Value& entry = fused["distributions"]["repertoires"][name][k];
    Json::Value expected(Json::arrayValue);
    for (const std::string& axis : axes) expected.append(axis);
    CPPUNIT_ASSERT_MESSAGE(name + " axes", entry["axes"] == expected);
    return entry["values"];
}

Json::Value json(const std::string& text) { return parse_json(text, "expected"); }

// Sample `i` of a fused result as the one-sample result it came from (as far as the fused file
// tells: only the clones it kept).
FuseInput split_sample(const Json::Value& fused, unsigned i) {
    FuseInput input;
    Json::Value& r = input.result;
    r["vidjil_json_version"] = "2016b";
    r["samples"]["number"] = 1;
    r["samples"]["original_names"].append(fused["samples"]["original_names"][i]);
    r["reads"]["total"].append(fused["reads"]["total"][i]);
    r["reads"]["segmented"].append(fused["reads"]["segmented"][i]);
    r["clones"] = Json::Value(Json::arrayValue);
    for (const Json::Value& c : fused["clones"]) {
        Json::Value one = c;
        one["reads"] = Json::Value(Json::arrayValue);
        one["reads"].append(c["reads"][i]);
        one["_average_read_length"] = Json::Value(Json::arrayValue);
        one["_average_read_length"].append(c["_average_read_length"][i]);
        r["clones"].append(one);
    }
    return input;
}

// Leaves (paths to [clones, reads]) of distribution values.
void leaves(const Json::Value& values, const std::string& path, std::map<std::string, Json::Value>& out) {
    for (const std::string& key : values.getMemberNames()) {
        const Json::Value& v = values[key];
        if (v.isObject())
            leaves(v, path + "/" + key, out);
        else
            out[path + "/" + key] = v;
    }
}

std::map<std::string, Json::Value> leaves(const Json::Value& values) {
    std::map<std::string, Json::Value> out;
    leaves(values, "", out);
    return out;
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
    CPPUNIT_TEST(testParseScriptsAndAxes);
    CPPUNIT_TEST(testDistributionsHandComputed);
    CPPUNIT_TEST(testDistributionsOfFusedInput);
    CPPUNIT_TEST(testDistributionsLikeReference);
    CPPUNIT_TEST(testDistributionsOfRealResults);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFuseSpikeSamples() {
        require_data();
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
        require_data();
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
        require_data();
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
        require_data();
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
        CPPUNIT_ASSERT(options.unsupported == std::vector<std::string>{"--overlaps"});
        CPPUNIT_ASSERT(options.distributions == std::vector<std::vector<std::string>>{{"lenSeqAverage"}});
        CPPUNIT_ASSERT_EQUAL(0u, parse_fuse_command("--top=0").top);
        CPPUNIT_ASSERT_EQUAL(100u, parse_fuse_command("").top);
        CPPUNIT_ASSERT_THROW(parse_fuse_command("-t"), FormatError);
        CPPUNIT_ASSERT_THROW(parse_fuse_command("-t -5"), FormatError);
    }

    void testFuseAirrWithVidjil() {
        require_data();
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

    void testParseScriptsAndAxes() {
        FuseOptions o = parse_fuse_command("-d lenSeqAverage -d seg5,seg3 -d germline,bogus -d nothing");
        CPPUNIT_ASSERT(o.distributions == (Axes{{"lenSeqAverage"}, {"seg5", "seg3"}, {"germline"}}));
        CPPUNIT_ASSERT_EQUAL(size_t(2), o.problems.size());  // bogus and nothing: logged, skipped
        CPPUNIT_ASSERT(o.problems[0].find("'bogus'") != std::string::npos);
        o = parse_fuse_command(
            "-t 10 --pre 'spike-normalization.py --ref \"a b\" && check' --post=normalize -D x");
        CPPUNIT_ASSERT_EQUAL(10u, o.top);
        CPPUNIT_ASSERT_EQUAL(size_t(2), o.pre.size());
        CPPUNIT_ASSERT_EQUAL(std::string("spike-normalization.py"), o.pre[0].script);
        CPPUNIT_ASSERT(o.pre[0].args == (std::vector<std::string>{"--ref", "a b"}));
        CPPUNIT_ASSERT_EQUAL(std::string("check"), o.pre[1].script);
        CPPUNIT_ASSERT(o.pre[1].args.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), o.post.size());
        CPPUNIT_ASSERT_EQUAL(std::string("normalize"), o.post[0].script);
        CPPUNIT_ASSERT(o.unsupported == (std::vector<std::string>{"-D", "x"}));
        for (const char* bad : {"--pre '../pre-fuse/x'", "--post /bin/sh", "--post 'ok && /usr/bin/env sh'",
                                "--pre 'a..b'", "--pre .hidden", "--pre 'a | b'", "--pre 'a ; b'",
                                "--post 'a > out'", "--pre 'a && && b'", "--pre 'a &&'", "--pre ''",
                                "--pre", "--post", "-d", "-t 5 'unbalanced", "--pre '$(reboot)'"})
            CPPUNIT_ASSERT_THROW_MESSAGE(bad, parse_fuse_command(bad), FormatError);
        CPPUNIT_ASSERT(is_known_axis("lenCDR3") && !is_known_axis("lenSeq"));
    }

    // Every axis on hand-made clones, values worked out by hand.
    void testDistributionsHandComputed() {
        std::string cdr3 = R"("seg":{"5":{"name":"IGHV1*01"},"3":{"name":"IGHJ1*01"},"cdr3":{"start":10,"stop":45}})";
        FuseInput a = sample("a.fa", 105, "[" +
            clone("c1", 1, 50, R"("germline":"IGH","_average_read_length":[150.5],)" + cdr3) + "," +
            clone("c2", 2, 30, R"("germline":"IGH","_average_read_length":[151.5],)"
                               R"("seg":{"5":{"name":"IGHV1*01"},"3":{"name":"IGHJ2*01"},"cdr3":{"seq":"ACGTAC"}})") + "," +
            clone("c3", 3, 20, R"("germline":"TRG","_average_read_length":[150],"seg":{"5":{"name":"IGHV2*01"}})") + "," +
            clone("c5", 4, 5, R"("germline":"IGH")") + "," +
            clone("c4", 5, 0, R"("germline":"IGH","_average_read_length":[99.0])") + "]");
        FuseInput b = sample("b.fa", 10, "[" +
            clone("c1", 1, 10, R"("germline":"IGH","_average_read_length":[160.0],)" + cdr3) + "]");
        Axes axes = {{"lenSeqAverage"}, {"seg5", "seg3"}, {"germline"}, {"lenCDR3"}, {"seg4"}};
        Json::Value fused = fuse({a, b}, with_axes(axes, 1));
        CPPUNIT_ASSERT_EQUAL(1u, fused["clones"].size());  // cut to the top, distributions are not
        const Json::Value& d = fused["distributions"];
        CPPUNIT_ASSERT(d["keys"] == json(R"(["clones","reads"])"));
        CPPUNIT_ASSERT(d["filters"] == Json::Value(Json::objectValue));
        CPPUNIT_ASSERT_EQUAL(2u, d["repertoires"].size());
        CPPUNIT_ASSERT_EQUAL(5u, d["repertoires"]["a.fa"].size());
        // Reals rounded half to even keeping ".0", integers as they are, zero-read clones left out.
        CPPUNIT_ASSERT(values_of(fused, "a.fa", 0, axes[0]) ==
                       json(R"({"150.0":[1,50],"152.0":[1,30],"150":[1,20],"unknow_axis":[1,5]})"));
        CPPUNIT_ASSERT(values_of(fused, "a.fa", 1, axes[1]) ==
                       json(R"({"IGHV1*01":{"IGHJ1*01":[1,50],"IGHJ2*01":[1,30]},
                                "IGHV2*01":{"unknow_axis":[1,20]},"unknow_axis":{"unknow_axis":[1,5]}})"));
        CPPUNIT_ASSERT(values_of(fused, "a.fa", 2, axes[2]) == json(R"({"IGH":[3,85],"TRG":[1,20]})"));
        CPPUNIT_ASSERT(values_of(fused, "a.fa", 3, axes[3]) ==
                       json(R"({"36":[1,50],"6":[1,30],"unknow_axis":[2,25]})"));
        CPPUNIT_ASSERT(values_of(fused, "a.fa", 4, axes[4]) == json(R"({"unknow_axis":[4,105]})"));
        CPPUNIT_ASSERT(values_of(fused, "b.fa", 0, axes[0]) == json(R"({"160.0":[1,10]})"));
        CPPUNIT_ASSERT(values_of(fused, "b.fa", 2, axes[2]) == json(R"({"IGH":[1,10]})"));
        // Without -d nothing is computed; two samples with one name cannot be told apart.
        CPPUNIT_ASSERT(!fuse({a, b}, {}).isMember("distributions"));
        CPPUNIT_ASSERT_THROW(fuse({a, a}, with_axes(axes)), FormatError);
        // Computed distributions merge with those an input already has.
        FuseInput c = sample("c.fa", 1, "[" + clone("z", 1, 1) + "]");
        c.result["distributions"] = json(R"({"repertoires":{"old.fa":[]}})");
        Json::Value merged = fuse({a, c}, with_axes({{"germline"}}));
        CPPUNIT_ASSERT(keys_of(merged["distributions"]["repertoires"]) ==
                       (std::set<std::string>{"a.fa", "c.fa", "old.fa"}));
    }

    // A fused (several-sample) input: one repertoire per sample, from that sample's reads.
    void testDistributionsOfFusedInput() {
        FuseInput a = sample("a.fa", 80, "[" + clone("c1", 1, 50, R"("_average_read_length":[150.0])") + "," +
                                             clone("c2", 2, 30, R"("_average_read_length":[140.0])") + "]");
        FuseInput b = sample("b.fa", 10, "[" + clone("c1", 1, 10, R"("_average_read_length":[160.0])") + "]");
        FuseInput both;
        both.result = fuse({a, b}, with_axes({}, 0));
        both.result["samples"]["original_names"][1] = "";  // a sample without a name
        Json::Value fused = fuse({both}, with_axes({{"lenSeqAverage"}}));
        CPPUNIT_ASSERT(values_of(fused, "a.fa", 0, {"lenSeqAverage"}) == json(R"({"150.0":[1,50],"140.0":[1,30]})"));
        CPPUNIT_ASSERT(values_of(fused, "sample 2", 0, {"lenSeqAverage"}) == json(R"({"160.0":[1,10]})"));
    }

    // fused_multiple.vidjil holds distributions computed on its samples' whole results, and only
    // the clones kept by -t: recomputed from the kept clones, sample 1 (every clone kept) is
    // identical; sample 2 agrees on every value of the kept clones (its other values come from
    // clones not in the file); sample 3's values have the same keys (the reference counts are
    // twice those of the kept clones: its sample held each clone twice).
    void testDistributionsLikeReference() {
        require_data();
        Json::Value reference = load_vidjil(data_path("fused_multiple.vidjil"));
        const Json::Value& expected = reference["distributions"];
        FuseOptions options = parse_fuse_command("-t 100 -d lenSeqAverage -d lenCDR3 -d seg5,seg3");
        CPPUNIT_ASSERT(options.problems.empty());
        std::vector<FuseInput> inputs;
        for (unsigned i = 0; i < 3; ++i) inputs.push_back(split_sample(reference, i));
        Json::Value fused = fuse(inputs, options);
        const Json::Value& ours = fused["distributions"];
        CPPUNIT_ASSERT(ours["keys"] == expected["keys"]);
        CPPUNIT_ASSERT(ours["filters"] == expected["filters"]);
        CPPUNIT_ASSERT(keys_of(ours["repertoires"]) == keys_of(expected["repertoires"]));
        for (unsigned k = 0; k < 3; ++k) {
            const Json::Value& mine = ours["repertoires"]["file_1.fastq"][k];
            const Json::Value& theirs = expected["repertoires"]["file_1.fastq"][k];
            CPPUNIT_ASSERT(mine["axes"] == theirs["axes"]);
            if (k == 1) {  // lenCDR3: no clone has a CDR3; the reference counts 25 clones, the file has 15
                CPPUNIT_ASSERT(keys_of(mine["values"]) == keys_of(theirs["values"]));
                CPPUNIT_ASSERT(mine["values"]["unknow_axis"][1] == theirs["values"]["unknow_axis"][1]);
            } else {
                CPPUNIT_ASSERT_MESSAGE(write_compact(mine), mine == theirs);
            }
        }
        for (unsigned k : {0u, 2u}) {
            auto mine = leaves(ours["repertoires"]["file_2.fastq"][k]["values"]);
            auto theirs = leaves(expected["repertoires"]["file_2.fastq"][k]["values"]);
            CPPUNIT_ASSERT(!mine.empty());
            for (const auto& [path, count] : mine) CPPUNIT_ASSERT_MESSAGE(path, theirs[path] == count);
            std::set<std::string> mine3, theirs3;
            for (const auto& [path, count] : leaves(ours["repertoires"]["file_3.fastq"][k]["values"]))
                mine3.insert(path);
            for (const auto& [path, count] : leaves(expected["repertoires"]["file_3.fastq"][k]["values"]))
                theirs3.insert(path);
            CPPUNIT_ASSERT(mine3 == theirs3);
        }
    }

    // Real vidjil-algo results: every axis computes, counts add up, lenCDR3 is the length of
    // seg.cdr3.seq where the file has it.
    void testDistributionsOfRealResults() {
        require_data();
        Axes axes;
        for (const std::string& axis : known_axes()) axes.push_back({axis});
        for (const char* name : {"input-spike-norm-1.vidjil", "demo_lil_l3_0.vidjil", "Demo-X5-x100.vidjil",
                                 "results_file_min_per_locus.vidjil", "airr_vidjil.tsv"}) {
            FuseInput input = load_fuse_input(data_path(name));
            double reads = 0;
            unsigned clones = 0;
            for (const Json::Value& c : input.result["clones"])
                if (c["reads"][0].asDouble() > 0) {
                    reads += c["reads"][0].asDouble();
                    ++clones;
                }
            Json::Value fused = fuse({input}, with_axes(axes));
            const Json::Value& repertoires = fused["distributions"]["repertoires"];
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, 1u, repertoires.size());
            const Json::Value& list = repertoires[repertoires.getMemberNames()[0]];
            CPPUNIT_ASSERT_EQUAL(unsigned(axes.size()), list.size());
            for (const Json::Value& entry : list) {
                double r = 0;
                unsigned n = 0;
                for (const auto& [path, count] : leaves(entry["values"])) {
                    n += count[0].asUInt();
                    r += count[1].asDouble();
                }
                CPPUNIT_ASSERT_EQUAL_MESSAGE(name, clones, n);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(name, reads, r);
            }
            std::map<std::string, Json::Value> by_length = leaves(list[5]["values"]);
            for (const Json::Value& c : input.result["clones"]) {
                const Json::Value& cdr3 = c["seg"]["cdr3"];
                if (!cdr3["seq"].isString() || !(c["reads"][0].asDouble() > 0)) continue;
                size_t length = cdr3["seq"].asString().size();
                CPPUNIT_ASSERT_MESSAGE(name, by_length.count("/" + std::to_string(length)));
                if (cdr3["start"].isInt() && cdr3["stop"].isInt())  // 1-based, inclusive
                    CPPUNIT_ASSERT_EQUAL(length, size_t(cdr3["stop"].asInt() - cdr3["start"].asInt() + 1));
            }
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VidjilFuseTest);
