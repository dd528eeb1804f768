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
    CPPUNIT_TEST(partials_written_in_render_as_mustache_partials_did);
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
    // Partials are written into a template's text before it is parsed: every page that has one
    // must render as mustache rendered it with the partials given at render time (each of them
    // parsed where it stands, its trailing newlines dropped).
    void partials_written_in_render_as_mustache_partials_did() {
        Json::Value v(Json::objectValue);
        v["is_patient"] = true;
        v["can_admin"] = true;
        v["show_groups"] = true;
        for (int i = 0; i < 3; ++i) {
            Json::Value r(Json::objectValue);
            r["id"] = std::to_string(i);
            r["name"] = "P<" + std::to_string(i) + ">";
            Json::Value tags(Json::objectValue);
            tags["title"] = "t\"" + std::to_string(i);
            Json::Value part(Json::objectValue);
            part["text"] = "before & ";
            part["tag"] = "#mrd" + std::to_string(i);
            part["target"] = "?filter=%23mrd";
            tags["parts"].append(part);
            Json::Value plain(Json::objectValue);
            plain["text"] = " after";
            tags["parts"].append(plain);
            r["info_tags"].append(tags);
            v["rows"].append(r);
            v["info_tags"].append(tags);
        }
        const auto& all = vidjil::render::templates();
        int checked = 0;
        for (const auto& [name, text] : all) {
            if (text.find("{{>") == std::string::npos) continue;
            vidjil::render::Data d = from_json(v);
            for (const auto& [pname, ptext] : all)
                if (pname.rfind("partials/", 0) == 0) {
                    std::string body = ptext;
                    while (!body.empty() && body.back() == '\n') body.pop_back();
                    d.set(pname, kainjow::mustache::partial([body]() { return body; }));
                }
            kainjow::mustache::mustache old(text);
            std::string expected = old.render(d);
            CPPUNIT_ASSERT_MESSAGE(name, old.is_valid());
            std::string got = render(name, from_json(v));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, expected, got);
            ++checked;
        }
        CPPUNIT_ASSERT(checked >= 2);  // sample_set/all and sample_set/index have one
        CPPUNIT_ASSERT(has(render("sample_set/all", from_json(v)), "data-linkable-name=\"#mrd2\">#mrd2</a>"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RenderViewTest);
