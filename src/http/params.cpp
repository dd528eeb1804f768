// Implementation of typed parameter validation (see params.h).
#include "http/params.h"

#include "http/response.h"
#include "util/text.h"

namespace vidjil::http {

std::string Params::get(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() || it->second.empty() ? fallback : it->second.front();
}

std::optional<int64_t> Params::get_int(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return text::parse_int(it->second.front());
}

int64_t Params::get_int(const std::string& name, int64_t fallback) const {
    return get_int(name).value_or(fallback);
}

static std::optional<bool> parse_bool(const std::string& v) {
    std::string l = text::to_lower(v);
    if (l == "true" || l == "1" || l == "on" || l == "yes") return true;
    if (l == "false" || l == "0" || l == "off" || l == "no" || l.empty()) return false;
    return std::nullopt;
}

bool Params::get_bool(const std::string& name, bool fallback) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return fallback;
    return parse_bool(it->second.front()).value_or(fallback);
}

std::vector<std::string> Params::list(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>() : it->second;
}

std::vector<int64_t> Params::int_list(const std::string& name) const {
    std::vector<int64_t> out;
    std::vector<std::string> values = list(name);
    if (values.size() > kMaxListValues)
        throw BadRequest("Parameter '" + name + "' has too many values (at most " + std::to_string(kMaxListValues) + ").");
    for (const auto& v : values)
        if (auto n = text::parse_int(v)) out.push_back(*n);
    return out;
}

const Json::Value& Params::json(const std::string& name) const {
    static const Json::Value null_value;
    auto it = json_.find(name);
    return it == json_.end() ? null_value : it->second;
}

static std::string check(const ParamSpec& s, const std::string& v, Json::Value* json_out) {
    if (v.size() > s.max_len) return "is too long (at most " + std::to_string(s.max_len) + " bytes)";
    if (!text::valid_utf8(v)) return "is not valid UTF-8 text";
    switch (s.type) {
        case Type::Text:
            if (text::has_control_chars(v)) return "contains control characters";
            return "";
        case Type::Int:
            return text::parse_int(v) ? "" : "must be a whole number";
        case Type::Id: {
            auto n = text::parse_int(v);
            return n && *n > 0 ? "" : "must be a positive whole number";
        }
        case Type::Bool:
            return parse_bool(v) ? "" : "must be true or false";
        case Type::Email:
            return v.empty() || text::is_email(v) ? "" : "must be an e-mail address";
        case Type::Date:
            return v.empty() || text::is_date(v) ? "" : "must be a date written YYYY-MM-DD";
        case Type::Json: {
            std::string err;
            if (!json_parse(v, *json_out, &err)) return "is not valid JSON: " + err;
            return "";
        }
    }
    return "";
}

Params Params::validate(const Request& req, const std::vector<ParamSpec>& specs) {
    Params p;
    for (const ParamSpec& s : specs) {
        const std::vector<std::string>* values = nullptr;
        if (s.from == From::Any) {
            auto f = req.form.find(s.name);
            if (f != req.form.end()) values = &f->second;
        }
        if (!values) {
            auto q = req.query.find(s.name);
            if (q != req.query.end()) values = &q->second;
        }
        if (!values || values->empty()) {
            if (s.required) throw BadRequest("Missing parameter '" + s.name + "'.");
            continue;
        }
        // An empty typed value ("config_id=") means "not given", as a form with a blank field.
        bool typed = s.type != Type::Text && s.type != Type::Json;
        if (typed && values->size() == 1 && values->front().empty()) {
            if (s.required) throw BadRequest("Missing parameter '" + s.name + "'.");
            continue;
        }
        for (const std::string& v : *values) {
            Json::Value parsed;
            std::string problem = check(s, v, &parsed);
            if (!problem.empty()) throw BadRequest("Parameter '" + s.name + "' " + problem + ".");
            if (s.type == Type::Json) p.json_[s.name] = parsed;
        }
        p.values_[s.name] = *values;
    }
    return p;
}

}  // namespace vidjil::http
