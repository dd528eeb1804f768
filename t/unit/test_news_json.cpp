// Unit tests of the poll answer's JSON (pydal Rows.as_json() shape, Python's escaping) and of
// the HTML-inert JSON helpers shared by the news, logger and align answers.
#include <cppunit/extensions/HelperMacros.h>
#include <json/json.h>

#include "endpoints/news_json.h"
#include "util/json.h"
#include "http/response.h"

using namespace vidjil;

class NewsJsonTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NewsJsonTest);
    CPPUNIT_TEST(exact_shape);
    CPPUNIT_TEST(escaping);
    CPPUNIT_TEST(empty_list);
    CPPUNIT_TEST(inert_json);
    CPPUNIT_TEST_SUITE_END();

public:
    void exact_shape() {
        model::Notification n;
        n.id = 7;
        n.creator = 1;
        n.title = "Maintenance";
        n.message_content = "**down** on Saturday";
        n.message_type = "header";
        n.priority = "urgent";
        n.expiration = "2024-12-31";
        n.creation_datetime = "2024-06-01 10:00:00";
        model::Notification m = n;
        m.id = 8;
        m.creator.reset();
        m.expiration.reset();
        CPPUNIT_ASSERT_EQUAL(
            std::string("[{\"notification\": {\"id\": 7, \"creator\": 1, \"title\": \"Maintenance\", "
                        "\"message_content\": \"**down** on Saturday\", \"message_type\": \"header\", "
                        "\"priority\": \"urgent\", \"expiration\": \"2024-12-31\", "
                        "\"creation_datetime\": \"2024-06-01 10:00:00\"}, \"user_preference\": {\"val\": null}}, "
                        "{\"notification\": {\"id\": 8, \"creator\": null, \"title\": \"Maintenance\", "
                        "\"message_content\": \"**down** on Saturday\", \"message_type\": \"header\", "
                        "\"priority\": \"urgent\", \"expiration\": null, "
                        "\"creation_datetime\": \"2024-06-01 10:00:00\"}, \"user_preference\": {\"val\": null}}]"),
            endpoints::active_notifications_json({n, m}));
    }
    void escaping() {
        CPPUNIT_ASSERT_EQUAL(std::string("\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\u0001\""),
                             json::quote("caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" \\ \n\x01"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"\\u003c/script\\u003e \\u0026\""), json::quote("</script> &"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"a\\ufffdb\""), json::quote("a\xFF" "b"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"\\ufffd\""), json::quote("\xC0\xAF"));  // overlong
        model::Notification n;
        n.id = 1;
        n.title = "R&D <b>";
        n.message_content = "<script>x</script>";
        std::string j = endpoints::active_notifications_json({n});
        Json::Value v;
        CPPUNIT_ASSERT(http::json_parse(j, v));
        CPPUNIT_ASSERT_EQUAL(std::string("R&amp;D &lt;b&gt;"), v[0]["notification"]["title"].asString());
        CPPUNIT_ASSERT_EQUAL(std::string("&lt;script&gt;x&lt;/script&gt;"), v[0]["notification"]["message_content"].asString());
        CPPUNIT_ASSERT(j.find('<') == std::string::npos);
    }
    void empty_list() { CPPUNIT_ASSERT_EQUAL(std::string("[]"), endpoints::active_notifications_json({})); }
    void inert_json() {
        Json::Value v;
        v["Error"] = "bad <char> & more";
        std::string j = endpoints::html_inert_json(http::json_compact(v));
        CPPUNIT_ASSERT(j.find('<') == std::string::npos && j.find('&') == std::string::npos);
        Json::Value back;
        CPPUNIT_ASSERT(http::json_parse(j, back));
        CPPUNIT_ASSERT_EQUAL(std::string("bad <char> & more"), back["Error"].asString());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NewsJsonTest);
