// Implementation of the CGI variables of a request (see env.h).
#include "http/env.h"

#include <cstring>

namespace vidjil::http {

Env Env::from_envp(char** envp) {
    Env e;
    size_t n = 0, bytes = 0;
    for (char** p = envp; p && *p; ++p, ++n) bytes += std::strlen(*p);
    e.text_.reserve(bytes);
    e.vars_.reserve(n);
    for (char** p = envp; p && *p; ++p) {
        std::string_view s(*p);
        size_t eq = s.find('=');
        if (eq == std::string_view::npos) continue;
        e.add(s.substr(0, eq), s.substr(eq + 1));  // a repeated name: look-ups find the first
    }
    return e;
}

Env::Env(const std::map<std::string, std::string>& vars) {
    vars_.reserve(vars.size());
    for (const auto& [name, value] : vars) add(name, value);
}

const Env::Var* Env::lookup(std::string_view name) const {
    for (const Var& v : vars_)
        if (v.name_len == name.size() && std::memcmp(text_.data() + v.name, name.data(), name.size()) == 0) return &v;
    return nullptr;
}

std::optional<std::string_view> Env::find(std::string_view name) const {
    const Var* v = lookup(name);
    if (!v) return std::nullopt;
    return value_of(*v);
}

std::string Env::get(std::string_view name) const {
    const Var* v = lookup(name);
    return v ? std::string(value_of(*v)) : std::string();
}

void Env::add(std::string_view name, std::string_view value) {
    if (aliases(name) || aliases(value)) {  // a view into text_, which append may move
        std::string n(name), val(value);
        add(n, val);
        return;
    }
    Var v{text_.size(), name.size(), text_.size() + name.size(), value.size()};
    text_.append(name);
    text_.append(value);
    vars_.push_back(v);
}

// The first variable of that name is the one look-ups find: it gets the value.
void Env::set(std::string_view name, std::string_view value) {
    if (aliases(value)) {
        std::string val(value);
        set(name, val);
        return;
    }
    // The old value's bytes stay in text_ (a request sets one or two variables).
    for (Var& v : vars_)
        if (name_of(v) == name) {
            v.value = text_.size();
            v.value_len = value.size();
            text_.append(value);
            return;
        }
    add(name, value);
}

}  // namespace vidjil::http
