// Implementation of template rendering (see template.h).
#include "render/template.h"

#include <map>
#include <memory>
#include <stdexcept>

namespace vidjil::render {

namespace {

// Parsed templates, kept by the process: parsing was most of a page's cost in a persistent
// process (issue 13). A template whose rendering failed is parsed again next time.
kainjow::mustache::mustache& parsed(const std::string& name, const std::string& text) {
    static std::map<std::string, std::unique_ptr<kainjow::mustache::mustache>> cache;
    auto& slot = cache[name];
    if (!slot || !slot->is_valid()) {
        slot = std::make_unique<kainjow::mustache::mustache>(text);
        slot->set_custom_escape(html_escape);  // the one escaper (the same as kainjow's own)
    }
    return *slot;
}

}  // namespace

std::string render(const std::string& name, const Data& data) {
    const auto& all = templates();
    auto it = all.find(name);
    if (it == all.end()) throw std::runtime_error("unknown template " + name);
    kainjow::mustache::mustache& tmpl = parsed(name, it->second);
    if (!tmpl.is_valid()) throw std::runtime_error("template " + name + ": " + tmpl.error_message());
    if (it->second.find("{{>") == std::string::npos) return tmpl.render(data);
    // templates/partials/<p>.html are the partials: {{> partials/<p>}} (names with a '/' never
    // clash with a view-model key).
    Data with_partials = data;
    for (const auto& [pname, text] : all)
        if (pname.rfind("partials/", 0) == 0) {
            std::string body = text;
            while (!body.empty() && body.back() == '\n') body.pop_back();
            with_partials.set(pname, kainjow::mustache::partial([body]() { return body; }));
        }
    std::string out = tmpl.render(with_partials);
    if (!tmpl.is_valid()) throw std::runtime_error("template " + name + ": " + tmpl.error_message());
    return out;
}

Data from_json(const Json::Value& v) {
    switch (v.type()) {
        case Json::nullValue:
            return Data(false);
        case Json::booleanValue:
            return Data(v.asBool());
        case Json::stringValue:
            return Data(v.asString());
        case Json::intValue:
        case Json::uintValue:
        case Json::realValue:
            return Data(v.asString());
        case Json::arrayValue: {
            Data l = list();
            for (const auto& e : v) l.push_back(from_json(e));
            return l;
        }
        case Json::objectValue: {
            Data m;
            for (const auto& k : v.getMemberNames()) m.set(k, from_json(v[k]));
            return m;
        }
    }
    return Data(false);
}

void html_escape_append(std::string& out, const std::string& s) {
    size_t from = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char* e;
        switch (s[i]) {
            case '&': e = "&amp;"; break;
            case '<': e = "&lt;"; break;
            case '>': e = "&gt;"; break;
            case '"': e = "&quot;"; break;
            case '\'': e = "&apos;"; break;
            default: continue;
        }
        out.append(s, from, i - from);
        out += e;
        from = i + 1;
    }
    out.append(s, from, std::string::npos);
}

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    html_escape_append(out, s);
    return out;
}

std::string js_string(const std::string& s) {
    static const char* digits = "0123456789abcdef";
    std::string out = "\"";
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'' || c < 0x20) {
            out += "\\u00";
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 15]);
        } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
            out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out + "\"";
}

}  // namespace vidjil::render
