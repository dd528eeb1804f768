// Unit tests of the admincli area: CSV cells safe in a spreadsheet (quoting, formula
// injection) and the date filters of the audit trail.
#include <cppunit/extensions/HelperMacros.h>

#include "model/audit_log.h"
#include "util/csv.h"

using namespace vidjil;

class AdminCliTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AdminCliTest);
    CPPUNIT_TEST(csv_plain_and_quoted);
    CPPUNIT_TEST(csv_formula_injection);
    CPPUNIT_TEST(audit_dates);
    CPPUNIT_TEST_SUITE_END();

public:
    void csv_plain_and_quoted() {
        CPPUNIT_ASSERT_EQUAL(std::string("abc"), csv::cell("abc"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), csv::cell(""));
        CPPUNIT_ASSERT_EQUAL(std::string("\"a,b\""), csv::cell("a,b"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"say \"\"hi\"\"\""), csv::cell("say \"hi\""));
        CPPUNIT_ASSERT_EQUAL(std::string("\"two\nlines\""), csv::cell("two\nlines"));
        CPPUNIT_ASSERT_EQUAL(std::string("a,\"b,c\",d\r\n"), csv::line({"a", "b,c", "d"}));
    }
    void csv_formula_injection() {
        CPPUNIT_ASSERT_EQUAL(std::string("'=1+2"), csv::cell("=1+2"));
        CPPUNIT_ASSERT_EQUAL(std::string("'+33"), csv::cell("+33"));
        CPPUNIT_ASSERT_EQUAL(std::string("'-x"), csv::cell("-x"));
        CPPUNIT_ASSERT_EQUAL(std::string("'@SUM(A1)"), csv::cell("@SUM(A1)"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
                             csv::cell("=HYPERLINK(\"http://x\",\"y\")"));
        CPPUNIT_ASSERT_EQUAL(std::string("'\t=1"), csv::cell("\t=1"));
        CPPUNIT_ASSERT_EQUAL(std::string("a=1"), csv::cell("a=1"));  // only a leading sign matters
    }
    void audit_dates() {
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-03 00:00:00"), *model::audit_date("2026-12-03", false));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-04 00:00:00"), *model::audit_date("2026-12-03", true));
        CPPUNIT_ASSERT_EQUAL(std::string("2027-01-01 00:00:00"), *model::audit_date("2026-12-31", true));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-03 10:20:30"), *model::audit_date("2026-12-03 10:20:30", true));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-03 10:20:00"), *model::audit_date("2026-12-03T10:20", false));
        CPPUNIT_ASSERT(!model::audit_date("2026-02-30", false));
        CPPUNIT_ASSERT(!model::audit_date("2026-13-01", false));
        CPPUNIT_ASSERT(!model::audit_date("yesterday", false));
        CPPUNIT_ASSERT(!model::audit_date("2026-12-03; DROP", false));
        CPPUNIT_ASSERT(!model::audit_date("", false));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminCliTest);
