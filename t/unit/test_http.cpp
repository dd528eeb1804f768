// Unit tests of request parsing and parameter validation: paths, query strings, multipart,
// cookies, typed parameters.
#include <cppunit/extensions/HelperMacros.h>

#include "http/params.h"
#include "http/request.h"
#include "http/response.h"

using namespace vidjil;
using http::BadRequest;

class HttpTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HttpTest);
    CPPUNIT_TEST(paths);
    CPPUNIT_TEST(query_rules);
    CPPUNIT_TEST(bad_queries);
    CPPUNIT_TEST(cookies);
    CPPUNIT_TEST(multipart);
    CPPUNIT_TEST(bad_multipart);
    CPPUNIT_TEST(request_from_env);
    CPPUNIT_TEST(validation);
    CPPUNIT_TEST(json_writers_kept_between_answers);
    CPPUNIT_TEST(header_names_without_case);
    CPPUNIT_TEST_SUITE_END();

    http::Limits limits;

public:
    // The writers are kept per process: each answer must be what a new writer writes.
    void json_writers_kept_between_answers() {
        Json::Value a(Json::objectValue), b(Json::arrayValue);
        a["z"] = 1.5;
        a["a"]["list"].append("x\"y");
        a["a"]["list"].append(Json::Value(Json::objectValue));
        a["e"] = "\xC3\xA9";
        b.append(a);
        b.append(Json::Value());
        b.append(Json::Value(Json::arrayValue));
        Json::StreamWriterBuilder pretty, compact;
        pretty["indentation"] = "  ";
        pretty["enableYAMLCompatibility"] = true;
        pretty["precision"] = 15;
        compact["indentation"] = "";
        compact["precision"] = 15;
        for (int round = 0; round < 3; ++round)
            for (const Json::Value* v : {&a, &b, &a}) {
                CPPUNIT_ASSERT_EQUAL(Json::writeString(pretty, *v), http::json_pretty(*v));
                CPPUNIT_ASSERT_EQUAL(Json::writeString(compact, *v), http::json_compact(*v));
            }
    }
    void header_names_without_case() {
        http::Response r;
        r.set_header("Content-Type", "text/plain");
        r.set_header("content-type", "application/json");
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.headers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("application/json"), r.get_header("CONTENT-TYPE"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), r.get_header("Content-Typ"));
        r.status = 404;
        r.set_header("X-Note", "a\r\nSet-Cookie: b");
        CPPUNIT_ASSERT_EQUAL(std::string("Status: 404 Not Found\r\nContent-Type: application/json\r\n"
                                         "X-Note: aSet-Cookie: b\r\n\r\n"),
                             r.cgi_head());
    }
    void paths() {
        CPPUNIT_ASSERT_EQUAL(std::string("/vidjil/sample_set/all"), http::normalize_path("/vidjil//sample_set/all"));
        CPPUNIT_ASSERT_EQUAL(std::string("/vidjil"), http::normalize_path("///vidjil/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/"), http::normalize_path(""));
        CPPUNIT_ASSERT_THROW(http::normalize_path(std::string("/a\0b", 4)), BadRequest);
    }
    void query_rules() {
        http::ParamMap m;
        http::parse_urlencoded("a=1&a=2&b&=x&c=hello+world&&d=%C3%A9", m, limits);
        CPPUNIT_ASSERT_EQUAL(size_t(2), m["a"].size());
        CPPUNIT_ASSERT_EQUAL(std::string("2"), m["a"][1]);
        CPPUNIT_ASSERT_EQUAL(std::string(""), m["b"][0]);
        CPPUNIT_ASSERT(!m.count(""));
        CPPUNIT_ASSERT_EQUAL(std::string("hello world"), m["c"][0]);
        CPPUNIT_ASSERT_EQUAL(std::string("\xC3\xA9"), m["d"][0]);
    }
    void bad_queries() {
        http::ParamMap m;
        CPPUNIT_ASSERT_THROW(http::parse_urlencoded("a=%zz", m, limits), BadRequest);
        CPPUNIT_ASSERT_THROW(http::parse_urlencoded("a=%C3", m, limits), BadRequest);  // invalid UTF-8
        http::Limits small;
        small.max_value = 4;
        CPPUNIT_ASSERT_THROW(http::parse_urlencoded("a=12345", m, small), BadRequest);
    }
    void cookies() {
        auto c = http::parse_cookies("a=1; vidjil_session=abc ; b=\"q\"; vidjil_session=second");
        CPPUNIT_ASSERT_EQUAL(std::string("abc"), c["vidjil_session"]);
        CPPUNIT_ASSERT_EQUAL(std::string("q"), c["b"]);
    }
    void multipart() {
        std::string body =
            "--XyZ\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nme@lab.org\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"fileToUpload\"; filename=\"a;b.txt\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n";
        http::ParamMap f;
        std::vector<http::UploadedFile> files;
        http::parse_multipart(body, http::multipart_boundary("multipart/form-data; boundary=XyZ"), f, files, limits);
        CPPUNIT_ASSERT_EQUAL(std::string("me@lab.org"), f["login"][0]);
        CPPUNIT_ASSERT_EQUAL(size_t(1), files.size());
        CPPUNIT_ASSERT_EQUAL(std::string("a;b.txt"), files[0].filename);
        CPPUNIT_ASSERT_EQUAL(std::string("line1\r\nline2"), files[0].data);
    }
    void bad_multipart() {
        http::ParamMap f;
        std::vector<http::UploadedFile> files;
        CPPUNIT_ASSERT_THROW(http::parse_multipart("x", "", f, files, limits), BadRequest);
        CPPUNIT_ASSERT_THROW(
            http::parse_multipart("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ntrunc", "B", f, files, limits),
            BadRequest);
        CPPUNIT_ASSERT_THROW(http::parse_multipart("--B\r\n" + std::string(20000, 'h') + "\r\n\r\nx\r\n--B--", "B", f,
                                                   files, limits),
                             BadRequest);
    }
    void request_from_env() {
        std::map<std::string, std::string> env = {{"REQUEST_METHOD", "POST"},
                                                  {"DOCUMENT_URI", "/vidjil//default/whoami"},
                                                  {"QUERY_STRING", "format=json&id=3"},
                                                  {"HTTP_HOST", "db.lab.org"},
                                                  {"HTTPS", "on"},
                                                  {"HTTP_ORIGIN", "https://app.vidjil.org"},
                                                  {"HTTP_COOKIE", "vidjil_session=t"}};
        auto r = http::Request::from_env(env, limits);
        CPPUNIT_ASSERT_EQUAL(std::string("/vidjil/default/whoami"), r.path);
        CPPUNIT_ASSERT_EQUAL(std::string("https://db.lab.org"), r.self_origin());
        CPPUNIT_ASSERT_EQUAL(std::string("https://app.vidjil.org"), r.header("Origin"));
        CPPUNIT_ASSERT_EQUAL(std::string("t"), r.cookies["vidjil_session"]);
        r.content_type = "application/x-www-form-urlencoded";
        r.parse_body("id=4&x=1", limits);
        auto p = http::Params::validate(r, {http::opt("id", http::Type::Id), http::opt("format")});
        CPPUNIT_ASSERT_EQUAL(int64_t(4), *p.get_int("id"));  // the body wins over the query
        CPPUNIT_ASSERT(!p.has("x"));                        // undeclared keys are dropped
        auto q = http::Params::validate(r, {http::opt("id", http::Type::Id, http::From::Query)});
        CPPUNIT_ASSERT_EQUAL(int64_t(3), *q.get_int("id"));
    }
    void validation() {
        http::Request r;
        r.query["id"] = {"abc"};
        CPPUNIT_ASSERT_THROW(http::Params::validate(r, {http::opt("id", http::Type::Id)}), BadRequest);
        r.query["id"] = {"0"};
        CPPUNIT_ASSERT_THROW(http::Params::validate(r, {http::opt("id", http::Type::Id)}), BadRequest);
        r.query["id"] = {""};
        CPPUNIT_ASSERT(!http::Params::validate(r, {http::opt("id", http::Type::Id)}).has("id"));
        CPPUNIT_ASSERT_THROW(http::Params::validate(r, {http::req("id", http::Type::Id)}), BadRequest);
        CPPUNIT_ASSERT_THROW(http::Params::validate(r, {http::req("missing")}), BadRequest);
        r.query["d"] = {"2024-02-30"};
        CPPUNIT_ASSERT_THROW(http::Params::validate(r, {http::opt("d", http::Type::Date)}), BadRequest);
        r.query["j"] = {"{\"a\":[1,2]}"};
        auto p = http::Params::validate(r, {http::opt("j", http::Type::Json)});
        CPPUNIT_ASSERT_EQUAL(2u, p.json("j")["a"].size());
        r.query["j"] = {"{bad"};
        CPPUNIT_ASSERT_THROW(http::Params::validate(r, {http::opt("j", http::Type::Json)}), BadRequest);
        r.query["t"] = {std::string("a\x01z")};
        CPPUNIT_ASSERT_THROW(http::Params::validate(r, {http::opt("t")}), BadRequest);
        r.query["l"] = {"1", "2", "x"};
        CPPUNIT_ASSERT_THROW(http::Params::validate(r, {http::opt("l", http::Type::Int)}), BadRequest);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(HttpTest);
