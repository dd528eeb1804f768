// Unit tests of the mysqldump reader of `vidjil-admin import-dump`: values decoded as mysqldump
// encodes them, the statements around the INSERTs skipped, anything else refused by line.
#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

#include "tools/sql_dump.h"

using namespace vidjil;

namespace {
std::vector<tools::DumpInsert> read(const std::string& text, size_t batch = 200) {
    std::istringstream in(text);
    std::vector<tools::DumpInsert> out;
    tools::read_dump(in, tools::original_tables(), [&](tools::DumpInsert& i) { out.push_back(i); }, batch);
    return out;
}
// The line a refused dump names, 0 when it is accepted.
size_t refused_line(const std::string& text) {
    try {
        read(text);
    } catch (const tools::DumpError& e) {
        return e.line();
    }
    return 0;
}
}  // namespace

class SqlDumpTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SqlDumpTest);
    CPPUNIT_TEST(values_are_decoded);
    CPPUNIT_TEST(mysqldump_statements_are_skipped);
    CPPUNIT_TEST(other_statements_are_refused_with_their_line);
    CPPUNIT_TEST(long_inserts_come_in_batches);
    CPPUNIT_TEST_SUITE_END();

public:
    void values_are_decoded() {
        auto v = read("INSERT INTO `auth_user` (`id`, `first_name`, `email`, `password`) VALUES "
                      "(1,'Zo\\'\\\"\\n\\0\\Z\\\\ \xC3\xAB',NULL,0x41ff),(-2,'it''s',_binary 'b',X'4a'),(3.5e2,'\\%',\n'',1);");
        CPPUNIT_ASSERT_EQUAL(size_t(1), v.size());
        CPPUNIT_ASSERT_EQUAL(std::string("auth_user"), v[0].table);
        CPPUNIT_ASSERT_EQUAL(size_t(4), v[0].columns.size());
        CPPUNIT_ASSERT_EQUAL(size_t(3), v[0].rows.size());
        const auto& r = v[0].rows;
        CPPUNIT_ASSERT_EQUAL(std::string("1"), *r[0][0]);
        CPPUNIT_ASSERT_EQUAL(std::string("Zo'\"\n", 5) + std::string(1, '\0') + "\x1a\\ \xC3\xAB", *r[0][1]);
        CPPUNIT_ASSERT(!r[0][2]);
        CPPUNIT_ASSERT_EQUAL(std::string("A\xff"), *r[0][3]);
        CPPUNIT_ASSERT_EQUAL(std::string("-2"), *r[1][0]);
        CPPUNIT_ASSERT_EQUAL(std::string("it's"), *r[1][1]);
        CPPUNIT_ASSERT_EQUAL(std::string("b"), *r[1][2]);
        CPPUNIT_ASSERT_EQUAL(std::string("J"), *r[1][3]);
        CPPUNIT_ASSERT_EQUAL(std::string("3.5e2"), *r[2][0]);
        CPPUNIT_ASSERT_EQUAL(std::string("\\%"), *r[2][1]);  // as MySQL reads it
        CPPUNIT_ASSERT_EQUAL(std::string(""), *r[2][2]);
    }
    void mysqldump_statements_are_skipped() {
        auto v = read("/*M!999999\\- enable the sandbox mode */\n-- comment\n# other\n/* plain */\n"
                      "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
                      "/*!40103 SET TIME_ZONE='+00:00' */;\nSET NAMES utf8mb4;\nSET @@SESSION.UNIQUE_CHECKS=0;\n"
                      "LOCK TABLES `tag` WRITE, `tag_ref` READ;\n/*!40000 ALTER TABLE `tag` DISABLE KEYS */;\n"
                      "INSERT INTO tag (id, name) VALUES (1,'a;b');\n/*!40000 ALTER TABLE `tag` ENABLE KEYS */;\n"
                      "UNLOCK TABLES;\nCOMMIT;\n;\n");
        CPPUNIT_ASSERT_EQUAL(size_t(1), v.size());
        CPPUNIT_ASSERT_EQUAL(std::string("a;b"), *v[0].rows[0][1]);
    }
    void other_statements_are_refused_with_their_line() {
        const std::string ok = "-- x\nINSERT INTO `tag` (`id`) VALUES (1);\n";
        CPPUNIT_ASSERT_EQUAL(size_t(0), refused_line(ok));
        const char* bad[] = {
            "DROP TABLE `tag`;", "CREATE TABLE t (a int);", "UPDATE tag SET name='x';", "DELETE FROM tag;",
            "GRANT ALL ON *.* TO x;", "SET GLOBAL general_log=1;", "SET @@GLOBAL.x=1;", "SET PASSWORD = 'x';",
            "INSERT INTO `vidjil_session` (`id`) VALUES (1);", "INSERT INTO mysql.user (a) VALUES (1);",
            "INSERT INTO `tag` VALUES (1,'x');", "INSERT INTO `tag` (`id`) VALUES (LOAD_FILE('/etc/passwd'));",
            "INSERT INTO `tag` (`id`) VALUES ((SELECT 1));", "INSERT INTO `tag` (`id`) SELECT 1;",
            "INSERT IGNORE INTO `tag` (`id`) VALUES (1);", "REPLACE INTO `tag` (`id`) VALUES (1);",
            "INSERT INTO `tag` (`id`) VALUES (1) ON DUPLICATE KEY UPDATE id=2;",
            "INSERT INTO `tag` (`id`, `name`) VALUES (1);", "/*!50003 CREATE PROCEDURE p() SELECT 1 */;",
            "LOCK TABLES `mysql` WRITE;", "ALTER TABLE `tag` ADD COLUMN x INT;",
            "INSERT INTO `tag` (`id`) VALUES ('unterminated);", "SELECT 1;", "\\! sh"};
        for (const char* b : bad)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(b, size_t(3), refused_line(ok + b + "\n" + ok));
        // A row error names the line where it is seen (here the next statement, no ';' before it).
        CPPUNIT_ASSERT_EQUAL(size_t(4), refused_line(ok + "INSERT INTO `tag` (`id`) VALUES (1)\n" + ok));
    }
    void long_inserts_come_in_batches() {
        std::string s = "INSERT INTO `tag` (`id`, `name`) VALUES ";
        for (int i = 1; i <= 450; ++i) s += (i > 1 ? ",(" : "(") + std::to_string(i) + ",'t')";
        auto v = read(s + ";", 200);
        CPPUNIT_ASSERT_EQUAL(size_t(3), v.size());
        CPPUNIT_ASSERT_EQUAL(size_t(200), v[0].rows.size());
        CPPUNIT_ASSERT_EQUAL(size_t(50), v[2].rows.size());
        CPPUNIT_ASSERT_EQUAL(std::string("450"), *v[2].rows[49][0]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqlDumpTest);
