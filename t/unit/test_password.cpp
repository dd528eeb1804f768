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
        auth::PasswordPolicy p;
        auto refused_because = [&](const std::string& pw, const std::string& why) {
            std::string r = auth::password_problem(pw, p);
            if (r.find(why) == std::string::npos) CPPUNIT_FAIL("'" + pw + "' gave '" + r + "', expected '" + why + "'");
        };
        // ASVS V2.1.1/V2.1.2: 12 to 128 characters, counted as characters, not bytes.
        refused_because("Password1", "at least 12 characters");
        refused_because("short1!", "at least 12 characters");
        refused_because(std::string(129, 'x') + "1!A", "at most 128 characters");
        CPPUNIT_ASSERT(auth::password_problem("Tr0ub4dor&3x-élan", p).empty());
        CPPUNIT_ASSERT(auth::password_problem("étéétéétéét9!", p).find("at least 12") == std::string::npos);
        // The dictionary (libcrack2): a reason a person understands.
        refused_because("aaaaaaaaaaaa", "too easy to guess: it does not contain enough different characters");
        refused_because("password1234", "too easy to guess: it is based on a dictionary word");
        refused_because("Password12345", "too easy to guess: it is based on a dictionary word");
        CPPUNIT_ASSERT(auth::password_problem("correct horse battery staple", p).empty());
        CPPUNIT_ASSERT(auth::password_problem("Lab-Passw0rd!42", p).empty());
        // A configured minimum below 12 is raised to 12; a missing dictionary refuses clearly.
        Config low = Config::from_text("PASSWORD_MIN_LENGTH = 8\n");
        CPPUNIT_ASSERT_EQUAL(size_t(12), auth::PasswordPolicy::from_config(low).min_length);
        p.dictionary = "/nonexistent/cracklib_dict";
        refused_because("Lab-Passw0rd!42", "password dictionary /nonexistent/cracklib_dict is missing");
        CPPUNIT_ASSERT(auth::password_entropy("abcdefgh") < auth::password_entropy("abcDEF12"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PasswordTest);
