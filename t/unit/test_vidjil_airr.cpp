// Unit tests of the AIRR rearrangement TSV import (src/vidjil/airr.*): the four reference
// exports (vidjil-algo, IgBLAST, MiXCR, IMGT/V-QUEST) and hand-made tables.
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "vidjil/airr.h"
#include "vidjil/vidjil_file.h"
#include "vidjil_test_data.h"

using namespace vidjil::files;
using vidjil_test::require_data;
using vidjil_test::data_path;

namespace {

// What the import should find, counted here independently: data rows and reads.
struct TableFacts {
    unsigned rows = 0;
    Json::Int64 reads = 0;
};

TableFacts facts_of(const std::string& tsv, const std::string& count_column) {
    std::istringstream lines(tsv);
    std::string line;
    std::getline(lines, line);
    std::vector<std::string> header;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) header.push_back(cell);
    TableFacts facts;
    while (std::getline(lines, line)) {
        if (line.rfind("Total queries", 0) == 0) break;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        ++facts.rows;
        std::istringstream row(line);
        std::string cell;
        Json::Int64 count = 1;
        for (size_t i = 0; std::getline(row, cell, '\t'); ++i)
            if (i < header.size() && header[i] == count_column && !cell.empty())
                count = static_cast<Json::Int64>(std::stod(cell));
        facts.reads += count;
    }
    return facts;
}

void check_totals(const std::string& file, const std::string& count_column) {
    Json::Value result = load_airr(data_path(file));
    TableFacts facts = facts_of(read_file(data_path(file)), count_column);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(file, facts.rows, result["clones"].size());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(file, facts.reads, result["reads"]["total"][0].asInt64());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(file, facts.reads, result["reads"]["segmented"][0].asInt64());
    Json::Int64 by_locus = 0;
    for (const Json::Value& locus : result["reads"]["germline"]) by_locus += locus[0].asInt64();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(file, facts.reads, by_locus);
    // The import must itself be a valid result, usable as a fuse input.
    CPPUNIT_ASSERT_NO_THROW(parse_vidjil(write_compact(result), file));
    CPPUNIT_ASSERT_EQUAL(std::string("unknown (AIRR format)"),
                         result["samples"]["producer"][0].asString());
    CPPUNIT_ASSERT_EQUAL(data_path(file), result["samples"]["original_names"][0].asString());
    std::vector<bool> rank_seen(result["clones"].size() + 1, false);
    for (const Json::Value& clone : result["clones"]) {
        unsigned top = clone["top"].asUInt();
        CPPUNIT_ASSERT(top >= 1 && top < rank_seen.size() && !rank_seen[top]);
        rank_seen[top] = true;
    }
}

// No IMGT noise nor alternatives left in any gene name.
void check_gene_names(const Json::Value& result) {
    for (const Json::Value& clone : result["clones"])
        for (const char* gene : {"5", "4", "3"}) {
            std::string name = clone["seg"][gene]["name"].asString();
            for (const char* noise : {"Homsap", " F", "(F)", "[ORF]", ",", " or "})
                CPPUNIT_ASSERT_MESSAGE(name, name.find(noise) == std::string::npos);
        }
}

const Json::Value* find_clone(const Json::Value& result, const std::string& id) {
    for (const Json::Value& clone : result["clones"])
        if (clone["id"].asString() == id) return &clone;
    return nullptr;
}

}  // namespace

class VidjilAirrTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(VidjilAirrTest);
    CPPUNIT_TEST(testCleanGeneName);
    CPPUNIT_TEST(testBuiltTable);
    CPPUNIT_TEST(testNotAirr);
    CPPUNIT_TEST(testVidjilAlgoExport);
    CPPUNIT_TEST(testIgblastExport);
    CPPUNIT_TEST(testMixcrExport);
    CPPUNIT_TEST(testVquestExport);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCleanGeneName() {
        CPPUNIT_ASSERT_EQUAL(std::string("IGHV3-74*01"),
                             clean_gene_name("Homsap IGHV3-74*01 F, or Homsap IGHV3-74*02 F"));
        CPPUNIT_ASSERT_EQUAL(std::string("IGHD3-9*01"), clean_gene_name("Homsap_IGHD3-9*01"));
        CPPUNIT_ASSERT_EQUAL(std::string("IGKV3-7*04"), clean_gene_name("Homsap IGKV3-7*04 [ORF]"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("IGKJ2*02"),
            clean_gene_name("Homsap IGKJ2*02 (F), or Homsap IGKJ4*01 F or Homsap IGKJ4*02 (F)"));
        CPPUNIT_ASSERT_EQUAL(std::string("IGHV3-74*01"),
                             clean_gene_name("IGHV3-74*01,IGHV3-74*02"));
        CPPUNIT_ASSERT_EQUAL(std::string("TRBV11-2*01"), clean_gene_name("TRBV11-2*01"));
        CPPUNIT_ASSERT_EQUAL(std::string("Intron"), clean_gene_name("Intron"));
        CPPUNIT_ASSERT_EQUAL(std::string(), clean_gene_name(""));
    }

    void testBuiltTable() {
        std::string tsv =
            "sequence_id\tlocus\tduplicate_count\tv_call\td_call\tj_call\tsequence\tproductive\t"
            "junction_aa\tv_alignment_start\tv_alignment_end\tcdr3_start\tcdr3_end\twarnings\n"
            "c1\tIGH\t5\tHomsap IGHV1-2*02 "
            "F\tIGHD2-2*01\tIGHJ4*02\tACGTACGT\tT\tCARW\t1\t20\t21\t30\tW69\n"
            "c1\tTRG\t\tTRGV9*01\t\tTRGJP*01\tACG\tfalse\t\t\t\t\t\t\n"
            "\n"
            "c2\t\t7\n"
            "c1\tTRG\t2\n"
            "Total queries = 4\n"
            "not\ta\trow\n";
        Json::Value result = airr_to_vidjil(tsv, "built.tsv");
        CPPUNIT_ASSERT_EQUAL(4u, result["clones"].size());
        const Json::Value& c1 = *find_clone(result, "c1");
        CPPUNIT_ASSERT_EQUAL(std::string("IGHV1-2*02 IGHD2-2*01 IGHJ4*02"), c1["name"].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("IGH"), c1["germline"].asString());
        CPPUNIT_ASSERT_EQUAL(1, c1["seg"]["5"]["start"].asInt());
        CPPUNIT_ASSERT_EQUAL(20, c1["seg"]["5"]["stop"].asInt());
        CPPUNIT_ASSERT_EQUAL(30, c1["seg"]["cdr3"]["stop"].asInt());
        CPPUNIT_ASSERT_EQUAL(std::string("CARW"), c1["seg"]["junction"]["aa"].asString());
        CPPUNIT_ASSERT(c1["seg"]["junction"]["productive"].asBool());
        CPPUNIT_ASSERT_EQUAL(std::string("W69"), c1["warn"][0]["code"].asString());
        CPPUNIT_ASSERT_EQUAL(8, c1["_average_read_length"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(1.0, c1["_coverage"][0].asDouble());
        CPPUNIT_ASSERT_EQUAL(2, c1["top"].asInt());  // 5 reads, after c2's 7
        const Json::Value& repeat = *find_clone(result, "c1_1");
        CPPUNIT_ASSERT_EQUAL(1, repeat["reads"][0].asInt());  // empty duplicate_count
        CPPUNIT_ASSERT(!repeat["seg"]["junction"]["productive"].asBool());
        CPPUNIT_ASSERT(!repeat["seg"].isMember("4"));
        CPPUNIT_ASSERT(find_clone(result, "c1_2"));
        const Json::Value& c2 = *find_clone(result, "c2");
        CPPUNIT_ASSERT_EQUAL(std::string("undetermined"), c2["germline"].asString());
        CPPUNIT_ASSERT_EQUAL(1, c2["top"].asInt());
        CPPUNIT_ASSERT(!c2.isMember("seg") && !c2.isMember("name"));
        CPPUNIT_ASSERT_EQUAL(15, result["reads"]["total"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(3, result["reads"]["germline"]["TRG"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(7, result["reads"]["germline"]["undetermined"][0].asInt());
        CPPUNIT_ASSERT_EQUAL(1u, sample_count(result));
    }

    void testNotAirr() {
        CPPUNIT_ASSERT_THROW(airr_to_vidjil("a\tb\n1\t2\n", "x.tsv"), FormatError);
        CPPUNIT_ASSERT_THROW(airr_to_vidjil("", "x.tsv"), FormatError);
        CPPUNIT_ASSERT(is_airr_path("/results/x.tsv.gz") && is_airr_path("a.AIRR") &&
                       is_airr_path("a.airr"));
        CPPUNIT_ASSERT(!is_airr_path("a.vidjil"));
        std::string header_only =
            airr_to_vidjil("sequence_id\tv_call\n", "x.tsv")["reads"]["total"][0].asString();
        CPPUNIT_ASSERT_EQUAL(std::string("0"), header_only);
    }

    void testVidjilAlgoExport() {
        require_data();
        check_totals("airr_vidjil.tsv", "duplicate_count");
        Json::Value result = load_airr(data_path("airr_vidjil.tsv"));
        check_gene_names(result);
        const Json::Value* clone =
            find_clone(result, "ATTACTGCCGCGGTCGATATTTTGACTGGTTATTACTTCGAACATGACTA");
        CPPUNIT_ASSERT(clone);
        CPPUNIT_ASSERT_EQUAL(std::string("IGHV3-74*02 IGHD3-9*01 IGHJ4*02"),
                             (*clone)["name"].asString());
        CPPUNIT_ASSERT_EQUAL(1, result["reads"]["germline"]["TRA+D"][0].asInt());
    }

    void testIgblastExport() {
        require_data();
        check_totals("airr_igblast.tsv.gz", "duplicate_count");
        Json::Value result = load_airr(data_path("airr_igblast.tsv.gz"));
        check_gene_names(result);
        CPPUNIT_ASSERT(find_clone(result, "TRDV1*01") && find_clone(result, "TRDV1*01_1") &&
                       find_clone(result, "TRDV1*01_2"));
        const Json::Value& first = *find_clone(result, "IGHV3-74*02");
        CPPUNIT_ASSERT_EQUAL(std::string("IGHV3-74*01"), first["seg"]["5"]["name"].asString());
        CPPUNIT_ASSERT(!first["seg"]["junction"]["productive"].asBool());
        CPPUNIT_ASSERT_EQUAL(std::string("undetermined"),
                             find_clone(result, "TRBD2*02")->get("germline", "").asString());
    }

    void testMixcrExport() {
        require_data();
        check_totals("airr_mixcr.tsv", "cloneCount");
        Json::Value result = load_airr(data_path("airr_mixcr.tsv"));
        check_gene_names(result);
        const Json::Value& first = *find_clone(result, "0");  // cloneId -> sequence_id
        CPPUNIT_ASSERT_EQUAL(std::string("TRD"), first["germline"].asString());  // chains -> locus
        CPPUNIT_ASSERT_EQUAL(std::string("TRDV1*00 TRDD3*00 TRDJ1*00"), first["name"].asString());
        CPPUNIT_ASSERT_EQUAL(1, first["reads"][0].asInt());  // cloneCount "1.0"
        CPPUNIT_ASSERT(first["sequence"].asString().rfind("TGTGCTCTTGGGG", 0) ==
                       0);  // targetSequences
    }

    void testVquestExport() {
        require_data();
        check_totals("airr_vquest.tsv", "duplicate_count");
        Json::Value result = load_airr(data_path("airr_vquest.tsv"));
        check_gene_names(result);
        const Json::Value& first =
            *find_clone(result, "IGHV3-74*02_7/CCGCGGT/6_IGHD3-9*01_4/CTTCGAACA/7");
        CPPUNIT_ASSERT_EQUAL(std::string("IGHV3-74*01 IGHD3-9*01 IGHJ4*02"),
                             first["name"].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("CRGRYFDWLLLRT*LL"),
                             first["seg"]["junction"]["aa"].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("IGKV3-11*01"),
                             find_clone(result, "TRGV10*02_5/AGAC/3_TRGJP1*01__[TRG]__{CAAWRPTGWFK")
                                 ->get("seg", Json::Value())["5"]["name"]
                                 .asString());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VidjilAirrTest);
