// Unit tests of password hashing: argon2id round trip, the original's PBKDF2 and digest formats
// (vectors computed independently with Python's hashlib), and the strength policy.
#include <cppunit/extensions/HelperMacros.h>

#include "auth/password.h"

using namespace vidjil;

class PasswordTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PasswordTest);
    CPPUNIT_TEST(argon2_round_trip);
    CPPUNIT_TEST(legacy_pbkdf2_vector);
    CPPUNIT_TEST(legacy_digests);
    CPPUNIT_TEST(garbage_never_verifies);
    CPPUNIT_TEST(policy);
    CPPUNIT_TEST_SUITE_END();

public:
    void argon2_round_trip() {
        std::string h = auth::hash_password("correct horse battery");
        CPPUNIT_ASSERT(h.rfind("$argon2id$", 0) == 0);
        CPPUNIT_ASSERT(h != auth::hash_password("correct horse battery"));  // salted
        auto ok = auth::verify_password("correct horse battery", h);
        CPPUNIT_ASSERT(ok.ok);
        CPPUNIT_ASSERT(!ok.needs_rehash);
        CPPUNIT_ASSERT(!auth::verify_password("correct horse batterY", h).ok);
    }
    void legacy_pbkdf2_vector() {
        // python3: hashlib.pbkdf2_hmac('sha512', b'Vidjil-Lab-2024', b'b2ac6c047bcce393', 1000, 20).hex()
        const std::string stored = "pbkdf2(1000,20,sha512)$b2ac6c047bcce393$a2b3fbc19ec8505e44ecb4ede960ef2b250ebb43";
        CPPUNIT_ASSERT_EQUAL(std::string("a2b3fbc19ec8505e44ecb4ede960ef2b250ebb43"),
                             auth::legacy_pbkdf2("Vidjil-Lab-2024", "b2ac6c047bcce393", 1000, 20, "sha512"));
        auto v = auth::verify_password("Vidjil-Lab-2024", stored);
        CPPUNIT_ASSERT(v.ok);
        CPPUNIT_ASSERT(v.needs_rehash);
        CPPUNIT_ASSERT(!auth::verify_password("vidjil-lab-2024", stored).ok);
    }
    void legacy_digests() {
        // python3: hashlib.sha256(b'secret' + b'abc').hexdigest(); hashlib.md5(b'secret').hexdigest()
        CPPUNIT_ASSERT(auth::verify_password(
            "secret", "sha256$abc$f6ba18523c6942ba1e1b54f8256527ab1b8db94496cf6f4a2b6db9695c0fc6f9").ok);
        CPPUNIT_ASSERT(auth::verify_password("secret", "5ebe2294ecd0e0f08eab7690d2a6ee69").ok);
        CPPUNIT_ASSERT(!auth::verify_password("Secret", "5ebe2294ecd0e0f08eab7690d2a6ee69").ok);
    }
    void garbage_never_verifies() {
        CPPUNIT_ASSERT(!auth::verify_password("", "").ok);
        CPPUNIT_ASSERT(!auth::verify_password("x", "plain text password").ok);
        CPPUNIT_ASSERT(!auth::verify_password("x", "pbkdf2(bad)$a$b").ok);
        CPPUNIT_ASSERT(!auth::verify_password("x", "$argon2id$garbage").ok);
    }
    void policy() {
        CPPUNIT_ASSERT(!auth::password_problem("short1!", 8, 50).empty());
        CPPUNIT_ASSERT(!auth::password_problem("aaaaaaaa", 8, 50).empty());
        CPPUNIT_ASSERT(auth::password_problem("Tr0ub4dor&3x", 8, 50).empty());
        CPPUNIT_ASSERT(auth::password_entropy("abcdefgh") < auth::password_entropy("abcDEF12"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PasswordTest);
