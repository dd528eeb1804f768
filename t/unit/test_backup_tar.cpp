// Unit tests of the tar writer/reader of `vidjil-admin backup` / `restore` (long names through
// pax headers, symbolic links, damaged headers refused, unsafe member names) and of
// vidjil-to-fasta (`vidjil-admin clonedb-export`).
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "jobs/spawn.h"
#include "tools/tar.h"
#include "util/fs.h"
#include "util/json.h"
#include "vidjil/to_fasta.h"

using namespace vidjil;

namespace {
std::string temp_dir() {
    char tpl[] = "/tmp/vidjil-tar-test-XXXXXX";
    const char* d = ::mkdtemp(tpl);
    if (!d) throw std::runtime_error("mkdtemp");
    return d;
}
}  // namespace

class BackupTarTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BackupTarTest);
    CPPUNIT_TEST(members_round_trip);
    CPPUNIT_TEST(damaged_header_is_refused);
    CPPUNIT_TEST(unsafe_names);
    CPPUNIT_TEST(fasta_records);
    CPPUNIT_TEST_SUITE_END();

public:
    void members_round_trip() {
        for (bool gz : {false, true}) {
            std::string d = temp_dir();
            std::string long_name = "results/" + std::string(150, 'x') + ".vidjil";
            std::string big(200000, 'a');
            for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('0' + i % 10);
            fs::write_file_atomic(d + "/in", big);
            int fd = ::open((d + "/t.tar").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            std::string s1, s2, s3;
            {
                tools::TarWriter w(fd, gz);
                s1 = w.add_file(long_name, d + "/in");
                s2 = w.add_data("MANIFEST.sha256", "hello", 0);
                s3 = w.add_symlink("sequences/l", "/mnt/" + std::string(120, 'y'), 0);
                w.finish();
            }
            ::close(fd);
            CPPUNIT_ASSERT_EQUAL(tools::sha256_file(d + "/in"), s1);
            tools::TarReader r(d + "/t.tar");
            tools::TarMember m;
            CPPUNIT_ASSERT(r.next(m));
            CPPUNIT_ASSERT_EQUAL(long_name, m.name);
            CPPUNIT_ASSERT_EQUAL(static_cast<uint64_t>(big.size()), m.size);
            std::string got;
            r.read_data([&](const char* p, size_t n) { got.append(p, n); });
            CPPUNIT_ASSERT(got == big);
            CPPUNIT_ASSERT(r.next(m));  // data not read: skipped by next()
            CPPUNIT_ASSERT_EQUAL(std::string("MANIFEST.sha256"), m.name);
            CPPUNIT_ASSERT(r.next(m));
            CPPUNIT_ASSERT_EQUAL('2', m.type);
            CPPUNIT_ASSERT_EQUAL("/mnt/" + std::string(120, 'y'), m.link);
            CPPUNIT_ASSERT(!r.next(m));
            jobs::remove_tree(d);
        }
    }

    void damaged_header_is_refused() {
        std::string d = temp_dir();
        int fd = ::open((d + "/t.tar").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        {
            tools::TarWriter w(fd, false);
            w.add_data("results/a", "content", 0);
            w.finish();
        }
        ::close(fd);
        std::string t = fs::read_file(d + "/t.tar");
        t[10] = 'Z';  // inside the name: the header checksum no longer matches
        fs::write_file_atomic(d + "/t.tar", t);
        tools::TarReader r(d + "/t.tar");
        tools::TarMember m;
        CPPUNIT_ASSERT_THROW(r.next(m), tools::TarError);
        // Truncated archive.
        fs::write_file_atomic(d + "/u.tar", t.substr(0, 700));
        tools::TarReader r2(d + "/u.tar");
        CPPUNIT_ASSERT_THROW(r2.next(m), tools::TarError);
        jobs::remove_tree(d);
    }

    void unsafe_names() {
        CPPUNIT_ASSERT(tools::safe_member_name("results/a/b.vidjil"));
        CPPUNIT_ASSERT(!tools::safe_member_name("/etc/passwd"));
        CPPUNIT_ASSERT(!tools::safe_member_name("results/../../etc"));
        CPPUNIT_ASSERT(!tools::safe_member_name("results//a"));
        CPPUNIT_ASSERT(!tools::safe_member_name("results/a\nb"));
        CPPUNIT_ASSERT(!tools::safe_member_name(""));
    }

    void fasta_records() {
        Json::Value v;
        CPPUNIT_ASSERT(json::parse(R"({"clones": [
            {"id": "ACGTACGT", "reads": [5, 7], "germline": "TRG", "top": 1, "name": "TRGV1 1/2/3 TRGJ1"},
            {"id": "clone-2", "sequence": "TTTTGGGG", "reads": [3]},
            {"id": "no-sequence-here", "reads": [1]}]})", v));
        std::ostringstream out;
        size_t n = files::vidjil_to_fasta(v, "sample_set=4 config_id=2", out);
        CPPUNIT_ASSERT_EQUAL(size_t(2), n);
        CPPUNIT_ASSERT_EQUAL(std::string(">ACGTACGT sample_set=4 config_id=2 reads=5,7 germline=TRG top=1 "
                                         "name=TRGV1_1/2/3_TRGJ1\nACGTACGT\n"
                                         ">clone-2 sample_set=4 config_id=2 reads=3\nTTTTGGGG\n"),
                             out.str());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BackupTarTest);
