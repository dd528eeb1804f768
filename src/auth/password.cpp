// Implementation of password hashing and policy (see password.h).
#include "auth/password.h"

#include <argon2.h>
#include <cstddef>  // crack.h uses size_t without including it
#include <crack.h>
#include <unistd.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <set>
#include <stdexcept>
#include <vector>

#include "util/text.h"

namespace vidjil::auth {

// OWASP's minimum for argon2id: m=19 MiB, t=2, p=1.
static const uint32_t kTimeCost = 2, kMemoryKiB = 19456, kParallelism = 1, kHashLen = 32, kSaltLen = 16;

std::string hash_password(const std::string& password) {
    std::vector<unsigned char> salt(kSaltLen);
    std::string salt_hex = text::random_hex(kSaltLen);
    for (size_t i = 0; i < kSaltLen; ++i) salt[i] = static_cast<unsigned char>(std::stoi(salt_hex.substr(2 * i, 2), nullptr, 16));
    size_t len = argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, kSaltLen, kHashLen, Argon2_id);
    std::string encoded(len, '\0');
    int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(), password.size(),
                                   salt.data(), salt.size(), kHashLen, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
    encoded.resize(encoded.find('\0'));
    return encoded;
}

std::string legacy_pbkdf2(const std::string& password, const std::string& salt, int iterations, int keylen,
                          const std::string& alg) {
    const EVP_MD* md = EVP_get_digestbyname(alg.c_str());
    if (!md || iterations < 1 || keylen < 1 || keylen > 256) return "";
    std::vector<unsigned char> out(static_cast<size_t>(keylen));
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                          iterations, md, keylen, out.data()) != 1)
        return "";
    return text::hex(out.data(), out.size());
}

static std::string digest_hex(const std::string& alg, const std::string& data) {
    const EVP_MD* md = EVP_get_digestbyname(alg.c_str());
    if (!md) return "";
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), buf, &len, md, nullptr)) return "";
    return text::hex(buf, len);
}

Verification verify_password(const std::string& password, const std::string& stored) {
    Verification v;
    if (stored.empty()) return v;
    if (text::starts_with(stored, "$argon2id$")) {
        v.ok = argon2id_verify(stored.c_str(), password.data(), password.size()) == ARGON2_OK;
        v.needs_rehash = v.ok && stored.find("m=" + std::to_string(kMemoryKiB) + ",t=" + std::to_string(kTimeCost)) == std::string::npos;
        return v;
    }
    std::vector<std::string> parts = text::split(stored, '$');
    if (parts.size() == 3 && text::starts_with(parts[0], "pbkdf2(")) {
        // pbkdf2(1000,20,sha512)
        std::string inner = parts[0].substr(7, parts[0].size() > 8 ? parts[0].size() - 8 : 0);
        std::vector<std::string> args = text::split(inner, ',');
        if (args.size() != 3) return v;
        auto it = text::parse_int(args[0]), kl = text::parse_int(args[1]);
        if (!it || !kl || *it > 10000000) return v;
        std::string computed = legacy_pbkdf2(password, parts[1], static_cast<int>(*it), static_cast<int>(*kl), args[2]);
        v.ok = !computed.empty() && text::equal_consttime(computed, text::to_lower(parts[2]));
        v.needs_rehash = v.ok;
        return v;
    }
    if (parts.size() == 3) {  // alg$salt$hex(digest(password + salt))
        static const std::set<std::string> algs = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"};
        if (!algs.count(parts[0])) return v;
        std::string computed = digest_hex(parts[0], password + parts[1]);
        v.ok = !computed.empty() && text::equal_consttime(computed, text::to_lower(parts[2]));
        v.needs_rehash = v.ok;
        return v;
    }
    // Unsalted hex digests, recognised by their length.
    static const std::pair<size_t, const char*> by_len[] = {
        {32, "md5"}, {40, "sha1"}, {56, "sha224"}, {64, "sha256"}, {96, "sha384"}, {128, "sha512"}};
    for (const auto& [len, alg] : by_len)
        if (stored.size() == len) {
            std::string computed = digest_hex(alg, password);
            v.ok = !computed.empty() && text::equal_consttime(computed, text::to_lower(stored));
            v.needs_rehash = v.ok;
        }
    return v;
}

double password_entropy(const std::string& password) {
    // pydal's calc_entropy: credit the size of each character class when first seen, +1 for each
    // new character of an already seen class, +1 at each class change; entropy = len*log2(alphabet).
    static const std::string lower = "abcdefghijklmnopqrstuvwxyz", upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                             digits = "0123456789", special = "!@#$%^&*() ",
                             other_punct = "~`-_=+[]{}\\|;:'\",.<>?/";
    auto class_of = [&](unsigned char c) -> int {
        if (lower.find(static_cast<char>(c)) != std::string::npos) return 0;
        if (upper.find(static_cast<char>(c)) != std::string::npos) return 1;
        if (digits.find(static_cast<char>(c)) != std::string::npos) return 2;
        if (special.find(static_cast<char>(c)) != std::string::npos) return 3;
        if (other_punct.find(static_cast<char>(c)) != std::string::npos) return 4;
        return 5;
    };
    const double class_size[] = {26, 26, 10, 11, static_cast<double>(other_punct.size()), 256};
    double alphabet = 0;
    std::set<int> seen;
    std::set<unsigned char> other;
    int last = -1;
    for (unsigned char c : password) {
        int k = class_of(c);
        if (!seen.count(k)) {
            seen.insert(k);
            alphabet += class_size[k];
        } else if (!other.count(c)) {
            alphabet += 1;
            other.insert(c);
        }
        if (k != last) {
            alphabet += 1;
            last = k;
        }
    }
    if (alphabet < 1) alphabet = 1;
    return static_cast<double>(password.size()) * std::log2(alphabet);
}

PasswordPolicy PasswordPolicy::from_config(const Config& cfg) {
    PasswordPolicy p;
    int64_t min = cfg.get_int("PASSWORD_MIN_LENGTH", 12);
    p.min_length = static_cast<size_t>(std::clamp<int64_t>(min, 12, static_cast<int64_t>(kMaxLength)));
    p.min_entropy = static_cast<double>(cfg.get_int("PASSWORD_MIN_ENTROPY", 50));
    p.dictionary = cfg.get("PASSWORD_DICTIONARY", "");
    return p;
}

std::string password_dictionary(const PasswordPolicy& policy) {
    if (!policy.dictionary.empty()) return policy.dictionary;
    const char* d = GetDefaultCracklibDict();
    return d ? d : "";
}

bool password_dictionary_present(const PasswordPolicy& policy) {
    std::string d = password_dictionary(policy);
    if (d.empty()) return false;
    for (const char* ext : {".pwd", ".pwi", ".hwm"})
        if (access((d + ext).c_str(), R_OK) != 0) return false;
    return true;
}

static size_t code_points(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

// libcrack keeps static state and ends the process when its dictionary cannot be opened
// (Debian #682735): callers check the dictionary first, and calls are serialised.
static std::string cracklib_verdict(const std::string& pw, const std::string& dict, const std::string& user) {
    static std::mutex m;
    std::lock_guard<std::mutex> lock(m);
    const char* r = FascistCheckUser(pw.c_str(), dict.c_str(), user.empty() ? nullptr : user.c_str(), nullptr);
    return r ? r : "";
}

std::string password_problem(const std::string& password, const PasswordPolicy& policy, const std::string& user) {
    size_t n = code_points(password);
    if (n < policy.min_length)
        return "Password must be at least " + std::to_string(policy.min_length) + " characters long";
    if (n > PasswordPolicy::kMaxLength)
        return "Password must be at most " + std::to_string(PasswordPolicy::kMaxLength) + " characters long";
    if (!text::valid_utf8(password) || text::has_control_chars(password))
        return "Password must be valid text without control characters";
    if (!password_dictionary_present(policy))
        return "Passwords cannot be checked: the password dictionary " + password_dictionary(policy) +
               " is missing (install cracklib-runtime, or ask an administrator)";
    std::string dict = password_dictionary(policy);
    std::string why = cracklib_verdict(password, dict, user);
    if (why.empty()) {
        // cracklib accepts a dictionary word with digits or symbols around it ("password1234"):
        // check the letters in the middle too.
        size_t b = 0, e = password.size();
        while (b < e && !std::isalpha(static_cast<unsigned char>(password[b]))) ++b;
        while (e > b && !std::isalpha(static_cast<unsigned char>(password[e - 1]))) --e;
        std::string core = password.substr(b, e - b);
        if (core != password && core.size() >= 6 &&
            cracklib_verdict(core, dict, user).find("dictionary word") != std::string::npos)
            why = "it is based on a dictionary word";
    }
    if (!why.empty()) {
        for (char& ch : why) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return "Password is too easy to guess: " + why;
    }
    if (password_entropy(password) < policy.min_entropy)
        return "Password is too simple: use a longer password mixing letters, digits and symbols";
    return "";
}

}  // namespace vidjil::auth
