// Unit tests of tag_parts_value (sample_set/index's rows, issue 13): the info text's parts and
// #tags built directly as the compiled row template's data must be exactly what
// Compiled::from_json(tag_parts(...)) gives (the Json way the rows took before), value by
// value, on texts with tags at the edges, '#' alone or doubled, tag characters and not,
// UTF-8, empty text; and render the same.
#include <cppunit/extensions/HelperMacros.h>

#include "endpoints/sets.h"
#include "render/compiled.h"

using vidjil::render::Compiled;

class Lists4TagsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(Lists4TagsTest);
    CPPUNIT_TEST(same_values_as_from_json_of_tag_parts);
    CPPUNIT_TEST_SUITE_END();

    static bool same(const Compiled::Value& a, const Compiled::Value& b) {
        if (a.kind != b.kind || a.str != b.str || a.items.size() != b.items.size()) return false;
        for (size_t i = 0; i < a.items.size(); ++i) {
            if (a.items[i].size() != b.items[i].size()) return false;
            for (size_t j = 0; j < a.items[i].size(); ++j)
                if (!same(a.items[i][j], b.items[i][j])) return false;
        }
        return true;
    }

public:
    void same_values_as_from_json_of_tag_parts() {
        const std::string text =
            "{{#info_tags}}<span title=\"{{title}}\">{{#parts}}{{text}}{{#tag}}<a href=\"{{target}}\" "
            "data-sample-type=\"{{sample_type}}\">{{tag}}</a>{{/tag}}{{/parts}}</span>{{/info_tags}}|{{text}}|{{tag}}";
        Compiled t = Compiled::of_text(text);
        vidjil::endpoints::sets::TagSlots k(t);
        const char* infos[] = {"", "plain", "#mrd", "a #mrd b", "#", "##", "# x", "x#", "a##b", "#a#b",
                               "#tag-1_x.y", "#é/ü #ok", "50% #a_b-c, #d", "\xf0\x9f\x98\x80#x\xf0\x9f\x98\x80",
                               "<b>#x</b> & \"#y\"", "tab\t#t\tz", "#1 #2 #3 end"};
        for (const char* info : infos) {
            Compiled::Value a = t.from_json(vidjil::endpoints::sets::tag_parts(info, "/sample_set/custom?id=7", "sequence_file"));
            Compiled::Value b = vidjil::endpoints::sets::tag_parts_value(t, k, info, "/sample_set/custom?id=7", "sequence_file");
            CPPUNIT_ASSERT_MESSAGE(info, same(a, b));
            Compiled::Object ra = t.object(), rb = t.object();
            ra[t.slot("info_tags")] = a;
            rb[t.slot("info_tags")] = b;
            ra[t.slot("text")].set(std::string("OUTER"));  // a part without `text` or `tag` would show these
            rb[t.slot("text")].set(std::string("OUTER"));
            ra[t.slot("tag")].set(std::string("OUTERTAG"));
            rb[t.slot("tag")].set(std::string("OUTERTAG"));
            std::string oa, ob;
            t.render(ra, oa);
            t.render(rb, ob);
            CPPUNIT_ASSERT_EQUAL(oa, ob);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Lists4TagsTest);
