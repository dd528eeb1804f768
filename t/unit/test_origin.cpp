// Unit tests of the cross-origin policy: which browser requests may use a session, and CORS.
#include <cppunit/extensions/HelperMacros.h>

#include "http/origin.h"

using namespace vidjil;

class OriginTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OriginTest);
    CPPUNIT_TEST(origin_parsing);
    CPPUNIT_TEST(fetch_metadata);
    CPPUNIT_TEST(origin_and_referer);
    CPPUNIT_TEST(api_clients);
    CPPUNIT_TEST_SUITE_END();

    http::OriginPolicy policy{"https://db.lab.org", {"https://app.vidjil.org"}};

public:
    void origin_parsing() {
        CPPUNIT_ASSERT_EQUAL(std::string("https://a.org"), http::origin_of("https://A.org:443/x?y"));
        CPPUNIT_ASSERT_EQUAL(std::string("http://a.org:8080"), http::origin_of("http://a.org:8080/"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), http::origin_of("null"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), http::origin_of("javascript://a.org"));
    }
    void fetch_metadata() {
        CPPUNIT_ASSERT(policy.request_allowed("same-origin", "", ""));
        CPPUNIT_ASSERT(policy.request_allowed("none", "", ""));
        CPPUNIT_ASSERT(policy.request_allowed("cross-site", "https://app.vidjil.org", ""));
        CPPUNIT_ASSERT(!policy.request_allowed("cross-site", "https://evil.example", ""));
        CPPUNIT_ASSERT(!policy.request_allowed("cross-site", "", ""));
        CPPUNIT_ASSERT(policy.request_allowed("cross-site", "", "https://app.vidjil.org/index.html?x=1"));
        CPPUNIT_ASSERT(!policy.request_allowed("same-site", "https://other.lab.org", ""));
    }
    void origin_and_referer() {
        CPPUNIT_ASSERT(policy.request_allowed("", "https://db.lab.org", ""));
        CPPUNIT_ASSERT(!policy.request_allowed("", "https://evil.example", ""));
        CPPUNIT_ASSERT(!policy.request_allowed("", "null", ""));
        CPPUNIT_ASSERT(!policy.request_allowed("", "", "https://evil.example/page"));
        CPPUNIT_ASSERT(policy.request_allowed("", "", "https://db.lab.org/vidjil/x"));
        CPPUNIT_ASSERT(policy.allowed_origin("https://app.vidjil.org"));
        CPPUNIT_ASSERT(!policy.allowed_origin("https://app.vidjil.org.evil.example"));
    }
    void api_clients() {
        // api_vidjil.py and curl send neither Sec-Fetch-Site, Origin nor Referer.
        CPPUNIT_ASSERT(policy.request_allowed("", "", ""));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(OriginTest);
