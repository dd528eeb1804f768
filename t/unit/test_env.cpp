// Unit tests of http::Env, the CGI variables of a request: the same answers as the std::map the
// programs built before (first of a repeated name kept, strings without '=' ignored, empty values
// present), set() replacing or adding, values that are views into the Env itself.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "http/env.h"
#include "http/request.h"

using namespace vidjil;

class EnvTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EnvTest);
    CPPUNIT_TEST(envp_answers_as_the_map_did);
    CPPUNIT_TEST(random_environments_answer_as_the_map_did);
    CPPUNIT_TEST(set_replaces_or_adds);
    CPPUNIT_TEST(values_viewing_the_env_itself);
    CPPUNIT_TEST(request_reads_its_variables);
    CPPUNIT_TEST_SUITE_END();

    // What the programs did before: std::map::emplace of each "NAME=value" (the first one wins).
    static std::map<std::string, std::string> as_map(const std::vector<std::string>& strings) {
        std::map<std::string, std::string> m;
        for (const auto& s : strings) {
            auto eq = s.find('=');
            if (eq != std::string::npos) m.emplace(s.substr(0, eq), s.substr(eq + 1));
        }
        return m;
    }

    static http::Env from(std::vector<std::string>& strings) {
        std::vector<char*> envp;
        for (auto& s : strings) envp.push_back(s.data());
        envp.push_back(nullptr);
        return http::Env::from_envp(envp.data());
    }

    static void same(const std::map<std::string, std::string>& m, const http::Env& e,
                     const std::vector<std::string>& also_absent) {
        for (const auto& [k, v] : m) {
            auto found = e.find(k);
            CPPUNIT_ASSERT_MESSAGE(k, found.has_value());
            CPPUNIT_ASSERT_EQUAL(v, std::string(*found));
            CPPUNIT_ASSERT_EQUAL(v, e.get(k));
            CPPUNIT_ASSERT(e.has(k));
        }
        for (const auto& k : also_absent) {
            if (m.count(k)) continue;
            CPPUNIT_ASSERT_MESSAGE(k, !e.find(k).has_value());
            CPPUNIT_ASSERT_EQUAL(std::string(), e.get(k));
        }
    }

public:
    void envp_answers_as_the_map_did() {
        std::vector<std::string> s = {"REQUEST_METHOD=GET", "QUERY_STRING=", "HTTP_COOKIE=a=b; c=d",
                                      "NOEQUALSIGN", "REQUEST_METHOD=POST", "=empty-name", "HTTP_X=1",
                                      "HTTP_XY=2", "HTTP_=3"};
        http::Env e = from(s);
        same(as_map(s), e, {"NOEQUALSIGN", "HTTP", "HTTP_XYZ", "REQUEST_METHO", "REQUEST_METHODS", "query_string"});
        CPPUNIT_ASSERT_EQUAL(std::string("GET"), e.get("REQUEST_METHOD"));  // the first one
        CPPUNIT_ASSERT(e.has("QUERY_STRING"));                               // empty, present
        CPPUNIT_ASSERT_EQUAL(std::string("a=b; c=d"), e.get("HTTP_COOKIE"));  // '=' in a value
        CPPUNIT_ASSERT_EQUAL(std::string("empty-name"), e.get(""));
        e.set("REQUEST_METHOD", "HEAD");  // the one look-ups find
        CPPUNIT_ASSERT_EQUAL(std::string("HEAD"), e.get("REQUEST_METHOD"));
        char* none[] = {nullptr};
        CPPUNIT_ASSERT(!http::Env::from_envp(none).has("REQUEST_METHOD"));
        CPPUNIT_ASSERT(!http::Env::from_envp(nullptr).has(""));
    }

    void random_environments_answer_as_the_map_did() {
        std::mt19937 rnd(7);
        const std::string alphabet = "AB_=x";
        for (int round = 0; round < 300; ++round) {
            std::vector<std::string> s, probes;
            int n = static_cast<int>(rnd() % 12);
            for (int i = 0; i < n; ++i) {
                std::string v;
                int len = static_cast<int>(rnd() % 7);
                for (int j = 0; j < len; ++j) v.push_back(alphabet[rnd() % alphabet.size()]);
                s.push_back(v);
                probes.push_back(v.substr(0, v.find('=')));
                probes.push_back(v);
            }
            http::Env e = from(s);
            same(as_map(s), e, probes);
            http::Env copy(as_map(s));
            same(as_map(s), copy, probes);
        }
    }

    void set_replaces_or_adds() {
        http::Env e(std::map<std::string, std::string>{{"A", "1"}, {"B", "2"}});
        e.set("A", "one");
        e.set("C", "");
        e.set("A", "uno");
        CPPUNIT_ASSERT_EQUAL(std::string("uno"), e.get("A"));
        CPPUNIT_ASSERT_EQUAL(std::string("2"), e.get("B"));
        CPPUNIT_ASSERT(e.has("C"));
        CPPUNIT_ASSERT_EQUAL(std::string(), e.get("C"));
    }

    // A value taken from the Env and given back to it: the buffer moves while the name is
    // appended (a 2000-byte buffer, full, freed by the move: glibc then writes its free-list
    // pointers over the start of the freed block, i.e. over the view, so a copy made from the
    // view after the move is not the value any more).
    void values_viewing_the_env_itself() {
        for (size_t len : {size_t(1), size_t(40), size_t(2000), size_t(70000)}) {
            http::Env e(std::map<std::string, std::string>{{"A", std::string(len, 'a')}});
            e.set("B", *e.find("A"));  // adds B
            e.set("A", *e.find("B"));  // replaces A
            e.set("C" + std::string(len, 'c'), *e.find("A"));
            CPPUNIT_ASSERT_EQUAL(std::string(len, 'a'), e.get("A"));
            CPPUNIT_ASSERT_EQUAL(std::string(len, 'a'), e.get("B"));
            CPPUNIT_ASSERT_EQUAL(std::string(len, 'a'), e.get("C" + std::string(len, 'c')));
        }
        http::Env e(std::map<std::string, std::string>{{"A", std::string(100, 'a')}});
        for (int i = 0; i < 50; ++i) {
            e.set("A" + std::to_string(i), *e.find("A"));
            e.set("A", *e.find("A" + std::to_string(i)));
        }
        CPPUNIT_ASSERT_EQUAL(std::string(100, 'a'), e.get("A"));
        CPPUNIT_ASSERT_EQUAL(std::string(100, 'a'), e.get("A49"));
    }

    void request_reads_its_variables() {
        std::vector<std::string> s = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/vidjil//default/whoami",
                                      "QUERY_STRING=a=1&b=2", "HTTP_COOKIE=vidjil_session=t", "HTTP_HOST=lab.example",
                                      "HTTPS=on", "CONTENT_LENGTH=12", "HTTP_SEC_FETCH_SITE=same-origin"};
        http::Limits limits;
        http::Request r = http::Request::from_env(from(s), limits);
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), r.method);
        CPPUNIT_ASSERT_EQUAL(std::string("/vidjil/default/whoami"), r.path);
        CPPUNIT_ASSERT_EQUAL(std::string("2"), r.query["b"][0]);
        CPPUNIT_ASSERT_EQUAL(std::string("t"), r.cookies["vidjil_session"]);
        CPPUNIT_ASSERT_EQUAL(std::string("https://lab.example"), r.self_origin());
        CPPUNIT_ASSERT_EQUAL(int64_t(12), r.content_length);
        CPPUNIT_ASSERT_EQUAL(std::string("same-origin"), r.header("Sec-Fetch-Site"));
        CPPUNIT_ASSERT_EQUAL(std::string(), r.header("Origin"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EnvTest);
