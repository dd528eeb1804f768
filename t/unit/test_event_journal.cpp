// Unit tests of the read-record journal's lines (app/event_journal.h): what is written is read
// back exactly, and a line cut by a dying process is skipped, not misread.
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "app/event_journal.h"
#include "util/json.h"

using namespace vidjil;

class EventJournalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EventJournalTest);
    CPPUNIT_TEST(round_trip);
    CPPUNIT_TEST(quote_round_trips_every_byte);
    CPPUNIT_TEST(cut_lines_are_skipped);
    CPPUNIT_TEST(journal_file_holds_the_rows);
    CPPUNIT_TEST_SUITE_END();

    static model::EventRow sample() {
        model::EventRow r;
        r.time = 1764720000;
        r.user_id = 42;
        r.impersonator_id = std::nullopt;
        r.client_ip = "2001:db8::1";
        r.action = "get_data";
        r.table_name = "sample_set";
        r.record_id = 9;
        r.detail = "config 3\nline \"two\" é\t\\ \x01\x1f\x7f end";
        r.log_msg = "load sample";
        return r;
    }

public:
    void quote_round_trips_every_byte() {
        std::string all;
        for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
        std::string valid_utf8 = all.substr(0, 127) + "é€";  // ASCII, then multi-byte characters
        Json::Value v;
        CPPUNIT_ASSERT(json::parse(json::quote(valid_utf8), v) && v.isString());
        CPPUNIT_ASSERT_EQUAL(valid_utf8, v.asString());
        CPPUNIT_ASSERT_EQUAL(std::string("\"a\\\"b\\\\c\\n\\u0001\""), json::quote("a\"b\\c\n\x01"));
    }
    void round_trip() {
        model::EventRow r = sample();
        std::string line = app::EventJournal::encode(r);
        CPPUNIT_ASSERT(line.find('\n') == std::string::npos);
        auto back = app::EventJournal::decode(line);
        CPPUNIT_ASSERT(back.has_value());
        CPPUNIT_ASSERT_EQUAL(r.time, back->time);
        CPPUNIT_ASSERT(back->user_id == r.user_id);
        CPPUNIT_ASSERT(!back->impersonator_id.has_value());
        CPPUNIT_ASSERT_EQUAL(r.client_ip, back->client_ip);
        CPPUNIT_ASSERT_EQUAL(r.action, back->action);
        CPPUNIT_ASSERT_EQUAL(r.table_name, back->table_name);
        CPPUNIT_ASSERT(back->record_id == r.record_id);
        CPPUNIT_ASSERT_EQUAL(r.detail, back->detail);
        CPPUNIT_ASSERT_EQUAL(r.log_msg, back->log_msg);
    }

    void cut_lines_are_skipped() {
        std::string line = app::EventJournal::encode(sample());
        for (size_t cut : {size_t(0), size_t(1), line.size() / 2, line.size() - 1})
            CPPUNIT_ASSERT(!app::EventJournal::decode(line.substr(0, cut)).has_value());
        CPPUNIT_ASSERT(!app::EventJournal::decode("{\"t\":\"x\",\"a\":\"get_data\"}").has_value());
    }

    void journal_file_holds_the_rows() {
        char tmpl[] = "/tmp/vidjil-journal-test-XXXXXX";
        CPPUNIT_ASSERT(mkdtemp(tmpl) != nullptr);
        app::EventJournal::Options o;
        o.dir = tmpl;
        o.sync = false;
        {
            app::EventJournal j(o);
            CPPUNIT_ASSERT(j.open());
            CPPUNIT_ASSERT(j.add(sample()));
            CPPUNIT_ASSERT(j.add(sample()));
            CPPUNIT_ASSERT_EQUAL(size_t(2), j.pending());
            std::ifstream in(j.path());
            std::string a, b, c;
            CPPUNIT_ASSERT(std::getline(in, a) && std::getline(in, b) && !std::getline(in, c));
            CPPUNIT_ASSERT(app::EventJournal::decode(a).has_value() && app::EventJournal::decode(b).has_value());
            ::unlink(j.path().c_str());
        }
        CPPUNIT_ASSERT_EQUAL(0, ::rmdir(tmpl));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EventJournalTest);
