// Unit tests of the SHA-256 used for session tokens and digests (util/sha256.h): FIPS 180-4
// vectors, every length around the padding boundaries against OpenSSL.
#include <cppunit/extensions/HelperMacros.h>
#include <openssl/evp.h>

#include <random>
#include <string>

#include "util/sha256.h"
#include "util/text.h"

using namespace vidjil;

class Sha256Test : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(Sha256Test);
    CPPUNIT_TEST(vectors);
    CPPUNIT_TEST(same_as_openssl);
    CPPUNIT_TEST_SUITE_END();

    static std::string openssl(const std::string& s) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        CPPUNIT_ASSERT(EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr));
        static const char* d = "0123456789abcdef";
        std::string out;
        for (unsigned i = 0; i < len; ++i) {
            out += d[md[i] >> 4];
            out += d[md[i] & 15];
        }
        return out;
    }

public:
    void vectors() {
        CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                             text::sha256_hex(""));
        CPPUNIT_ASSERT_EQUAL(std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                             text::sha256_hex("abc"));
        CPPUNIT_ASSERT_EQUAL(std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
                             text::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
        CPPUNIT_ASSERT_EQUAL(std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
                             text::sha256_hex(std::string(1000000, 'a')));
    }

    void same_as_openssl() {
        std::mt19937 rnd(13);
        for (size_t n = 0; n < 300; ++n) {
            std::string s(n, '\0');
            for (char& c : s) c = static_cast<char>(rnd());
            CPPUNIT_ASSERT_EQUAL(openssl(s), text::sha256_hex(s));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(Sha256Test);
