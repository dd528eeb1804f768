// Typed parameter declarations for a route (kcgi style): each endpoint lists the keys it
// accepts; unknown keys are dropped and a value that fails its validator never reaches the
// handler (the request is answered 400 with a message naming the parameter).
#pragma once
#include <json/json.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/request.h"

namespace vidjil::http {

enum class Type {
    Text,   // valid UTF-8, no control characters except tab/CR/LF
    Int,    // a whole number (may be negative, e.g. config_id=-1)
    Id,     // a whole number > 0
    Bool,   // true/false/True/False/1/0/on/off
    Email,
    Date,   // YYYY-MM-DD, or empty
    Json,   // a JSON document
};

enum class From {
    Any,    // P(x) of the original: query string or body, the body wins
    Query,  // Q(x): the query string only
};

struct ParamSpec {
    std::string name;
    Type type = Type::Text;
    bool required = false;
    From from = From::Any;
    size_t max_len = 65536;
};

// Short constructors so route tables read well: {opt("filter"), req("id", Type::Id), ...}
inline ParamSpec opt(std::string n, Type t = Type::Text, From f = From::Any, size_t max = 65536) {
    return ParamSpec{std::move(n), t, false, f, max};
}
inline ParamSpec req(std::string n, Type t = Type::Text, From f = From::Any, size_t max = 65536) {
    return ParamSpec{std::move(n), t, true, f, max};
}

// Most values a list parameter (ids=1&ids=2...) may carry.
inline constexpr size_t kMaxListValues = 1000;

// The validated parameters of one request.
class Params {
public:
    bool has(const std::string& name) const { return values_.count(name) != 0; }
    // First value (or fallback when absent).
    std::string get(const std::string& name, const std::string& fallback = "") const;
    std::optional<int64_t> get_int(const std::string& name) const;
    int64_t get_int(const std::string& name, int64_t fallback) const;
    bool get_bool(const std::string& name, bool fallback = false) const;
    std::vector<std::string> list(const std::string& name) const;
    // The whole numbers among the values; throws BadRequest (400) beyond kMaxListValues (each
    // becomes an SQL IN-list placeholder).
    std::vector<int64_t> int_list(const std::string& name) const;
    const Json::Value& json(const std::string& name) const;

    // Validates `req` against `specs`; throws BadRequest with a human message.
    static Params validate(const Request& req, const std::vector<ParamSpec>& specs);

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::map<std::string, Json::Value> json_;
};

}  // namespace vidjil::http
