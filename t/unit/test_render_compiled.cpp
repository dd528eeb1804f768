// Unit tests of render::Compiled (templates compiled once per process into chunks and slots,
// sample_set/index's rows): for the same data, the output must be the one render()
// (kainjow::mustache) gives, byte for byte, on every template of templates/ it accepts, with
// random data (values to escape, empty and blank strings, nulls hiding outer values, nested
// lists looking names up outside) and on the cases of kainjow's line handling (lines holding
// only section tags and blanks are dropped when a section was rendered in them).
#include <cppunit/extensions/HelperMacros.h>

#include <random>

#include "render/compiled.h"
#include "render/template.h"

using vidjil::render::Compiled;

class RenderCompiledTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RenderCompiledTest);
    CPPUNIT_TEST(same_as_mustache_on_edge_cases);
    CPPUNIT_TEST(same_as_mustache_on_every_accepted_template_with_random_data);
    CPPUNIT_TEST(the_row_template_is_accepted);
    CPPUNIT_TEST(refuses_what_it_does_not_render);
    CPPUNIT_TEST_SUITE_END();

    static std::string both(const std::string& text, const Json::Value& v, std::string* compiled) {
        Compiled c = Compiled::of_text(text);
        Compiled::Value root = c.from_json(v);
        std::string out = "prefix\n";  // render appends, a line of its own before
        c.render(root.kind == Compiled::Value::Obj ? root.items.front() : c.object(), out);
        *compiled = out.substr(7);
        return kainjow::mustache::mustache(text).render(vidjil::render::from_json(v));
    }

    std::mt19937 rng{12345};
    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

    Json::Value random_value(const std::vector<std::string>& names, int depth) {
        static const char* strings[] = {"", " ", "\t", "a<b>&\"c'd", "é 東京 ", "line\nbreak", "#tag x", "0", "false"};
        switch (pick(depth > 2 ? 5 : 7)) {
            case 0: return Json::Value();
            case 1: return Json::Value(true);
            case 2: return Json::Value(false);
            case 3: return Json::Value(strings[pick(sizeof strings / sizeof *strings)]);
            case 4: return Json::Value(Json::Int64(pick(1000)) - 500);
            case 5: {
                Json::Value l(Json::arrayValue);
                for (size_t i = pick(4); i > 0; --i) l.append(random_object(names, depth + 1));
                return l;
            }
            default: return random_object(names, depth + 1);
        }
    }
    Json::Value random_object(const std::vector<std::string>& names, int depth) {
        Json::Value o(Json::objectValue);
        for (const auto& n : names)
            if (pick(depth == 0 ? 4 : 3) != 0) o[n] = random_value(names, depth);
        o["unused_key"] = "x";
        return o;
    }

public:
    void same_as_mustache_on_edge_cases() {
        const char* texts[] = {
            "a\n{{#s}}\nin {{x}}\n{{/s}}\nb\n",
            "a\n  {{#s}}  \n{{x}}\n\t{{/s}}\t\nb",
            "{{#s}}\n{{/s}}\n{{^s}}\nnot\n{{/s}}\nend",
            "x\r\n{{#l}}\r\n<{{x}}|{{y}}>\r\n{{/l}}\r\ny",
            "{{#l}}{{#l2}}[{{x}}{{y}}]{{/l2}}{{/l}}",
            "{{! a comment }}{{ x }}-{{#o}}{{x}}{{/o}}-{{^l}}empty{{/l}}",
            "<td>{{#s}}{{x}}{{/s}}</td>\n{{#b}}\n<td>{{y}}</td>\n{{/b}}\n</tr>\n",
            "{{#s}} {{/s}}\n{{#s}}x{{/s}}\n   \nlast {{x}}",
        };
        for (const char* t : texts)
            for (int i = 0; i < 300; ++i) {
                Json::Value v = random_object({"s", "x", "y", "l", "l2", "o", "b"}, 0);
                std::string compiled;
                std::string expected = both(t, v, &compiled);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(t) + " with " + v.toStyledString(), expected, compiled);
            }
    }

    void same_as_mustache_on_every_accepted_template_with_random_data() {
        int accepted = 0;
        for (const auto& [name, text] : vidjil::render::templates()) {
            std::unique_ptr<Compiled> c;
            try {
                c = std::make_unique<Compiled>(name);
            } catch (const std::runtime_error&) {
                continue;  // partials, {{{ }}}: rendered by render() only
            }
            ++accepted;
            for (int i = 0; i < 100; ++i) {
                Json::Value v = random_object(c->names(), 0);
                std::string expected = vidjil::render::render(name, vidjil::render::from_json(v));
                Compiled::Value root = c->from_json(v);
                std::string got;
                c->render(root.items.front(), got);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(name + " with " + v.toStyledString(), expected, got);
            }
        }
        CPPUNIT_ASSERT(accepted >= 5);
    }

    void the_row_template_is_accepted() {
        Compiled c("sample_set/index_row");
        CPPUNIT_ASSERT(c.slot("shares") >= 0 && c.slot("sname") >= 0);
        CPPUNIT_ASSERT_THROW(c.slot("no_such_name"), std::out_of_range);
    }

    void refuses_what_it_does_not_render() {
        for (const char* t : {"{{{x}}}", "{{&x}}", "{{> partials/set_token}}", "{{=<% %>=}}", "{{a.b}}", "{{#s}}x",
                              "x{{/s}}", "{{#s}}{{/t}}", "{{x"})
            CPPUNIT_ASSERT_THROW_MESSAGE(t, Compiled::of_text(t), std::runtime_error);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RenderCompiledTest);
