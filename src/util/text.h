// Small string helpers shared by the whole library: trimming, splitting, URL coding, UTF-8
// validation, hex, hashing and random tokens.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vidjil::text {

std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string to_lower(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::string replace_all(std::string s, std::string_view from, std::string_view to);

// Percent-decoding; nullopt on a malformed escape. With plus_is_space, '+' decodes to ' '.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space);
std::string url_encode(std::string_view s);

bool valid_utf8(std::string_view s);
// True if s holds a NUL or another C0 control character other than tab, CR and LF.
bool has_control_chars(std::string_view s);
// For log lines: control characters and backslashes become visible escapes (no log injection).
std::string escape_for_log(std::string_view s, size_t max_len = 2000);

std::string hex(const unsigned char* data, size_t len);
std::string sha256_hex(std::string_view data);
// A token of `bytes` random bytes from the OS CSPRNG, hex-encoded.
std::string random_hex(size_t bytes);
// Constant-time comparison of two strings of possibly different length.
bool equal_consttime(std::string_view a, std::string_view b);
// ASCII case-insensitive equality (HTTP header names), without a copy of either side.
bool iequals(std::string_view a, std::string_view b);

std::optional<int64_t> parse_int(std::string_view s);
// "YYYY-MM-DD" that is a real calendar date.
bool is_date(std::string_view s);
bool is_email(std::string_view s);

}  // namespace vidjil::text
