// Unit tests of stored upload names: the original's format, decoding of old and new names.
#include <cppunit/extensions/HelperMacros.h>

#include "model/upload_names.h"

using namespace vidjil;

class UploadNamesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(UploadNamesTest);
    CPPUNIT_TEST(format);
    CPPUNIT_TEST(decoding);
    CPPUNIT_TEST(safety);
    CPPUNIT_TEST(name_max);
    CPPUNIT_TEST_SUITE_END();

public:
    void format() {
        std::string n = model::stored_name("sequence_file", "data_file", "/home/x/Demo-X5.fa");
        // python3: base64.urlsafe_b64encode(b'Demo-X5.fa') == b'RGVtby1YNS5mYQ=='
        CPPUNIT_ASSERT_EQUAL(std::string("sequence_file.data_file."), n.substr(0, 24));
        CPPUNIT_ASSERT_EQUAL(std::string(".RGVtby1YNS5mYQ==.fa"), n.substr(40));
        std::string r = model::stored_name("results_file", "data_file", "000001.vidjil");
        CPPUNIT_ASSERT(r.size() > 4 && r.substr(r.size() - 4) == ".txt");  // extension longer than 5
        std::string longname = model::stored_name("sequence_file", "data_file", std::string(500, 'a') + ".fastq");
        CPPUNIT_ASSERT(longname.size() <= 400);
        CPPUNIT_ASSERT(longname.substr(longname.size() - 6) == ".fastq");
    }
    void decoding() {
        CPPUNIT_ASSERT_EQUAL(std::string("000001.vidjil"),
                             *model::original_name("results_file.data_file.ba2b37c7245410bc.3030303030312e7669646a696c.txt"));
        CPPUNIT_ASSERT_EQUAL(std::string("Demo-X5.fa"),
                             *model::original_name(model::stored_name("sequence_file", "data_file", "Demo-X5.fa")));
        CPPUNIT_ASSERT(!model::original_name("plain.txt"));
    }
    void safety() {
        CPPUNIT_ASSERT(model::is_safe_stored_name("sequence_file.data_file.ab12.RGVtby1YNS5mYQ==.fa"));
        CPPUNIT_ASSERT(!model::is_safe_stored_name("../etc/passwd"));
        CPPUNIT_ASSERT(!model::is_safe_stored_name("a/b"));
        CPPUNIT_ASSERT(!model::is_safe_stored_name(""));
    }
    // Issue 9: a 150-255 character original name gave a stored name longer than NAME_MAX.
    void name_max() {
        std::string e_acute = "\xc3\xa9";
        std::string multi;
        while (multi.size() + e_acute.size() <= 250) multi += e_acute;
        for (const std::string& original : {std::string(150, 'a') + ".fastq", std::string(249, 'b') + ".fastq",
                                            multi + ".fa", std::string(1000, 'c')}) {
            for (const char* table : {"sequence_file", "results_file", "analysis_file"}) {
                std::string n = model::stored_name(table, "data_file", original);
                CPPUNIT_ASSERT(n.size() <= 255);
                CPPUNIT_ASSERT(model::is_safe_stored_name(n));
                auto back = model::original_name(n);
                CPPUNIT_ASSERT(back);  // a valid UTF-8 prefix of the original basename
                CPPUNIT_ASSERT(!back->empty() && original.compare(0, back->size(), *back) == 0);
            }
        }
        std::string fq = model::stored_name("sequence_file", "data_file2", std::string(240, 'x') + ".fastq");
        CPPUNIT_ASSERT_EQUAL(std::string(".fastq"), fq.substr(fq.size() - 6));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(UploadNamesTest);
