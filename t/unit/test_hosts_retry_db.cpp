// Database unit tests of db::with_retry (issue 12, several hosts): a transaction that MariaDB ends
// with a deadlock (1213) or a lock wait timeout (1205) is run again, whole, after a back-off;
// other errors go up at once. The deadlock is a real one: two connections lock two rows in
// opposite orders. t/run-all runs them once its test database is up (VIDJIL_TEST_CONF).
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "vidjil_test_db.h"
#include "config.h"
#include "db/db.h"
#include "util/text.h"

using namespace vidjil;

namespace {

void wait_until(const std::atomic<bool>& flag) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!flag && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!flag) throw std::runtime_error("the other connection did not get its lock");
}

// A table of its own per test run: rows 1..50, v = 0.
struct Table {
    db::Connection& db;
    std::string name;
    explicit Table(db::Connection& c) : db(c), name("vidjil_test_retry_" + text::random_hex(6)) {
        db.exec_raw("CREATE TABLE " + name + " (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        for (int i = 1; i <= 50; ++i) db.exec("INSERT INTO " + name + " (id, v) VALUES (?, 0)", {i});
    }
    ~Table() {
        try { db.exec_raw("DROP TABLE IF EXISTS " + name); } catch (...) {}
    }
    int64_t v(int id) { return db.query_one("SELECT v FROM " + name + " WHERE id = ?", {id})->integer(0); }
};
}  // namespace

class HostsRetryDbTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HostsRetryDbTest);
    CPPUNIT_TEST(deadlock_is_retried_and_succeeds);
    CPPUNIT_TEST(lock_wait_timeout_gives_up_after_the_configured_attempts);
    CPPUNIT_TEST(other_errors_are_not_retried);
    CPPUNIT_TEST(nested_use_runs_once);
    CPPUNIT_TEST(policy_from_config);
    CPPUNIT_TEST_SUITE_END();

public:
    // A locks row 1 then row 2; B locks rows 2..50 then row 1. B holds more locks, so InnoDB
    // chooses A as the victim: with_retry runs A's transaction again and it commits once.
    void deadlock_is_retried_and_succeeds() {
        db::ConnectOptions o = vidjil_test::db_options();
        o.retry.base_delay_ms = 10;
        db::Connection setup(o), a(o), b(o);
        Table t(setup);
        std::atomic<bool> a_has_1{false}, b_has_2{false};
        int runs = 0;
        uint64_t retries_before = db::retries_so_far();
        std::string a_error;
        std::thread ta([&] {
            try {
                db::with_retry(a, [&] {
                    db::Transaction tx(a);
                    ++runs;
                    a.exec("UPDATE " + t.name + " SET v = v + 1 WHERE id = 1");
                    if (runs == 1) {
                        a_has_1 = true;
                        wait_until(b_has_2);
                    }
                    a.exec("UPDATE " + t.name + " SET v = v + 1 WHERE id = 2");
                    tx.commit();
                });
            } catch (const std::exception& e) {
                a_error = e.what();
            }
        });
        bool b_victim = false;
        try {
            db::Transaction tx(b);
            b.exec("UPDATE " + t.name + " SET v = v + 10 WHERE id >= 2");
            b_has_2 = true;
            wait_until(a_has_1);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));  // A now waits for row 2
            b.exec("UPDATE " + t.name + " SET v = v + 10 WHERE id = 1");
            tx.commit();
        } catch (const db::Error& e) {
            b_victim = db::is_lock_conflict(e);
            if (!b_victim) throw;
        }
        ta.join();
        CPPUNIT_ASSERT_MESSAGE("InnoDB chose the heavier transaction as the victim", !b_victim);
        CPPUNIT_ASSERT_EQUAL(std::string(), a_error);
        CPPUNIT_ASSERT_EQUAL(2, runs);  // A ran twice: the deadlock, then the retry
        CPPUNIT_ASSERT(db::retries_so_far() > retries_before);
        // Both transactions are in, each once.
        CPPUNIT_ASSERT_EQUAL(int64_t(11), t.v(1));
        CPPUNIT_ASSERT_EQUAL(int64_t(11), t.v(2));
        CPPUNIT_ASSERT_EQUAL(int64_t(10), t.v(3));
    }

    // A row held by another transaction for longer than the lock wait timeout, every time:
    // attempts runs, then the 1205 goes up to the caller.
    void lock_wait_timeout_gives_up_after_the_configured_attempts() {
        db::ConnectOptions o = vidjil_test::db_options();
        o.retry.attempts = 2;
        o.retry.base_delay_ms = 10;
        db::Connection setup(o), a(o), b(o);
        Table t(setup);
        a.exec_raw("SET SESSION innodb_lock_wait_timeout = 1");
        db::Transaction hold(b);
        b.exec("UPDATE " + t.name + " SET v = 5 WHERE id = 1");
        int runs = 0;
        unsigned code = 0;
        try {
            db::with_retry(a, [&] {
                db::Transaction tx(a);
                ++runs;
                a.exec("UPDATE " + t.name + " SET v = v + 1 WHERE id = 1");
                tx.commit();
            });
        } catch (const db::Error& e) {
            code = e.code();
        }
        CPPUNIT_ASSERT_EQUAL(1205u, code);
        CPPUNIT_ASSERT_EQUAL(2, runs);
        CPPUNIT_ASSERT(!a.in_transaction());
    }

    void other_errors_are_not_retried() {
        db::ConnectOptions o = vidjil_test::db_options();
        db::Connection a(o);
        int runs = 0;
        bool thrown = false;
        try {
            db::with_retry(a, [&] {
                ++runs;
                a.query("SELECT no_such_column FROM vidjil_runner_host");
            });
        } catch (const db::Error& e) {
            thrown = !db::is_lock_conflict(e);
        }
        CPPUNIT_ASSERT(thrown);
        CPPUNIT_ASSERT_EQUAL(1, runs);
    }

    // Inside a transaction, only the outermost level may run it again: the inner call runs once
    // and lets the error through.
    void nested_use_runs_once() {
        db::ConnectOptions o = vidjil_test::db_options();
        db::Connection a(o);
        db::Transaction outer(a);
        int runs = 0;
        try {
            db::with_retry(a, [&]() -> int {
                ++runs;
                throw db::Error("simulated deadlock", 1213);
            });
        } catch (const db::Error&) {
        }
        CPPUNIT_ASSERT_EQUAL(1, runs);
    }

    void policy_from_config() {
        db::RetryPolicy d = db::ConnectOptions::from_config(Config::from_text("")).retry;
        CPPUNIT_ASSERT_EQUAL(5, d.attempts);
        CPPUNIT_ASSERT_EQUAL(20, d.base_delay_ms);
        db::RetryPolicy p =
            db::ConnectOptions::from_config(Config::from_text("DB_LOCK_RETRIES = 3\nDB_LOCK_BACKOFF_MS = 7\n")).retry;
        CPPUNIT_ASSERT_EQUAL(3, p.attempts);
        CPPUNIT_ASSERT_EQUAL(7, p.base_delay_ms);
        CPPUNIT_ASSERT_EQUAL(1, db::ConnectOptions::from_config(Config::from_text("DB_LOCK_RETRIES = 0\n")).retry.attempts);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(HostsRetryDbTest);
