// The CGI variables of one request ("REQUEST_METHOD", "HTTP_COOKIE", ...), looked up by name.
// A request has about 30 of them and a handful of look-ups: they are copied into one buffer with
// a list of name/value positions and found by a scan that compares lengths first, instead of a
// std::map's node and two strings per variable (issue 13: building and freeing that map was a
// sixth of a persistent program's instructions per request).
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vidjil::http {

class Env {
public:
    Env() = default;
    // From "NAME=value" strings (a CGI environment, FastCGI's envp); a string without '=' is
    // ignored, and of a name given twice the first one is found.
    static Env from_envp(char** envp);
    // From name/value pairs (tests, tools).
    explicit Env(const std::map<std::string, std::string>& vars);

    // The value of `name`, or nothing when it is absent (an empty value is present).
    std::optional<std::string_view> find(std::string_view name) const;
    // The value of `name`, "" when absent.
    std::string get(std::string_view name) const;
    bool has(std::string_view name) const { return find(name).has_value(); }
    // Gives `name` this value (replacing the one it had).
    void set(std::string_view name, std::string_view value);

private:
    struct Var {
        size_t name, name_len, value, value_len;  // positions in text_
    };
    std::string_view name_of(const Var& v) const { return {text_.data() + v.name, v.name_len}; }
    std::string_view value_of(const Var& v) const { return {text_.data() + v.value, v.value_len}; }
    const Var* lookup(std::string_view name) const;
    bool aliases(std::string_view s) const {
        return !text_.empty() && s.data() >= text_.data() && s.data() < text_.data() + text_.size();
    }
    void add(std::string_view name, std::string_view value);

    std::string text_;  // names and values, one after the other
    std::vector<Var> vars_;
};

}  // namespace vidjil::http
