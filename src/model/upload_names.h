// Stored file names of the original's upload fields (model.md §0): every file the server keeps
// is named <table>.<field>.<16 hex>.<urlsafe base64 of the original basename>.<ext>, so that
// an imported database finds its files and the original name can be recovered.
#pragma once
#include <optional>
#include <string>

namespace vidjil::model {

// Longest file name of the file systems (NAME_MAX): no stored name is longer.
constexpr size_t kNameMax = 255;
// A new stored name for `original_name` (only its basename is used, shortened at a UTF-8
// character boundary when needed). `length` is the column size (400 for the upload columns);
// the result never exceeds kNameMax bytes either.
std::string stored_name(const std::string& table, const std::string& field, const std::string& original_name,
                        size_t length = 400);
// The original basename encoded in a stored name (base16 for web2py-era names, else base64);
// nullopt if the name is not in that format.
std::optional<std::string> original_name(const std::string& stored);
// True when `name` is a plain stored name (no '/', no "..", only [A-Za-z0-9._=-]): safe to
// join to a storage directory.
bool is_safe_stored_name(const std::string& name);

}  // namespace vidjil::model
