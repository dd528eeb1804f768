// Unit tests of the streaming multipart reader used by uploads: parts and fields whatever the
// chunking of the input, files larger than the buffer, and malformed bodies (missing or bad
// boundary, truncation, huge or binary headers).
#include <cppunit/extensions/HelperMacros.h>

#include <random>
#include <string>

using namespace std::string_literals;

#include "http/multipart_stream.h"
#include "http/request.h"

using namespace vidjil;

namespace {

// A source handing out the body in chunks of random sizes (1 byte to `max`).
http::MultipartReader::Source chunked(const std::string& body, size_t max, unsigned seed) {
    auto pos = std::make_shared<size_t>(0);
    auto rng = std::make_shared<std::mt19937>(seed);
    return [body, max, pos, rng](char* buf, size_t n) -> size_t {
        size_t want = std::min({n, body.size() - *pos, std::uniform_int_distribution<size_t>(1, max)(*rng)});
        std::copy(body.data() + *pos, body.data() + *pos + want, buf);
        *pos += want;
        return want;
    };
}

std::string form(const std::string& boundary, const std::string& file) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n12\r\n--" + boundary +
           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.fa\"\r\nContent-Type: application/octet-stream"
           "\r\n\r\n" + file + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file_number\"\r\n\r\n1\r\n--" +
           boundary + "--\r\n";
}

struct Parsed {
    std::map<std::string, std::string> fields;
    std::string filename, data;
};

Parsed parse(const std::string& body, const std::string& boundary, size_t max_chunk, unsigned seed = 1) {
    http::MultipartReader r(chunked(body, max_chunk, seed), boundary);
    Parsed p;
    http::PartHeaders h;
    while (r.next_part(h)) {
        if (h.is_file) {
            p.filename = h.filename;
            for (auto c = r.next_chunk(); !c.empty(); c = r.next_chunk()) p.data.append(c);
        } else {
            p.fields[h.name] = r.read_field();
        }
    }
    return p;
}

bool refused(const std::string& body, const std::string& boundary) {
    try {
        parse(body, boundary, 7);
    } catch (const http::BadRequest&) {
        return true;
    }
    return false;
}

}  // namespace

class SetsMultipartTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SetsMultipartTest);
    CPPUNIT_TEST(fields_and_file_any_chunking);
    CPPUNIT_TEST(large_file_with_boundary_like_bytes);
    CPPUNIT_TEST(preamble_and_empty_body);
    CPPUNIT_TEST(malformed_bodies);
    CPPUNIT_TEST_SUITE_END();

public:
    void fields_and_file_any_chunking() {
        std::string data = ">seq1\nACGT\r\n>seq2\nTTTT\n";
        std::string body = form("XyZ", data);
        for (size_t max : {1, 2, 3, 7, 64, 1 << 20})
            for (unsigned seed = 1; seed < 5; ++seed) {
                Parsed p = parse(body, "XyZ", max, seed);
                CPPUNIT_ASSERT_EQUAL(data, p.data);
                CPPUNIT_ASSERT_EQUAL(std::string("a b.fa"), p.filename);
                CPPUNIT_ASSERT_EQUAL(std::string("12"), p.fields["id"]);
                CPPUNIT_ASSERT_EQUAL(std::string("1"), p.fields["file_number"]);
            }
    }
    void large_file_with_boundary_like_bytes() {
        // Bigger than the reader's buffer, with almost-delimiters and NUL bytes inside.
        std::string data;
        for (int i = 0; i < 40000; ++i) data += "\r\n--bound\r\n-" + std::string(1, static_cast<char>(i % 256));
        Parsed p = parse(form("boundary", data), "boundary", 100000);
        CPPUNIT_ASSERT(p.data == data);
    }
    void preamble_and_empty_body() {
        Parsed p = parse("ignored preamble\r\n" + form("b", "x"), "b", 5);
        CPPUNIT_ASSERT_EQUAL(std::string("x"), p.data);
        Parsed none = parse("--b--\r\n", "b", 3);
        CPPUNIT_ASSERT(none.fields.empty() && none.data.empty());
        Parsed empty_file = parse(form("b", ""), "b", 3);
        CPPUNIT_ASSERT(empty_file.data.empty() && empty_file.filename == "a b.fa");
    }
    void malformed_bodies() {
        std::string body = form("b", "ACGT");
        CPPUNIT_ASSERT(refused(body, ""));                                    // no boundary
        CPPUNIT_ASSERT(refused(body.substr(0, body.size() - 12), "b"));       // truncated before the end
        CPPUNIT_ASSERT(refused(body.substr(0, body.find("ACGT") + 2), "b"));  // client killed mid-file
        CPPUNIT_ASSERT(refused("no delimiter at all", "b"));
        CPPUNIT_ASSERT(refused("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n" + std::string(20000, 'h'), "b"));
        CPPUNIT_ASSERT(refused("--b\r\nContent-Disposition: form-data; na\0me=\"x\"\r\n\r\nv\r\n--b--"s, "b"));
        CPPUNIT_ASSERT(refused("--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--", "b"));  // no field name
        CPPUNIT_ASSERT(refused("--bXX\r\n", "b"));  // bad delimiter
        std::string many;
        for (int i = 0; i < 100; ++i) many += "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n";
        CPPUNIT_ASSERT(refused(many + "--b--", "b"));
        // A field value beyond the field limit.
        CPPUNIT_ASSERT(refused("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" + std::string(70000, 'v') +
                                   "\r\n--b--",
                               "b"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(SetsMultipartTest);
