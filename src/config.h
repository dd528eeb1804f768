// Server configuration: /etc/vidjil/vidjil.conf (or the file named by $VIDJIL_CONF), a plain
// "KEY = value" file. Every program of the server reads it once at start-up.
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace vidjil {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Config {
public:
    // Loads the file named by $VIDJIL_CONF, else SYSCONFDIR/vidjil/vidjil.conf, and checks it.
    static Config load();
    static Config from_file(const std::string& path);
    static Config from_text(const std::string& text, const std::string& origin = "<text>");
    static std::string default_path();

    std::string get(const std::string& key, const std::string& fallback = "") const;
    int64_t get_int(const std::string& key, int64_t fallback) const;
    bool get_bool(const std::string& key, bool fallback) const;
    std::vector<std::string> get_list(const std::string& key) const;  // space/comma separated
    bool has(const std::string& key) const { return values_.count(key) != 0; }
    // Keys starting with `prefix` (sorted), e.g. every PROGRAM_<NAME>.
    std::vector<std::string> keys_with_prefix(const std::string& prefix) const;
    void set(const std::string& key, const std::string& value) { values_[key] = value; }
    const std::string& origin() const { return origin_; }

    // Refuses configurations that must never run: default or placeholder secrets, bad values.
    void validate() const;

private:
    std::map<std::string, std::string> values_;
    std::string origin_;
};

}  // namespace vidjil
