// Raw top-level members of a JSON object (see json_spans.h).
#include "vidjil/json_spans.h"

#include <cctype>
#include <cstring>

#include "vidjil/vidjil_file.h"

namespace vidjil::files {

namespace {

class Scanner {
public:
    Scanner(std::string_view text, const std::string& what) : s_(text), what_(what) {}

    [[noreturn]] void fail(const std::string& why) const {
        throw FormatError(what_ + ": not a valid JSON result (" + why + " at byte " + std::to_string(pos_) + ")");
    }
    void blanks() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
    }
    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    size_t pos() const { return pos_; }

    // A string starting at the current '"'; leaves the position after the closing quote.
    void skip_string() {
        ++pos_;
        for (;;) {
            const void* q = std::memchr(s_.data() + pos_, '"', s_.size() - pos_);
            if (!q) fail("unterminated string");
            size_t quote = static_cast<size_t>(static_cast<const char*>(q) - s_.data());
            // The quote ends the string unless an odd number of backslashes precede it.
            size_t back = 0;
            while (quote - back > pos_ && s_[quote - back - 1] == '\\') ++back;
            for (size_t i = pos_; i < quote; ++i)
                if (static_cast<unsigned char>(s_[i]) < 0x20) {
                    pos_ = i;
                    fail("control character in a string");
                }
            pos_ = quote + 1;
            if (back % 2 == 0) return;
        }
    }

    void skip_value() {
        blanks();
        char c = peek();
        if (c == '"') return skip_string();
        if (c == '{' || c == '[') return skip_container();
        size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] != '\0' && std::strchr("0123456789+-.eEtruefalsn", s_[pos_])) ++pos_;
        std::string_view word = s_.substr(start, pos_ - start);
        if (word.empty()) fail("unexpected character");
        if (std::isalpha(static_cast<unsigned char>(word[0])) && word != "true" && word != "false" && word != "null")
            fail("unknown literal");
    }

private:
    void skip_container() {
        std::string stack;
        do {
            if (pos_ >= s_.size()) fail("unterminated object or list");
            char c = s_[pos_];
            if (c == '"') {
                skip_string();
                continue;
            }
            if (c == '{' || c == '[') stack.push_back(c == '{' ? '}' : ']');
            else if (c == '}' || c == ']') {
                if (stack.empty() || stack.back() != c) fail("mismatched bracket");
                stack.pop_back();
            }
            ++pos_;
        } while (!stack.empty());
    }

    std::string_view s_;
    const std::string& what_;
    size_t pos_ = 0;
};

std::string decode_key(std::string_view raw, const std::string& what) {
    if (raw.find('\\') == std::string_view::npos) return std::string(raw.substr(1, raw.size() - 2));
    Json::Value v = parse_json(std::string(raw), what);
    return v.asString();
}

}  // namespace

std::vector<RawMember> split_object(std::string_view text, const std::string& what) {
    Scanner sc(text, what);
    std::vector<RawMember> out;
    sc.blanks();
    sc.expect('{');
    sc.blanks();
    if (sc.peek() == '}') {
        sc.expect('}');
    } else {
        for (;;) {
            sc.blanks();
            if (sc.peek() != '"') sc.fail("expected a key");
            size_t k = sc.pos();
            sc.skip_string();
            std::string_view raw_key = text.substr(k, sc.pos() - k);
            sc.blanks();
            sc.expect(':');
            sc.blanks();
            size_t v = sc.pos();
            sc.skip_value();
            out.push_back({decode_key(raw_key, what), raw_key, text.substr(v, sc.pos() - v)});
            sc.blanks();
            if (sc.peek() == ',') {
                sc.expect(',');
                continue;
            }
            sc.expect('}');
            break;
        }
    }
    sc.blanks();
    if (!sc.at_end()) sc.fail("text after the end of the object");
    return out;
}

std::string join_object(const std::vector<RawMember>& members,
                        const std::vector<std::pair<std::string, Json::Value>>& replace) {
    size_t size = 2;
    for (const RawMember& m : members) size += m.raw_key.size() + m.value.size() + 2;
    std::string out;
    out.reserve(size + 4096);
    out.push_back('{');
    bool first = true;
    auto comma = [&] {
        if (!first) out.push_back(',');
        first = false;
    };
    std::vector<bool> used(replace.size(), false);
    for (const RawMember& m : members) {
        size_t i = 0;
        while (i < replace.size() && replace[i].first != m.key) ++i;
        if (i == replace.size()) {
            comma();
            out.append(m.raw_key);
            out.push_back(':');
            out.append(m.value);
            continue;
        }
        if (used[i]) continue;  // a duplicate key of the file: written once
        used[i] = true;
        if (replace[i].second.isNull()) continue;
        comma();
        out += write_compact(Json::Value(m.key)) + ":" + write_compact(replace[i].second);
    }
    for (size_t i = 0; i < replace.size(); ++i) {
        if (used[i] || replace[i].second.isNull()) continue;
        comma();
        out += write_compact(Json::Value(replace[i].first)) + ":" + write_compact(replace[i].second);
    }
    out.push_back('}');
    return out;
}

}  // namespace vidjil::files
