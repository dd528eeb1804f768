// Unit tests of the sets area's pure functions: sheets (TSV/CSV) for batch creation, tags of
// info texts, set tokens, names shown without `anon`, and the content check of uploads.
#include <cppunit/extensions/HelperMacros.h>

#include "endpoints/files.h"
#include "endpoints/sets_sheet.h"
#include "model/tags.h"
#include "render/template.h"

using namespace vidjil;
using namespace vidjil::endpoints::sets;

class SetsSheetTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SetsSheetTest);
    CPPUNIT_TEST(tsv_and_csv);
    CPPUNIT_TEST(quoted_cells);
    CPPUNIT_TEST(bad_sheets);
    CPPUNIT_TEST(headers);
    CPPUNIT_TEST(tags);
    CPPUNIT_TEST(tokens_and_names);
    CPPUNIT_TEST(content_checks);
    CPPUNIT_TEST_SUITE_END();

public:
    void tsv_and_csv() {
        Sheet t = parse_sheet("first_name\tlast_name\tbirth\r\nJohn\tDoe\t2001-01-01\r\n\r\nAna\t Lab \t\n");
        CPPUNIT_ASSERT_EQUAL(size_t(3), t.header.size());
        CPPUNIT_ASSERT_EQUAL(size_t(2), t.rows.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Lab"), t.rows[1][1]);
        CPPUNIT_ASSERT_EQUAL(4, t.lines[1]);  // the blank line still counts
        Sheet c = parse_sheet("\xEF\xBB\xBFname,info\nrun 1,#MRD\n");
        CPPUNIT_ASSERT_EQUAL(std::string("name"), c.header[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("#MRD"), c.rows[0][1]);
        Sheet s = parse_sheet("name;info\nA;B");
        CPPUNIT_ASSERT_EQUAL(std::string("B"), s.rows[0][1]);
    }
    void quoted_cells() {
        Sheet c = parse_sheet("name,info\n\"Doe, John\",\"say \"\"hi\"\"\nsecond line\"\nx,\"\"\n");
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.rows.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Doe, John"), c.rows[0][0]);
        CPPUNIT_ASSERT_EQUAL(std::string("say \"hi\"\nsecond line"), c.rows[0][1]);
        CPPUNIT_ASSERT_EQUAL(4, c.lines[1]);
        CPPUNIT_ASSERT_EQUAL(std::string(""), c.rows[1][1]);
    }
    void bad_sheets() {
        for (const char* bad : {"", "\n\n", "a,b\n\"open", "a,b\n\"x\"y,z\n", "a\tb\n\xff\xfe\n"}) {
            bool thrown = false;
            try {
                parse_sheet(bad);
            } catch (const std::invalid_argument&) {
                thrown = true;
            }
            CPPUNIT_ASSERT_MESSAGE(bad, thrown);
        }
        bool too_many = false;
        try {
            parse_sheet("a\n1\n2\n3\n", 2);
        } catch (const std::invalid_argument&) {
            too_many = true;
        }
        CPPUNIT_ASSERT(too_many);
    }
    void headers() {
        CPPUNIT_ASSERT_EQUAL(std::string("birth"), sheet_field(" Birth date "));
        CPPUNIT_ASSERT_EQUAL(std::string("last_name"), sheet_field("Last name"));
        CPPUNIT_ASSERT_EQUAL(std::string("id_label"), sheet_field("Label"));
        CPPUNIT_ASSERT_EQUAL(std::string("sequencer"), sheet_field("Sequencer"));
    }
    void tags() {
        auto t = model::extract_tags("#ALL diag #MRD-2 #mrd-2 x#y ## #\xC3\xA9t\xC3\xA9 #a_b.");
        CPPUNIT_ASSERT_EQUAL(size_t(5), t.size());
        CPPUNIT_ASSERT_EQUAL(std::string("ALL"), t[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("MRD-2"), t[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("y"), t[2]);
        CPPUNIT_ASSERT_EQUAL(std::string("\xC3\xA9t\xC3\xA9"), t[3]);
        CPPUNIT_ASSERT_EQUAL(std::string("a_b"), t[4]);
    }
    void tokens_and_names() {
        CPPUNIT_ASSERT_EQUAL(int64_t(25), *token_set_id(":p+(25)"));
        CPPUNIT_ASSERT_EQUAL(int64_t(12), *token_set_id(":p Doe John (2001-01-01) (12)"));
        CPPUNIT_ASSERT(!token_set_id(":p Doe"));
        CPPUNIT_ASSERT(!token_set_id(":p (x)"));
        model::SampleSet p;
        p.type = "patient";
        p.id = 7;
        p.first_name = "John";
        p.last_name = "\xC3\x89vrard";
        p.birth = "2001-01-01";
        CPPUNIT_ASSERT_EQUAL(std::string("\xC3\x89vr"), display_name(p, false));  // 3 letters, not bytes
        CPPUNIT_ASSERT_EQUAL(std::string(":p \xC3\x89vr (7)"), set_token(p, false));  // no birth date
        CPPUNIT_ASSERT_EQUAL(std::string(":p \xC3\x89vrard John (2001-01-01) (7)"), set_token(p, true));
        Json::Value view(Json::objectValue);
        view["info_tags"] = tag_parts("a <b> #MRD", "/sample_set/all", "patient");
        std::string links = vidjil::render::render("partials/tag_links", vidjil::render::from_json(view));
        CPPUNIT_ASSERT(links.find("class=\"tag-link\" data-sample-type=\"patient\"") != std::string::npos);
        CPPUNIT_ASSERT(links.find("<span title=\"a &lt;b&gt; #MRD\">a &lt;b&gt; <a ") == 0);
        CPPUNIT_ASSERT(links.find("&lt;b&gt;") != std::string::npos);
        CPPUNIT_ASSERT(links.find("data-linkable-name=\"#MRD\"") != std::string::npos);
        CPPUNIT_ASSERT(links.find("<b>") == std::string::npos);
    }
    void content_checks() {
        bool gz = false;
        CPPUNIT_ASSERT_EQUAL(std::string(""), content_problem("x.fa", ">s\nACGT\n", gz));
        CPPUNIT_ASSERT_EQUAL(std::string(""), content_problem("clones_simul.fa", "@r\nACGT\n+\nIIII\n", gz));
        CPPUNIT_ASSERT_EQUAL(std::string(""), content_problem("x.txt", "@r\nACGT\n+\nIIII\n", gz));
        CPPUNIT_ASSERT(!content_problem("x.fa", "", gz).empty());
        CPPUNIT_ASSERT(!content_problem("x.fastq", "\x89PNG\r\n", gz).empty());
        CPPUNIT_ASSERT(!content_problem("x.vidjil", ">s\nACGT\n", gz).empty());  // named result, is reads
        CPPUNIT_ASSERT(!content_problem("x.fastq.gz", "@r\nACGT\n", gz).empty());  // .gz but plain
        std::string err;
        CPPUNIT_ASSERT_EQUAL(std::string("x.fa"), clean_upload_name("C:\\fakepath\\x.fa", err));
        CPPUNIT_ASSERT_EQUAL(std::string(""), clean_upload_name("../../etc/passwd", err));
        CPPUNIT_ASSERT_EQUAL(std::string(""), clean_upload_name("a\x01.fa", err));
        CPPUNIT_ASSERT_EQUAL(std::string(""), clean_upload_name(std::string(300, 'a'), err));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(SetsSheetTest);
