// Unit tests of the string helpers: URL decoding, UTF-8 validation, dates, e-mails, log escaping.
#include <cppunit/extensions/HelperMacros.h>

#include "util/text.h"

using namespace vidjil;

class TextTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TextTest);
    CPPUNIT_TEST(url_decode);
    CPPUNIT_TEST(utf8);
    CPPUNIT_TEST(dates);
    CPPUNIT_TEST(emails);
    CPPUNIT_TEST(log_escaping);
    CPPUNIT_TEST(ints);
    CPPUNIT_TEST(random_tokens);
    CPPUNIT_TEST(header_names_compare_without_case);
    CPPUNIT_TEST_SUITE_END();

public:
    void header_names_compare_without_case() {
        CPPUNIT_ASSERT(text::iequals("Content-Type", "content-type"));
        CPPUNIT_ASSERT(text::iequals("CACHE-CONTROL", "Cache-Control"));
        CPPUNIT_ASSERT(text::iequals("", ""));
        CPPUNIT_ASSERT(!text::iequals("Content-Type", "Content-Typ"));
        CPPUNIT_ASSERT(!text::iequals("Content-Type", "Content_Type"));
        // Only letters fold: '@' (0x40) and '`' (0x60) differ by the case bit, as do '[' and '{'.
        CPPUNIT_ASSERT(!text::iequals("a@", "a`"));
        CPPUNIT_ASSERT(!text::iequals("[", "{"));
        CPPUNIT_ASSERT(!text::iequals("\xC3\xA9", "\xE3\xA9"));
        for (int c = 0; c < 256; ++c)
            for (int d = 0; d < 256; ++d) {
                std::string a(1, static_cast<char>(c)), b(1, static_cast<char>(d));
                CPPUNIT_ASSERT_EQUAL(text::to_lower(a) == text::to_lower(b), text::iequals(a, b));
            }
    }
    void url_decode() {
        CPPUNIT_ASSERT_EQUAL(std::string("a b/c"), *text::url_decode("a+b%2Fc", true));
        CPPUNIT_ASSERT_EQUAL(std::string("a+b"), *text::url_decode("a+b", false));
        CPPUNIT_ASSERT(!text::url_decode("%4", true));
        CPPUNIT_ASSERT(!text::url_decode("%zz", true));
        CPPUNIT_ASSERT(!text::url_decode("abc%", true));
        CPPUNIT_ASSERT_EQUAL(std::string("%C3%A9t%C3%A9%20x"), text::url_encode("\xC3\xA9t\xC3\xA9 x"));
    }
    void utf8() {
        CPPUNIT_ASSERT(text::valid_utf8("\xC3\xA9t\xC3\xA9"));
        CPPUNIT_ASSERT(text::valid_utf8("\xF0\x9F\x98\x80"));
        CPPUNIT_ASSERT(!text::valid_utf8("\xC3"));
        CPPUNIT_ASSERT(!text::valid_utf8("\xC0\xAF"));          // overlong '/'
        CPPUNIT_ASSERT(!text::valid_utf8("\xED\xA0\x80"));      // surrogate
        CPPUNIT_ASSERT(!text::valid_utf8("\xFF"));
        CPPUNIT_ASSERT(text::has_control_chars(std::string("a\0b", 3)));
        CPPUNIT_ASSERT(!text::has_control_chars("a\tb\r\n"));
    }
    void dates() {
        CPPUNIT_ASSERT(text::is_date("2024-02-29"));
        CPPUNIT_ASSERT(!text::is_date("2023-02-29"));
        CPPUNIT_ASSERT(!text::is_date("2024-13-01"));
        CPPUNIT_ASSERT(!text::is_date("24-01-01"));
        CPPUNIT_ASSERT(!text::is_date("2024-01-01x"));
    }
    void emails() {
        CPPUNIT_ASSERT(text::is_email("plop@plop.com"));
        CPPUNIT_ASSERT(!text::is_email("plop"));
        CPPUNIT_ASSERT(!text::is_email("a@b@c"));
        CPPUNIT_ASSERT(!text::is_email("<script>@x.org"));
        CPPUNIT_ASSERT(!text::is_email("a@.org"));
    }
    void log_escaping() {
        CPPUNIT_ASSERT_EQUAL(std::string("a\\nFAKE LINE\\x1b[31m"), text::escape_for_log("a\nFAKE LINE\x1b[31m"));
        CPPUNIT_ASSERT_EQUAL(std::string("ab..."), text::escape_for_log("abcdef", 2));
    }
    void ints() {
        CPPUNIT_ASSERT_EQUAL(int64_t(-1), *text::parse_int("-1"));
        CPPUNIT_ASSERT(!text::parse_int("1x"));
        CPPUNIT_ASSERT(!text::parse_int(""));
        CPPUNIT_ASSERT(!text::parse_int("99999999999999999999"));
    }
    void random_tokens() {
        std::string a = text::random_hex(32), b = text::random_hex(32);
        CPPUNIT_ASSERT_EQUAL(size_t(64), a.size());
        CPPUNIT_ASSERT(a != b);
        CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                             text::sha256_hex(""));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(TextTest);
