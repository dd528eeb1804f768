// Password hashing: argon2id for every new hash, verification of the original server's
// pydal CRYPT hashes (pbkdf2(1000,20,sha512)$salt$hash and plain salted digests) so that an
// imported database keeps working, with an upgrade to argon2id at the next successful login.
#pragma once
#include <string>

#include "config.h"

namespace vidjil::auth {

std::string hash_password(const std::string& password);

struct Verification {
    bool ok = false;
    bool needs_rehash = false;  // a legacy or weaker hash: store hash_password() after login
};
Verification verify_password(const std::string& password, const std::string& stored);

// The original's `pbkdf2(iterations,keylen,alg)$salt$hash` hash of password (hex output).
std::string legacy_pbkdf2(const std::string& password, const std::string& salt, int iterations,
                          int keylen, const std::string& alg);

// pydal IS_STRONG entropy estimate, used by the password policy (model.md §6.1).
double password_entropy(const std::string& password);
// The password policy (ASVS V2.1): 12 to 128 characters (code points), not based on a dictionary
// word (libcrack2's FascistCheck against the cracklib dictionary), and the original's entropy
// estimate. min_length below 12 is raised to 12.
struct PasswordPolicy {
    size_t min_length = 12;           // PASSWORD_MIN_LENGTH (at least 12)
    double min_entropy = 50;          // PASSWORD_MIN_ENTROPY
    std::string dictionary;           // PASSWORD_DICTIONARY; "" = libcrack's default
    static constexpr size_t kMaxLength = 128;
    static PasswordPolicy from_config(const Config& cfg);
};
// "" when acceptable, otherwise the reason, for a person.
// user: the account's e-mail, if known (a password based on it is refused).
std::string password_problem(const std::string& password, const PasswordPolicy& policy,
                             const std::string& user = "");
// The cracklib dictionary path in use ("" if libcrack knows none) and whether it can be read.
std::string password_dictionary(const PasswordPolicy& policy);
bool password_dictionary_present(const PasswordPolicy& policy);

}  // namespace vidjil::auth
