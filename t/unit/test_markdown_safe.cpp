// Unit tests of the news Markdown renderer: formatting works, and nothing in the source can
// become markup or script (raw HTML, javascript:/data: links, tricks with blanks and case).
#include <cppunit/extensions/HelperMacros.h>

#include "render/markdown.h"

using vidjil::render::markdown_to_html;
using vidjil::render::safe_link_target;

class MarkdownSafeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MarkdownSafeTest);
    CPPUNIT_TEST(formatting);
    CPPUNIT_TEST(raw_html_is_text);
    CPPUNIT_TEST(dangerous_links_are_emptied);
    CPPUNIT_TEST(link_target_rules);
    CPPUNIT_TEST(invalid_utf8_and_empty);
    CPPUNIT_TEST_SUITE_END();

    static bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

public:
    void formatting() {
        std::string h = markdown_to_html("# Maintenance\n\n**Saturday** the server is *down*.\n\n- a\n- b\n\n"
                                         "[docs](https://www.vidjil.org/doc/) ~~old~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        CPPUNIT_ASSERT(has(h, "<h1>Maintenance</h1>"));
        CPPUNIT_ASSERT(has(h, "<strong>Saturday</strong>"));
        CPPUNIT_ASSERT(has(h, "<em>down</em>"));
        CPPUNIT_ASSERT(has(h, "<li>a</li>"));
        CPPUNIT_ASSERT(has(h, "<a href=\"https://www.vidjil.org/doc/\">docs</a>"));
        CPPUNIT_ASSERT(has(h, "<del>old</del>"));
        CPPUNIT_ASSERT(has(h, "<table>"));
        CPPUNIT_ASSERT(has(markdown_to_html("see www.vidjil.org"), "href=\"http://www.vidjil.org\""));
    }
    void raw_html_is_text() {
        std::string inline_html = markdown_to_html("hello <script>alert(1)</script> <img src=x onerror=alert(2)>");
        CPPUNIT_ASSERT(!has(inline_html, "<script"));
        CPPUNIT_ASSERT(!has(inline_html, "<img"));
        CPPUNIT_ASSERT(has(inline_html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
        std::string block = markdown_to_html("<div onclick=\"x()\">\n<iframe src=\"https://evil.example\"></iframe>\n</div>\n");
        CPPUNIT_ASSERT(!has(block, "<div"));
        CPPUNIT_ASSERT(!has(block, "<iframe"));
        CPPUNIT_ASSERT(has(block, "&lt;iframe"));
        CPPUNIT_ASSERT(!has(markdown_to_html("<svg/onload=alert(1)>"), "<svg"));
        CPPUNIT_ASSERT(!has(markdown_to_html("`a` <!-- c --> <?php x ?>"), "<!--"));
    }
    void dangerous_links_are_emptied() {
        for (const char* md : {"[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](<java\tscript:alert(1)>)",
                               "[x](vbscript:msgbox)", "[x](data:text/html;base64,PHNjcmlwdD4=)",
                               "![i](data:image/png;base64,iVBORw0KGgo=)", "[x](file:///etc/passwd)",
                               "<javascript:alert(1)>", "[x][r]\n\n[r]: javascript:alert(1)"}) {
            std::string h = markdown_to_html(md);
            CPPUNIT_ASSERT_MESSAGE(md + std::string(" -> ") + h, !has(h, "script:") || !has(h, "href=\"j"));
            CPPUNIT_ASSERT_MESSAGE(md + std::string(" -> ") + h, !has(h, "href=\"javascript") && !has(h, "href=\"data") &&
                                                                      !has(h, "src=\"data") && !has(h, "href=\"vbscript") &&
                                                                      !has(h, "href=\"file") && !has(h, "href=\"JaVa"));
        }
        CPPUNIT_ASSERT(has(markdown_to_html("[mail](mailto:lab@example.org)"), "href=\"mailto:lab@example.org\""));
        CPPUNIT_ASSERT(has(markdown_to_html("[rel](sample_set/all)"), "href=\"sample_set/all\""));
    }
    void link_target_rules() {
        CPPUNIT_ASSERT(safe_link_target("https://a.example/x"));
        CPPUNIT_ASSERT(safe_link_target("HTTP://a.example/"));
        CPPUNIT_ASSERT(safe_link_target("#top"));
        CPPUNIT_ASSERT(safe_link_target("/vidjil/notification/index"));
        CPPUNIT_ASSERT(safe_link_target("a/b:c"));
        CPPUNIT_ASSERT(!safe_link_target("javascript:x"));
        CPPUNIT_ASSERT(!safe_link_target(" javascript:x"));
        CPPUNIT_ASSERT(!safe_link_target("java\nscript:x"));
        CPPUNIT_ASSERT(!safe_link_target("data:text/html,x"));
        CPPUNIT_ASSERT(!safe_link_target("ftp://x"));
    }
    void invalid_utf8_and_empty() {
        CPPUNIT_ASSERT_EQUAL(std::string(""), markdown_to_html(""));
        std::string h = markdown_to_html("caf\xC3 \xFF");
        CPPUNIT_ASSERT(has(h, "\xEF\xBF\xBD"));  // U+FFFD
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MarkdownSafeTest);
