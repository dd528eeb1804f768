// Unit tests of the upload writer (endpoints/upload_writer.h): whatever the sizes of the pieces
// and of the file (empty, below one block, exact buffers, a partial last block), the file holds
// exactly the bytes written and the observer (the SHA-256) saw them all in order, with O_DIRECT (where the temporary directory allows it) and without;
// a failed write is reported; nothing is left in flight when the writer is dropped mid-way.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>
#include <system_error>

#include "endpoints/upload_writer.h"

using vidjil::endpoints::UploadWriter;

class UploadWriterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(UploadWriterTest);
    CPPUNIT_TEST(same_bytes_any_sizes);
    CPPUNIT_TEST(write_error_is_reported);
    CPPUNIT_TEST(dropped_mid_way);
    CPPUNIT_TEST_SUITE_END();

    std::string dir_;

    static std::string read_file(const std::string& path) {
        std::string out;
        int fd = ::open(path.c_str(), O_RDONLY);
        CPPUNIT_ASSERT(fd >= 0);
        char buf[65536];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
        ::close(fd);
        return out;
    }

public:
    void setUp() override {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/var/tmp") + "/upload-writer-XXXXXX";
        CPPUNIT_ASSERT(mkdtemp(&tmpl[0]));
        dir_ = tmpl;
    }
    void tearDown() override { ::rmdir(dir_.c_str()); }

    void same_bytes_any_sizes() {
        const size_t B = UploadWriter::kBufferBytes;
        std::mt19937 rnd(5);
        std::string data(3 * B + 12345, '\0');
        for (char& c : data) c = static_cast<char>(rnd());
        for (size_t total : {size_t(0), size_t(1), size_t(4095), size_t(4096), size_t(4097), B - 1, B, B + 1, 2 * B,
                             data.size()}) {
            for (bool direct : {true, false}) {
                std::string path = dir_ + "/f";
                int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
                CPPUNIT_ASSERT(fd >= 0);
                std::string seen;  // what the observer saw, in order
                {
                    UploadWriter w(fd, direct, [&seen](const char* p, size_t n) { seen.append(p, n); });
                    if (!direct) CPPUNIT_ASSERT(!w.direct());
                    size_t at = 0;
                    while (at < total) {
                        size_t n = std::min<size_t>(total - at, rnd() % 3 == 0 ? rnd() % 17 : rnd() % (B + 7));
                        w.write(std::string_view(data.data() + at, n));
                        at += n;
                    }
                    w.finish();
                }
                ::close(fd);
                std::string got = read_file(path);
                ::unlink(path.c_str());
                CPPUNIT_ASSERT_EQUAL_MESSAGE("size " + std::to_string(total) + (direct ? " direct" : ""), total, got.size());
                CPPUNIT_ASSERT_MESSAGE("size " + std::to_string(total), got == data.substr(0, total));
                CPPUNIT_ASSERT_MESSAGE("observed, size " + std::to_string(total), seen == got);
            }
        }
    }

    void write_error_is_reported() {
        std::string path = dir_ + "/ro";
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        CPPUNIT_ASSERT(fd >= 0);
        ::close(fd);
        fd = ::open(path.c_str(), O_RDONLY);  // writes fail with EBADF
        bool thrown = false;
        try {
            UploadWriter w(fd, false);
            std::string chunk(UploadWriter::kBufferBytes / 2 + 1, 'A');
            for (int i = 0; i < 6; ++i) w.write(chunk);  // the failure of a buffer shows at a later call
            w.finish();
        } catch (const std::system_error& e) {
            thrown = e.code().value() == EBADF;
        }
        ::close(fd);
        ::unlink(path.c_str());
        CPPUNIT_ASSERT(thrown);
    }

    void dropped_mid_way() {
        std::string path = dir_ + "/drop";
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        CPPUNIT_ASSERT(fd >= 0);
        {
            UploadWriter w(fd, true);
            w.write(std::string(UploadWriter::kBufferBytes + 100, 'C'));
        }  // no finish(): the destructor waits for the write in progress
        struct stat st {};
        CPPUNIT_ASSERT(fstat(fd, &st) == 0);
        CPPUNIT_ASSERT(st.st_size == 0 || st.st_size == static_cast<off_t>(UploadWriter::kBufferBytes));
        ::close(fd);
        ::unlink(path.c_str());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UploadWriterTest);
