// Unit tests of the one view-model adapter (render::from_json): a page's Json::Value renders in
// its mustache template with the same meaning as the JSON that format=json answers.
#include <cppunit/extensions/HelperMacros.h>

#include "render/template.h"

using vidjil::render::from_json;
using vidjil::render::render;

class RenderViewTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RenderViewTest);
    CPPUNIT_TEST(scalars);
    CPPUNIT_TEST(sections_follow_json_truth);
    CPPUNIT_TEST(null_hides_the_outer_value);
    CPPUNIT_TEST(page_template_renders_the_view_model);
    CPPUNIT_TEST_SUITE_END();

    static std::string tpl(const std::string& text, const Json::Value& v) {
        return kainjow::mustache::mustache(text).render(from_json(v));
    }
    static bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

public:
    void scalars() {
        Json::Value v(Json::objectValue);
        v["s"] = "a<b";
        v["i"] = Json::Int64(-42);
        v["u"] = Json::UInt64(7);
        v["b"] = true;
        CPPUNIT_ASSERT_EQUAL(std::string("a&lt;b|-42|7|"), tpl("{{s}}|{{i}}|{{u}}|{{b}}", v));
        CPPUNIT_ASSERT_EQUAL(std::string("a<b"), tpl("{{{s}}}", v));
    }
    void sections_follow_json_truth() {
        Json::Value v(Json::objectValue);
        v["yes"] = true;
        v["no"] = false;
        v["empty"] = Json::Value(Json::arrayValue);
        v["rows"].append(Json::Value(Json::objectValue))["id"] = "1";
        v["rows"].append(Json::Value(Json::objectValue))["id"] = "2";
        v["obj"]["x"] = "in";
        CPPUNIT_ASSERT_EQUAL(std::string("Y-N-E-12-in"),
                             tpl("{{#yes}}Y{{/yes}}{{#no}}X{{/no}}-{{^no}}N{{/no}}-{{^empty}}E{{/empty}}-"
                                 "{{#rows}}{{id}}{{/rows}}-{{#obj}}{{x}}{{/obj}}",
                                 v));
    }
    void null_hides_the_outer_value() {
        // A null inside a row is empty and false: it never shows the page's value of the same key.
        Json::Value v(Json::objectValue);
        v["info"] = "page";
        Json::Value row(Json::objectValue);
        row["info"] = Json::Value();
        v["rows"].append(row);
        CPPUNIT_ASSERT_EQUAL(std::string("[]"), tpl("{{#rows}}[{{info}}{{#info}}!{{/info}}]{{/rows}}", v));
    }
    void page_template_renders_the_view_model() {
        Json::Value v(Json::objectValue);
        v["message"] = "configs";
        Json::Value r(Json::objectValue);
        r["id"] = "5";
        r["name"] = "multi<i>";
        v["query"].append(r);
        std::string html = render("config/index", from_json(v));
        CPPUNIT_ASSERT(has(html, "id=\"config_name_5\">multi&lt;i&gt;</td>"));
        CPPUNIT_ASSERT(has(html, "id=\"new_config_btn\""));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RenderViewTest);
