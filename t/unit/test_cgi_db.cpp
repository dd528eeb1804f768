// The database link of a process per request (issue 13): a statement run for the first time is
// prepared and executed in one round trip (mariadb_stmt_execute_direct); these tests check that
// this path keeps the guarantees of the prepare-then-execute one (parameter count checked before
// anything is sent, errors with their MariaDB codes, the link usable after an error, the
// statement cached afterwards). t/run-all runs the *DbTest ones once its database is up.
#include <cppunit/extensions/HelperMacros.h>

#include <mysqld_error.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "vidjil_test_db.h"
#include "config.h"
#include "db/db.h"

using namespace vidjil;

namespace {
int64_t session_status(db::Connection& db, const std::string& name) {
    auto r = db.query_one("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = ?", {name});
    return r ? r->integer(0) : -1;
}
unsigned error_code_of(db::Connection& db, const std::string& sql, const db::Params& p) {
    try {
        db.exec(sql, p);
    } catch (const db::Unavailable&) {
        throw;
    } catch (const db::Error& e) {
        return e.code();
    }
    return 0;
}
}  // namespace

class CgiPlaceholderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CgiPlaceholderTest);
    CPPUNIT_TEST(counts_placeholders_outside_quotes_and_comments);
    CPPUNIT_TEST_SUITE_END();

public:
    void counts_placeholders_outside_quotes_and_comments() {
        CPPUNIT_ASSERT_EQUAL(size_t(0), db::count_placeholders("SELECT 1"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), db::count_placeholders("SELECT a FROM t WHERE b = ? AND c IN (?)"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), db::count_placeholders("SELECT '?', \"?\", `a?` FROM t WHERE x = ?"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), db::count_placeholders("SELECT 'it''s ?', 'a\\'?' WHERE x = ?"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), db::count_placeholders("SELECT /* ? */ x -- ?\nFROM t # ?\nWHERE y = ?"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), db::count_placeholders("SELECT ? --? is not a comment without a space"));
        CPPUNIT_ASSERT_EQUAL(size_t(0), db::count_placeholders("SELECT 'unterminated ?"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CgiPlaceholderTest);

class CgiFirstRunDbTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CgiFirstRunDbTest);
    CPPUNIT_TEST(wrong_parameter_count_is_refused_before_sending);
    CPPUNIT_TEST(errors_of_a_first_run_keep_their_code_and_the_link);
    CPPUNIT_TEST(first_run_is_cached_for_the_next);
    CPPUNIT_TEST_SUITE_END();

public:
    void wrong_parameter_count_is_refused_before_sending() {
        db::Connection db(vidjil_test::db_options());
        db.ensure();
        db.exec_raw("CREATE TEMPORARY TABLE cgi_t (id INT PRIMARY KEY)");
        int64_t prepared = session_status(db, "Com_stmt_prepare");
        // Too few and too many: neither reaches the server (no row written with a shifted value).
        CPPUNIT_ASSERT_THROW(db.exec("INSERT INTO cgi_t (id) VALUES (?)", {}), db::Error);
        CPPUNIT_ASSERT_THROW(db.exec("INSERT INTO cgi_t (id) VALUES (?)", {1, 2}), db::Error);
        CPPUNIT_ASSERT_THROW(db.exec("INSERT INTO cgi_t (id) SELECT ? FROM DUAL WHERE ? = ?", {1, 2}), db::Error);
        // (the status statement counted its own prepare the first time, and is cached since)
        CPPUNIT_ASSERT_EQUAL(prepared, session_status(db, "Com_stmt_prepare"));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), db.query_one("SELECT COUNT(*) FROM cgi_t")->integer(0));
    }
    void errors_of_a_first_run_keep_their_code_and_the_link() {
        db::Connection db(vidjil_test::db_options());
        db.ensure();
        db.exec_raw("CREATE TEMPORARY TABLE cgi_u (id INT PRIMARY KEY)");
        // Refused at prepare (the schema check relies on this code).
        CPPUNIT_ASSERT_EQUAL(unsigned(ER_NO_SUCH_TABLE), error_code_of(db, "SELECT id FROM cgi_no_such_table WHERE id = ?", {1}));
        db.exec("INSERT INTO cgi_u (id) VALUES (?)", {1});
        // Refused at execute, the statement being new (a different text) then cached.
        const std::string dup = "INSERT INTO cgi_u (id) SELECT ? FROM DUAL";
        CPPUNIT_ASSERT_EQUAL(unsigned(ER_DUP_ENTRY), error_code_of(db, dup, {1}));
        CPPUNIT_ASSERT_EQUAL(unsigned(ER_DUP_ENTRY), error_code_of(db, dup, {1}));
        db.exec(dup, {2});
        CPPUNIT_ASSERT_EQUAL(int64_t(2), db.query_one("SELECT COUNT(*) FROM cgi_u WHERE id <= ?", {2})->integer(0));
        // In a transaction too: the error leaves it open, and rolled back it leaves nothing.
        {
            db::Transaction tx(db);
            db.exec("INSERT INTO cgi_u (id) VALUES (?)", {3});
            CPPUNIT_ASSERT_EQUAL(unsigned(ER_DUP_ENTRY), error_code_of(db, "INSERT INTO cgi_u (id) VALUES (?) /* 2 */", {3}));
            CPPUNIT_ASSERT(db.in_transaction());
        }
        CPPUNIT_ASSERT(!db.query_one("SELECT id FROM cgi_u WHERE id = ?", {3}));
    }
    void first_run_is_cached_for_the_next() {
        db::Connection db(vidjil_test::db_options());
        db.ensure();
        const std::string sql = "SELECT ? + 40, ?";
        auto r = db.query_one(sql, {2, "text with 'quotes' and ?"});
        CPPUNIT_ASSERT_EQUAL(int64_t(42), r->integer(0));
        CPPUNIT_ASSERT_EQUAL(std::string("text with 'quotes' and ?"), r->str(1));
        int64_t prepared = session_status(db, "Com_stmt_prepare");
        size_t cached = db.cached_statements();
        r = db.query_one(sql, {3, std::nullopt});
        CPPUNIT_ASSERT_EQUAL(int64_t(43), r->integer(0));
        CPPUNIT_ASSERT(!r->at(1).has_value());
        CPPUNIT_ASSERT_EQUAL(cached, db.cached_statements());
        // The second run is an execute only (the status statement is cached by now too).
        CPPUNIT_ASSERT_EQUAL(prepared, session_status(db, "Com_stmt_prepare"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CgiFirstRunDbTest);
