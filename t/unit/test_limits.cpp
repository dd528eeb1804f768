// Unit tests of the input limits (issue 9): the one JSON reader's depth and size limits, as seen
// by its callers (typed parameters, result files, uploaded analyses).
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <string>

#include "http/params.h"
#include "http/request.h"
#include "http/response.h"
#include "util/json.h"
#include "vidjil/vidjil_file.h"

using namespace vidjil;

namespace {
std::string nested(size_t depth, const std::string& inner = "1") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

class JsonLimitsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(JsonLimitsTest);
    CPPUNIT_TEST(reader_depth);
    CPPUNIT_TEST(reader_size_and_syntax);
    CPPUNIT_TEST(deep_parameter_is_400);
    CPPUNIT_TEST(deep_file_is_format_error);
    CPPUNIT_TEST(query_string_limit);
    CPPUNIT_TEST(list_parameter_limit);
    CPPUNIT_TEST_SUITE_END();

public:
    void reader_depth() {
        Json::Value v;
        std::string err;
        CPPUNIT_ASSERT(json::parse(nested(json::kMaxDepth), v, &err));
        CPPUNIT_ASSERT(v.isArray());
        // Brackets inside strings do not count.
        CPPUNIT_ASSERT(json::parse("{\"a\":\"" + std::string(5000, '[') + "\"}", v, &err));
        for (size_t depth : {json::kMaxDepth + 1, size_t(1500), size_t(100000)}) {
            err.clear();
            CPPUNIT_ASSERT(!json::parse(nested(depth), v, &err));
            CPPUNIT_ASSERT_MESSAGE(err, contains(err, "nested more than 256 levels"));
            CPPUNIT_ASSERT(!json::parse("{\"k\":" + nested(depth) + "}", v, &err));
        }
        json::ParseOptions shallow;
        shallow.max_depth = 2;
        CPPUNIT_ASSERT(json::parse("[[1]]", v, &err, shallow));
        CPPUNIT_ASSERT(!json::parse("[[[1]]]", v, &err, shallow));
    }
    void reader_size_and_syntax() {
        Json::Value v;
        std::string err;
        json::ParseOptions small;
        small.max_bytes = 10;
        CPPUNIT_ASSERT(json::parse("[1,2,3]", v, &err, small));
        CPPUNIT_ASSERT(!json::parse("[1,2,3,4,5,6]", v, &err, small));
        CPPUNIT_ASSERT_MESSAGE(err, contains(err, "too large"));
        CPPUNIT_ASSERT(!json::parse("{\"a\":1} x", v, &err));
        CPPUNIT_ASSERT_MESSAGE(err, contains(err, "invalid JSON") && contains(err, "line 1"));
        CPPUNIT_ASSERT(json::parse("[NaN, Infinity]", v, &err));  // as Python writes them
        CPPUNIT_ASSERT(json::parse("{\"a\":1,\"a\":2}", v, &err));
        CPPUNIT_ASSERT_EQUAL(2, v["a"].asInt());
        CPPUNIT_ASSERT(!json::parse("[1] // c", v, &err));
        // Parameters must be an object or an array (handlers index into them); files need not.
        CPPUNIT_ASSERT(!http::json_parse("5", v, &err));
        CPPUNIT_ASSERT_EQUAL(std::string("k"), files::parse_json("\"k\"", "key").asString());
    }
    void deep_parameter_is_400() {
        for (std::string name : {"data", "keys"}) {
            http::Request r;
            r.query[name] = {nested(1500)};
            try {
                http::Params::validate(r, {http::opt(name, http::Type::Json)});
                CPPUNIT_FAIL("deeply nested JSON accepted");
            } catch (const http::BadRequest& e) {
                CPPUNIT_ASSERT_EQUAL(400, e.status());
                CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "Parameter '" + name + "' is not valid JSON"));
                CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "nested"));
            }
            r.query[name] = {nested(20)};
            CPPUNIT_ASSERT(http::Params::validate(r, {http::opt(name, http::Type::Json)}).json(name).isArray());
        }
    }
    void deep_file_is_format_error() {
        try {
            files::parse_json("{\"a\":" + nested(1500) + "}", "analysis");
            CPPUNIT_FAIL("deeply nested JSON accepted");
        } catch (const files::FormatError& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "analysis: the JSON document is nested"));
        }
        CPPUNIT_ASSERT_THROW(files::parse_vidjil(nested(3000), "result"), files::FormatError);
    }
    void query_string_limit() {
        http::Limits limits;
        std::map<std::string, std::string> env{{"REQUEST_METHOD", "GET"}, {"DOCUMENT_URI", "/vidjil/x"}};
        env["QUERY_STRING"] = "a=" + std::string(http::kMaxQueryString - 2, 'x');
        CPPUNIT_ASSERT_EQUAL(http::kMaxQueryString - 2, http::Request::from_env(env, limits).query["a"][0].size());
        env["QUERY_STRING"] += "x";
        try {
            http::Request::from_env(env, limits);
            CPPUNIT_FAIL("long query string accepted");
        } catch (const http::BadRequest& e) {
            CPPUNIT_ASSERT_EQUAL(414, e.status());
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "address is too long"));
        }
    }
    void list_parameter_limit() {
        http::Request r;
        r.query["ids"] = std::vector<std::string>(http::kMaxListValues, "7");
        http::Params ok = http::Params::validate(r, {http::opt("ids", http::Type::Id)});
        CPPUNIT_ASSERT_EQUAL(http::kMaxListValues, ok.int_list("ids").size());
        r.query["ids"].push_back("8");
        http::Params big = http::Params::validate(r, {http::opt("ids", http::Type::Id)});
        try {
            big.int_list("ids");
            CPPUNIT_FAIL("1001 ids accepted");
        } catch (const http::BadRequest& e) {
            CPPUNIT_ASSERT_EQUAL(400, e.status());
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "Parameter 'ids' has too many values"));
        }
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(JsonLimitsTest);

// One of each (issue 9): the one send-file path and the one Content-Disposition builder.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "app/app.h"

class OneOfEachTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OneOfEachTest);
    CPPUNIT_TEST(content_disposition);
    CPPUNIT_TEST(attach_file_any_name);
    CPPUNIT_TEST(small_forms_use_the_streaming_parser);
    CPPUNIT_TEST_SUITE_END();

public:
    void content_disposition() {
        CPPUNIT_ASSERT_EQUAL(std::string("attachment; filename=\"a b.fa\"; filename*=UTF-8''a%20b.fa"),
                             http::content_disposition("a b.fa"));
        std::string h = http::content_disposition("x\"\r\nSet-Cookie: y\\\xC3\xA9.fa");
        CPPUNIT_ASSERT(h.find('\r') == std::string::npos && h.find('\n') == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("attachment; filename=\"x___Set-Cookie: y___.fa\"; "
                                         "filename*=UTF-8''x%22%0D%0ASet-Cookie%3A%20y%5C%C3%A9.fa"),
                             h);
        CPPUNIT_ASSERT(contains(http::content_disposition(""), "filename=\"download\""));
    }
    void attach_file_any_name() {
        char tmpl[] = "/tmp/vidjil-attach-XXXXXX";
        std::string dir = mkdtemp(tmpl);
        std::string name = "a b#?%;\xC3\xA9=.fa";
        std::string path = dir + "/sub/" + name;
        mkdir((dir + "/sub").c_str(), 0700);
        std::ofstream(path) << "ACGT";
        http::Response r;
        CPPUNIT_ASSERT(app::attach_file(r, path, dir, "/vidjil-sequences"));
        CPPUNIT_ASSERT_EQUAL(std::string("/vidjil-sequences/sub/a%20b%23%3F%25%3B%C3%A9=.fa"), r.get_header("X-Accel-Redirect"));
        CPPUNIT_ASSERT_EQUAL(std::string(), r.get_header(app::kStreamFile));
        // No accel location, or a file outside the root: streamed by the program.
        http::Response s;
        CPPUNIT_ASSERT(app::attach_file(s, path, dir, ""));
        CPPUNIT_ASSERT_EQUAL(path, s.get_header(app::kStreamFile));
        CPPUNIT_ASSERT_EQUAL(std::string("4"), s.get_header("Content-Length"));
        http::Response o;
        CPPUNIT_ASSERT(app::attach_file(o, path, "/elsewhere", "/vidjil-sequences/"));
        CPPUNIT_ASSERT_EQUAL(std::string(), o.get_header("X-Accel-Redirect"));
        http::Response m;
        CPPUNIT_ASSERT(!app::attach_file(m, dir + "/missing", dir, "/vidjil-sequences/"));
        CPPUNIT_ASSERT(!app::attach_file(m, dir + "/sub", dir, "/vidjil-sequences/"));  // a directory
        CPPUNIT_ASSERT(m.headers.empty());
        std::remove(path.c_str());
        rmdir((dir + "/sub").c_str());
        rmdir(dir.c_str());
    }
    // parse_multipart follows MultipartReader's rules (they used to differ): a filename*= part is
    // a file, control characters in part headers are refused.
    void small_forms_use_the_streaming_parser() {
        http::Limits limits;
        http::ParamMap f;
        std::vector<http::UploadedFile> files;
        http::parse_multipart("--B\r\nContent-Disposition: form-data; name=\"up\"; filename*=UTF-8''a.fa\r\n\r\nACGT\r\n--B--\r\n",
                              "B", f, files, limits);
        CPPUNIT_ASSERT_EQUAL(size_t(1), files.size());
        CPPUNIT_ASSERT_EQUAL(std::string("ACGT"), files[0].data);
        CPPUNIT_ASSERT(f.empty());
        CPPUNIT_ASSERT_THROW(http::parse_multipart("--B\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nx\r\n--B--\r\n",
                                                   "B", f, files, limits),
                             http::BadRequest);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(OneOfEachTest);
