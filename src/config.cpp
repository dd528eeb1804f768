// Implementation of the configuration file reader (see config.h).
#include "config.h"

#include <cstdlib>

#include "util/fs.h"
#include "util/text.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

namespace vidjil {

std::string Config::default_path() {
    const char* env = std::getenv("VIDJIL_CONF");
    if (env && *env) return env;
    return std::string(SYSCONFDIR) + "/vidjil/vidjil.conf";
}

Config Config::load() {
    Config c = from_file(default_path());
    c.validate();
    return c;
}

Config Config::from_file(const std::string& path) {
    std::string text;
    try {
        text = fs::read_file(path, 1 << 20);
    } catch (const std::exception& e) {
        throw ConfigError("cannot read configuration file " + path + " (set VIDJIL_CONF to its path)");
    }
    return from_text(text, path);
}

Config Config::from_text(const std::string& text, const std::string& origin) {
    Config c;
    c.origin_ = origin;
    int lineno = 0;
    for (const std::string& raw : text::split(text, '\n')) {
        ++lineno;
        std::string line = text::trim(raw);
        if (line.empty() || line[0] == '#') continue;
        size_t eq = line.find('=');
        if (eq == std::string::npos)
            throw ConfigError(origin + ":" + std::to_string(lineno) + ": expected KEY = value");
        std::string key = text::trim(line.substr(0, eq));
        std::string value = text::trim(line.substr(eq + 1));
        if (value.size() >= 2 && ((value.front() == '"' && value.back() == '"') ||
                                  (value.front() == '\'' && value.back() == '\'')))
            value = value.substr(1, value.size() - 2);
        if (key.empty()) throw ConfigError(origin + ":" + std::to_string(lineno) + ": empty key");
        c.values_[key] = value;
    }
    return c;
}

std::string Config::get(const std::string& key, const std::string& fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
}

std::vector<std::string> Config::keys_with_prefix(const std::string& prefix) const {
    std::vector<std::string> out;
    for (auto it = values_.lower_bound(prefix); it != values_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
        out.push_back(it->first);
    return out;
}

int64_t Config::get_int(const std::string& key, int64_t fallback) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.empty()) return fallback;
    auto v = text::parse_int(it->second);
    if (!v) throw ConfigError(origin_ + ": " + key + " must be a whole number");
    return *v;
}

bool Config::get_bool(const std::string& key, bool fallback) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.empty()) return fallback;
    std::string v = text::to_lower(it->second);
    if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
    if (v == "0" || v == "false" || v == "no" || v == "off") return false;
    throw ConfigError(origin_ + ": " + key + " must be true or false");
}

std::vector<std::string> Config::get_list(const std::string& key) const {
    std::vector<std::string> out;
    std::string v = text::replace_all(get(key), ",", " ");
    for (const std::string& item : text::split(v, ' '))
        if (!text::trim(item).empty()) out.push_back(text::trim(item));
    return out;
}

void Config::validate() const {
    static const char* placeholders[] = {"CHANGE_ME", "changeme", "rootpass", "password",
                                         "<my secret key>", "mysql_root_password", "vidjil"};
    std::string pw = get("DB_PASSWORD");
    for (const char* p : placeholders)
        if (pw == p)
            throw ConfigError(origin_ + ": DB_PASSWORD is still a default value ('" + pw +
                              "'): set a real password before starting the server");
    std::string samesite = get("SESSION_SAMESITE", "Lax");
    if (samesite != "Lax" && samesite != "Strict" && samesite != "None")
        throw ConfigError(origin_ + ": SESSION_SAMESITE must be Lax, Strict or None");
    for (const std::string& o : get_list("CLIENT_ORIGINS"))
        if (!text::starts_with(o, "http://") && !text::starts_with(o, "https://"))
            throw ConfigError(origin_ + ": CLIENT_ORIGINS entries must look like https://host[:port]");
    if (get_int("MAX_WRONG_PASSWORDS", 5) < 1) throw ConfigError(origin_ + ": MAX_WRONG_PASSWORDS must be >= 1");
    if (get_int("LOGIN_EXPIRATION_TIME", 3600) < 60)
        throw ConfigError(origin_ + ": LOGIN_EXPIRATION_TIME must be at least 60 seconds");
}

}  // namespace vidjil
