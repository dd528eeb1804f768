// Password hashing: argon2id for every new hash, verification of the original server's
// pydal CRYPT hashes (pbkdf2(1000,20,sha512)$salt$hash and plain salted digests) so that an
// imported database keeps working, with an upgrade to argon2id at the next successful login.
#pragma once
#include <string>

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
// "" when acceptable, otherwise the reason, for a person.
std::string password_problem(const std::string& password, size_t min_length, double min_entropy);

}  // namespace vidjil::auth
