// Database unit tests of the prepared-statement cache bound (issue 9): a persistent process
// closes its least recently used statements instead of keeping every SQL text it ever ran.
// t/run-all runs them once its test database is up (VIDJIL_TEST_CONF).
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "vidjil_test_db.h"
#include "config.h"
#include "db/db.h"

using namespace vidjil;

namespace {

// Statements this session closed so far (the server's own count).
int64_t closed(db::Connection& db) {
    auto r = db.query_one("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_CLOSE'");
    return r ? r->integer(0) : -1;
}
int64_t prepared(db::Connection& db) {
    auto r = db.query_one("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'");
    return r ? r->integer(0) : -1;
}
std::string nth_sql(int i) { return "SELECT ? + " + std::to_string(i); }
}  // namespace

class StatementCacheDbTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatementCacheDbTest);
    CPPUNIT_TEST(cache_is_bounded);
    CPPUNIT_TEST(least_recently_used_is_evicted);
    CPPUNIT_TEST(configured_size);
    CPPUNIT_TEST(uncached_is_closed_after_its_run);
    CPPUNIT_TEST_SUITE_END();

public:
    void cache_is_bounded() {
        db::ConnectOptions o = vidjil_test::db_options();
        o.statement_cache = 8;
        db::Connection db(o);
        db.ensure();
        int64_t before = closed(db);
        for (int i = 0; i < 200; ++i) {
            auto r = db.query_one(nth_sql(i), {1});
            CPPUNIT_ASSERT_EQUAL(int64_t(i + 1), r->integer(0));
            CPPUNIT_ASSERT(db.cached_statements() <= 8);
        }
        // The server closed the evicted statements (not only our map).
        CPPUNIT_ASSERT(closed(db) - before >= 190);
    }
    void least_recently_used_is_evicted() {
        db::ConnectOptions o = vidjil_test::db_options();
        o.statement_cache = 3;  // the status query below takes one place
        db::Connection db(o);
        db.ensure();
        db.query(nth_sql(1), {1});
        db.query(nth_sql(2), {1});
        db.query(nth_sql(1), {1});  // 1 is now more recent than 2
        int64_t p0 = prepared(db);  // the status query fills the cache: {status, 1, 2}
        db.query(nth_sql(1), {1});  // still cached: no new prepare
        int64_t p1 = prepared(db);
        CPPUNIT_ASSERT_EQUAL(p0, p1);
        db.query(nth_sql(3), {1});  // evicts the least recent: 2
        db.query(nth_sql(2), {1});  // had been evicted: prepared again (and 1 evicted)
        CPPUNIT_ASSERT(prepared(db) - p1 >= 2);
        CPPUNIT_ASSERT_EQUAL(size_t(3), db.cached_statements());
    }
    // query_uncached (the lists' visibility statements, issue 13): prepared for one run, closed
    // by the server after it, never in the cache, and the cached statements stay as they were.
    void uncached_is_closed_after_its_run() {
        db::ConnectOptions o = vidjil_test::db_options();
        db::Connection db(o);
        db.ensure();
        db.query(nth_sql(1), {1});
        closed(db);
        prepared(db);  // both status queries cached from here on
        size_t cached = db.cached_statements();
        int64_t p0 = prepared(db), c0 = closed(db);
        for (int i = 0; i < 5; ++i) {
            auto r = db.query_one_uncached(nth_sql(7), {static_cast<long long>(i)});
            CPPUNIT_ASSERT(r);
            CPPUNIT_ASSERT_EQUAL(int64_t(i + 7), r->integer(0));
            CPPUNIT_ASSERT_EQUAL(size_t(2), db.query_uncached("SELECT 1 UNION ALL SELECT ?", {2}).size());
        }
        CPPUNIT_ASSERT_EQUAL(cached, db.cached_statements());
        CPPUNIT_ASSERT_EQUAL(int64_t(10), prepared(db) - p0);  // prepared at each run
        CPPUNIT_ASSERT_EQUAL(int64_t(10), closed(db) - c0);    // and closed after it
        // A failing statement: an error, nothing cached, and the link stays usable.
        CPPUNIT_ASSERT_THROW(db.query_uncached("SELECT no_such_column FROM DUAL WHERE ? = 1", {1}), std::exception);
        CPPUNIT_ASSERT_EQUAL(int64_t(2), db.query_one(nth_sql(1), {1})->integer(0));
        CPPUNIT_ASSERT_EQUAL(cached, db.cached_statements());
    }
    void configured_size() {
        CPPUNIT_ASSERT_EQUAL(size_t(64), db::ConnectOptions::from_config(Config::from_text("")).statement_cache);
        CPPUNIT_ASSERT_EQUAL(size_t(5), db::ConnectOptions::from_config(Config::from_text("DB_STATEMENT_CACHE = 5\n")).statement_cache);
        CPPUNIT_ASSERT_EQUAL(size_t(1), db::ConnectOptions::from_config(Config::from_text("DB_STATEMENT_CACHE = 0\n")).statement_cache);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(StatementCacheDbTest);
