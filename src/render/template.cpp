// Implementation of template rendering (see template.h).
#include "render/template.h"

#include <map>
#include <memory>
#include <stdexcept>

namespace vidjil::render {

namespace {

// templates/partials/<p>.html are the partials: {{> partials/<p>}} (names with a '/' never clash
// with a view-model key). They are written into the template's text before it is parsed: given
// as partials at render time, mustache parsed a partial again wherever it is rendered (for each
// row of a list: a third of sample_set/all's instructions) and the page's data was copied to
// carry them. The same output, since a partial renders in the context where it stands; a
// partial's trailing newlines are dropped, as before.
std::string with_partials(const std::string& text, int depth = 0) {
    if (text.find("{{>") == std::string::npos) return text;
    if (depth > 8) throw std::runtime_error("partials nested too deeply (a partial includes itself?)");
    const auto& all = templates();
    std::string out;
    size_t pos = 0;
    while (true) {
        size_t open = text.find("{{>", pos);
        if (open == std::string::npos) break;
        size_t close = text.find("}}", open);
        if (close == std::string::npos) break;
        std::string name = text.substr(open + 3, close - open - 3);
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        auto it = name.rfind("partials/", 0) == 0 ? all.find(name) : all.end();
        out.append(text, pos, open - pos);
        if (it == all.end()) {
            out.append(text, open, close + 2 - open);  // unknown: left to mustache (renders nothing)
        } else {
            std::string body = with_partials(it->second, depth + 1);
            while (!body.empty() && body.back() == '\n') body.pop_back();
            out += body;
        }
        pos = close + 2;
    }
    out.append(text, pos, std::string::npos);
    return out;
}

// Parsed templates, kept by the process: parsing was most of a page's cost in a persistent
// process (issue 13). A template whose rendering failed is parsed again next time.
kainjow::mustache::mustache& parsed(const std::string& name, const std::string& text) {
    static std::map<std::string, std::unique_ptr<kainjow::mustache::mustache>> cache;
    auto& slot = cache[name];
    if (!slot || !slot->is_valid()) {
        slot = std::make_unique<kainjow::mustache::mustache>(with_partials(text));
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
    std::string out = tmpl.render(data);
    if (!tmpl.is_valid()) throw std::runtime_error("template " + name + ": " + tmpl.error_message());
    return out;
}

// mustache's set() and push_back() copy the value they are given: building a tree with them
// copied every subtree once per level above it (a third of sample_set/all's instructions). Each
// child is added empty, then the converted value is moved into it: the map or list that holds
// the child is ours and not const, only get()/list_value() hand it out as const.
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
            // Room for every element first: the list's vector copies its elements when it grows
            // (mustache's move constructor is not noexcept).
            const_cast<kainjow::mustache::list&>(l.list_value()).reserve(v.size());
            for (const auto& e : v) {
                l.push_back(Data(false));
                const_cast<Data&>(l.list_value().back()) = from_json(e);
            }
            return l;
        }
        case Json::objectValue: {
            Data m;
            for (auto it = v.begin(); it != v.end(); ++it) {
                const std::string key = it.name();
                m.set(key, Data(false));
                *const_cast<Data*>(m.get(key)) = from_json(*it);
            }
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
