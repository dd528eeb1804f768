// libFuzzer harness for the typed parameters that carry JSON (data=... of save_analysis,
// run_all_patients, ...): http::Params::validate with Type::Json on a form value, which parses
// with http::json_parse. Oracle: what parses once is written back (json_compact) to a text
// that parses again and is written identically.
#include <string>

#include "fuzz/harnesses.h"
#include "http/params.h"
#include "http/request.h"
#include "http/response.h"

using namespace vidjil;

int vidjil::fuzz::params_json(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    http::Request r;
    r.method = "POST";
    r.form["data"].push_back(input);
    r.query["id"].push_back(input.substr(0, 24));
    try {
        http::Params p = http::Params::validate(r, {http::req("data", http::Type::Json, http::From::Any, 1u << 20),
                                                    http::opt("id", http::Type::Id)});
        const Json::Value& v = p.json("data");
        std::string once = http::json_compact(v);
        Json::Value again;
        if (!http::json_parse(once, again)) __builtin_trap();
        if (http::json_compact(again) != once) __builtin_trap();
        http::json_pretty(v);
        if (v.isObject())
            for (const auto& k : v.getMemberNames()) (void)v[k].isString();
    } catch (const http::BadRequest&) {
    }
    return 0;
}

VIDJIL_FUZZ_ENTRY(params_json)
