// A template compiled once per process into literal chunks and slots, for pages that render one
// template thousands of times (sample_set/index: a row per file, 5000 files in a run). The
// template stays a file of templates/ (HTML only there); values are escaped by
// render::html_escape_append, the same escaping as every {{ }} of render(). The output is the
// one render() (kainjow::mustache) gives for the same data, byte for byte, including its
// removal of lines that hold only section tags and white space; the data is a vector per
// object indexed by slot (a name of the template, numbered when compiled) instead of a hash map
// of strings per object.
// Accepted: {{name}}, {{#name}}...{{/name}}, {{^name}}...{{/name}}, {{! comment}}. Anything else
// ({{{ }}}, {{& }}, partials, delimiter changes, dotted names) is refused when compiling.
#pragma once
#include <json/json.h>

#include <map>
#include <string>
#include <vector>

namespace vidjil::render {

class Compiled {
public:
    struct Value;
    using Object = std::vector<Value>;  // one Value per slot of the template
    struct Value {
        // Absent: not in this object (looked up in the enclosing ones, as a missing key).
        enum Kind : unsigned char { Absent, False, True, String, List, Obj } kind = Absent;
        std::string str;
        std::vector<Object> items;  // List: the items; Obj: one
        void set(std::string s) {
            kind = String;
            str = std::move(s);
        }
        void set(bool b) { kind = b ? True : False; }
    };

    // Compiles templates/<name>.html; throws std::runtime_error for an unknown template or a
    // construct it does not accept.
    explicit Compiled(const std::string& name);
    // The same from a template's text (tests).
    static Compiled of_text(const std::string& text);
    // The names of the template, in slot order.
    std::vector<std::string> names() const;
    // The slot of a name used in the template; throws std::out_of_range for another name.
    int slot(const std::string& name) const;
    // An object with every slot absent.
    Object object() const { return Object(names_.size()); }
    // The same mapping as render::from_json (null -> false, numbers as their text, ...) onto
    // slots; keys the template does not use are left out.
    Value from_json(const Json::Value& v) const;
    // Appends the rendering of the template for `root` to `out`.
    void render(const Object& root, std::string& out) const;

private:
    struct Node {
        enum Type { Text, Newline, Var, Section, Inverted } type = Text;
        std::string text;
        int slot = -1;
        std::vector<Node> children;
    };
    struct State;
    Compiled() = default;
    void parse(const std::string& in, const std::string& label);
    void render_nodes(const std::vector<Node>& nodes, State& s) const;
    int slot_of(const std::string& name);

    std::vector<Node> root_;
    std::map<std::string, int> names_;
};

}  // namespace vidjil::render
