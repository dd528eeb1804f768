// The change counter (issue 13): ChangeCache's rules (ChangeCacheTest), and on the test database
// (ChangeCounterDbTest, run by t/run-all once its database is up): the triggers exist after
// migrate, writes move the counter and reads do not, a missing trigger turns the caches off
// until migrate makes it again, and a write that does not move the counter does not lock it.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

#include "vidjil_test_db.h"
#include "config.h"
#include "db/change_counter.h"
#include "db/db.h"
#include "util/text.h"

using namespace vidjil;

class ChangeCacheTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChangeCacheTest);
    CPPUNIT_TEST(nothing_without_a_counter);
    CPPUNIT_TEST(holds_for_one_value_only);
    CPPUNIT_TEST(bounded);
    CPPUNIT_TEST(get_reads_once_per_value);
    CPPUNIT_TEST(trigger_statements_cover_every_table);
    CPPUNIT_TEST_SUITE_END();

public:
    void nothing_without_a_counter() {
        db::ChangeCache<int, std::string> c;
        c.put(std::nullopt, 1, "a");
        CPPUNIT_ASSERT(c.find(std::nullopt, 1) == nullptr);
        CPPUNIT_ASSERT_EQUAL(size_t(0), c.size());
    }
    void holds_for_one_value_only() {
        db::ChangeCache<int, std::string> c;
        c.put(5u, 1, "a");
        CPPUNIT_ASSERT(c.find(5u, 1) && *c.find(5u, 1) == "a");
        CPPUNIT_ASSERT(c.find(5u, 2) == nullptr);
        CPPUNIT_ASSERT(c.find(6u, 1) == nullptr);  // moved: emptied
        CPPUNIT_ASSERT(c.find(5u, 1) == nullptr);  // and a value seen before does not bring it back
        CPPUNIT_ASSERT_EQUAL(size_t(0), c.size());
    }
    void bounded() {
        db::ChangeCache<int, int> c(3);
        for (int i = 0; i < 3; ++i) c.put(1u, i, i);
        CPPUNIT_ASSERT_EQUAL(size_t(3), c.size());
        c.put(1u, 9, 9);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.size());
        CPPUNIT_ASSERT(c.find(1u, 9) && c.find(1u, 0) == nullptr);
    }
    void get_reads_once_per_value() {
        db::ChangeCache<int, int> c;
        int reads = 0;
        auto read = [&] { return ++reads; };
        CPPUNIT_ASSERT_EQUAL(1, c.get(7u, 1, read));
        CPPUNIT_ASSERT_EQUAL(1, c.get(7u, 1, read));
        CPPUNIT_ASSERT_EQUAL(2, c.get(8u, 1, read));
        CPPUNIT_ASSERT_EQUAL(3, c.get(std::nullopt, 1, read));
        CPPUNIT_ASSERT_EQUAL(4, c.get(std::nullopt, 1, read));
    }
    void trigger_statements_cover_every_table() {
        auto st = db::change_trigger_statements();
        // Three per table, and the ten that keep the sets' file counts (sql/062).
        CPPUNIT_ASSERT_EQUAL(db::change_tables().size() * 3 + 10, st.size());
        for (const char* k : {"membership_ins", "membership_del", "membership_upd", "sequence_file_del", "patient_ins",
                              "patient_upd", "run_ins", "run_upd", "generic_ins", "generic_upd"})
            CPPUNIT_ASSERT(st.count(std::string("vidjil_chg_cnt_") + k));
        CPPUNIT_ASSERT(st.at("vidjil_chg_cnt_sequence_file_del").find("BEFORE DELETE ON sequence_file") != std::string::npos);
        for (const auto& t : db::change_tables())
            for (const char* s : {"_ins", "_upd", "_del"}) CPPUNIT_ASSERT(st.count("vidjil_chg_" + t + s));
        CPPUNIT_ASSERT(st.at("vidjil_chg_user_log_ins").find("NEW.table_name IN ('patient', 'run', 'generic')") !=
                       std::string::npos);
        CPPUNIT_ASSERT(st.at("vidjil_chg_patient_del").find("AFTER DELETE ON patient") != std::string::npos);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ChangeCacheTest);

namespace {
uint64_t counter(db::Connection& db) {
    return std::stoull(*db.query_one("SELECT counter FROM vidjil_change WHERE id = 1")->at(0));
}
}  // namespace

class ChangeCounterDbTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChangeCounterDbTest);
    CPPUNIT_TEST(every_trigger_exists_after_migrate);
    CPPUNIT_TEST(writes_move_it_reads_and_read_records_do_not);
    CPPUNIT_TEST(a_missing_trigger_turns_caches_off_until_migrate);
    CPPUNIT_TEST(a_write_that_does_not_move_it_does_not_lock_it);
    CPPUNIT_TEST_SUITE_END();

public:
    void every_trigger_exists_after_migrate() {
        db::Connection db(vidjil_test::db_options());
        CPPUNIT_ASSERT(db::missing_change_triggers(db).empty());
        CPPUNIT_ASSERT(db::ChangeGate(0).ready(db, 1));
    }
    void writes_move_it_reads_and_read_records_do_not() {
        db::Connection db(vidjil_test::db_options());
        std::string name = "chg-" + text::random_hex(4);
        uint64_t c0 = counter(db);
        db.query("SELECT * FROM classification");
        CPPUNIT_ASSERT_EQUAL(c0, counter(db));
        db.exec("INSERT INTO classification (name, info) VALUES (?, '')", {name});
        int64_t id = static_cast<int64_t>(db.last_insert_id());
        CPPUNIT_ASSERT_EQUAL(c0 + 1, counter(db));
        db.exec("UPDATE classification SET info = 'x' WHERE id = ?", {id});
        CPPUNIT_ASSERT_EQUAL(c0 + 2, counter(db));
        db.exec("DELETE FROM classification WHERE id = ?", {id});
        CPPUNIT_ASSERT_EQUAL(c0 + 3, counter(db));
        // get_data's own read records (table sample_set) are not part of any answer.
        db.exec("INSERT INTO user_log (created, msg, table_name, record_id) VALUES (NOW(), ?, 'sample_set', 1)", {name});
        CPPUNIT_ASSERT_EQUAL(c0 + 3, counter(db));
        // A patient's log is (get_data's "logs").
        db.exec("INSERT INTO user_log (created, msg, table_name, record_id) VALUES (NOW(), ?, 'patient', 1)", {name});
        CPPUNIT_ASSERT_EQUAL(c0 + 4, counter(db));
        db.exec("DELETE FROM user_log WHERE msg = ?", {name});  // one patient row among the two
        CPPUNIT_ASSERT_EQUAL(c0 + 5, counter(db));
    }
    void a_missing_trigger_turns_caches_off_until_migrate() {
        db::Connection db(vidjil_test::db_options());
        db.exec_raw("DROP TRIGGER IF EXISTS vidjil_chg_classification_upd");
        db::ChangeGate gate(0);
        bool ready_without = gate.ready(db, 1);
        auto missing = db::missing_change_triggers(db);
        uint64_t before = counter(db);
        std::ostringstream out;
        int still = db::install_change_triggers(db, out);  // what vidjil-admin migrate does
        CPPUNIT_ASSERT(!ready_without);
        CPPUNIT_ASSERT_EQUAL(size_t(1), missing.size());
        CPPUNIT_ASSERT_EQUAL(std::string("vidjil_chg_classification_upd"), missing[0]);
        CPPUNIT_ASSERT_EQUAL(0, still);
        CPPUNIT_ASSERT(out.str().find("created 1 change-counter triggers") != std::string::npos);
        CPPUNIT_ASSERT(db::missing_change_triggers(db).empty());
        CPPUNIT_ASSERT(gate.ready(db, 2));
        // Writes made while it was missing may not have moved it: it jumps.
        CPPUNIT_ASSERT(counter(db) > before + 1);
    }
    void a_write_that_does_not_move_it_does_not_lock_it() {
        db::Connection a(vidjil_test::db_options()), b(vidjil_test::db_options());
        a.begin();
        a.exec("INSERT INTO user_log (created, msg, table_name, record_id) VALUES (NOW(), 'lock?', 'sample_set', 1)");
        b.exec_raw("SET SESSION innodb_lock_wait_timeout = 2");
        bool moved = false;
        try {
            b.exec("UPDATE vidjil_change SET counter = counter + 1 WHERE id = 1");
            moved = true;
        } catch (const db::Error&) {
        }
        a.rollback();
        CPPUNIT_ASSERT_MESSAGE("a read record held the counter's row lock", moved);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ChangeCounterDbTest);
