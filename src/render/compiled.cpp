// Implementation of compiled templates (see compiled.h).
#include "render/compiled.h"

#include <stdexcept>

#include "render/template.h"

namespace vidjil::render {

namespace {

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

}  // namespace

int Compiled::slot_of(const std::string& name) {
    auto it = names_.find(name);
    if (it != names_.end()) return it->second;
    int n = static_cast<int>(names_.size());
    names_.emplace(name, n);
    return n;
}

Compiled::Compiled(const std::string& name) {
    const auto& all = templates();
    auto it = all.find(name);
    if (it == all.end()) throw std::runtime_error("unknown template " + name);
    parse(it->second, name);
}

Compiled Compiled::of_text(const std::string& text) {
    Compiled c;
    c.parse(text, "(text)");
    return c;
}

std::vector<std::string> Compiled::names() const {
    std::vector<std::string> out(names_.size());
    for (const auto& [n, i] : names_) out[static_cast<size_t>(i)] = n;
    return out;
}

void Compiled::parse(const std::string& in, const std::string& name) {
    auto fail = [&](const std::string& why) { throw std::runtime_error("template " + name + ": " + why); };
    std::vector<std::vector<Node>*> open = {&root_};
    std::vector<std::string> open_names;
    std::string text;
    auto flush = [&] {
        if (text.empty()) return;
        Node n;
        n.text = std::move(text);
        open.back()->push_back(std::move(n));
        text.clear();
    };
    for (size_t i = 0; i < in.size();) {
        if (in.compare(i, 2, "{{") == 0) {
            flush();
            size_t end = in.find("}}", i + 2);
            if (end == std::string::npos) fail("unclosed tag");
            std::string tag = in.substr(i + 2, end - i - 2);
            i = end + 2;
            char kind = tag.empty() ? ' ' : tag[0];
            if (kind == '!') continue;
            if (kind == '{' || kind == '&' || kind == '>' || kind == '=') fail("unsupported tag {{" + tag + "}}");
            std::string n = trim(kind == '#' || kind == '^' || kind == '/' ? tag.substr(1) : tag);
            if (n.empty() || n.find('.') != std::string::npos || n.find_first_of(" \t") != std::string::npos)
                fail("unsupported name {{" + tag + "}}");
            if (kind == '/') {
                if (open_names.empty() || open_names.back() != n) fail("unexpected {{/" + n + "}}");
                open.pop_back();
                open_names.pop_back();
                continue;
            }
            Node node;
            node.type = kind == '#' ? Node::Section : kind == '^' ? Node::Inverted : Node::Var;
            node.slot = slot_of(n);
            open.back()->push_back(std::move(node));
            if (kind == '#' || kind == '^') {
                open.push_back(&open.back()->back().children);
                open_names.push_back(n);
            }
            continue;
        }
        size_t nl = in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n' ? 2 : (in[i] == '\n' || in[i] == '\r') ? 1 : 0;
        if (nl) {
            flush();
            Node node;
            node.type = Node::Newline;
            node.text = in.substr(i, nl);
            open.back()->push_back(std::move(node));
            i += nl;
            continue;
        }
        text.push_back(in[i++]);
    }
    flush();
    if (!open_names.empty()) fail("unclosed section " + open_names.back());
}

int Compiled::slot(const std::string& name) const {
    auto it = names_.find(name);
    if (it == names_.end()) throw std::out_of_range("the template has no {{" + name + "}}");
    return it->second;
}

Compiled::Value Compiled::from_json(const Json::Value& v) const {
    Value out;
    switch (v.type()) {
        case Json::nullValue:
            out.kind = Value::False;
            break;
        case Json::booleanValue:
            out.set(v.asBool());
            break;
        case Json::stringValue:
        case Json::intValue:
        case Json::uintValue:
        case Json::realValue:
            out.set(v.asString());
            break;
        case Json::arrayValue:
            out.kind = Value::List;
            for (const auto& e : v) {
                Value item = from_json(e);
                // A list item that is not an object is never looked into by these templates:
                // kept as an object with no slot (its section still renders once).
                out.items.push_back(item.kind == Value::Obj ? std::move(item.items.front()) : object());
            }
            break;
        case Json::objectValue: {
            Object o = object();
            for (const auto& k : v.getMemberNames()) {
                auto it = names_.find(k);
                if (it != names_.end()) o[it->second] = from_json(v[k]);
            }
            out.kind = Value::Obj;
            out.items.push_back(std::move(o));
            break;
        }
    }
    return out;
}

// kainjow::mustache's line buffer, written straight into the output: a line is dropped at its
// end when a section was rendered in it and it holds only spaces and tabs.
struct Compiled::State {
    std::string& out;
    size_t line_start;
    bool section = false;
    std::vector<const Object*> stack;

    const Value* find(int slot) const {
        for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
            const Value& v = (**it)[slot];
            if (v.kind != Value::Absent) return &v;
        }
        return nullptr;
    }
    bool blank_line() const {
        for (size_t i = line_start; i < out.size(); ++i)
            if (out[i] != ' ' && out[i] != '\t') return false;
        return true;
    }
    void end_line(const std::string* newline) {
        if (section && blank_line()) out.resize(line_start);
        else if (newline) out += *newline;
        line_start = out.size();
        section = false;
    }
};

void Compiled::render_nodes(const std::vector<Node>& nodes, State& s) const {
    for (const Node& n : nodes) {
        switch (n.type) {
            case Node::Text:
                s.out += n.text;
                break;
            case Node::Newline:
                s.end_line(&n.text);
                break;
            case Node::Var:
                if (const Value* v = s.find(n.slot); v && v->kind == Value::String) html_escape_append(s.out, v->str);
                break;
            case Node::Section: {
                const Value* v = s.find(n.slot);
                if (!v || v->kind == Value::False || (v->kind == Value::List && v->items.empty())) break;
                if (v->kind == Value::List || v->kind == Value::Obj) {
                    for (const Object& item : v->items) {
                        s.section = true;
                        s.stack.push_back(&item);
                        render_nodes(n.children, s);
                        s.stack.pop_back();
                        s.section = true;
                    }
                } else {  // true or a string: the same context (nothing to look up in them)
                    s.section = true;
                    render_nodes(n.children, s);
                    s.section = true;
                }
                break;
            }
            case Node::Inverted: {
                const Value* v = s.find(n.slot);
                if (v && v->kind != Value::False && !(v->kind == Value::List && v->items.empty())) break;
                s.section = true;
                render_nodes(n.children, s);
                s.section = true;
                break;
            }
        }
    }
}

void Compiled::render(const Object& root, std::string& out) const {
    if (root.size() != names_.size()) throw std::logic_error("render::Compiled: an object of another template");
    State s{out, out.size(), false, {}};
    s.stack.push_back(&root);
    render_nodes(root_, s);
    s.end_line(nullptr);
}

}  // namespace vidjil::render
