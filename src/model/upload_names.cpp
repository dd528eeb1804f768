// Stored file names of upload fields (see upload_names.h).
#include "model/upload_names.h"

#include <algorithm>
#include <cctype>

#include "util/fs.h"
#include "util/text.h"

namespace vidjil::model {

static std::string b64url(const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
    }
    if (i + 1 == in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
    }
    return out;
}

static std::optional<std::string> unb64url(const std::string& in) {
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (char c : in) {
        int d;
        if (c >= 'A' && c <= 'Z') d = c - 'A';
        else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
        else if (c >= '0' && c <= '9') d = c - '0' + 52;
        else if (c == '-' || c == '+') d = 62;
        else if (c == '_' || c == '/') d = 63;
        else if (c == '=') break;
        else return std::nullopt;
        v = (v << 6) | static_cast<unsigned>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((v >> bits) & 0xFF));
        }
    }
    return out;
}

std::string stored_name(const std::string& table, const std::string& field, const std::string& original,
                        size_t length) {
    std::string base = fs::basename(original);
    std::string ext = "txt";
    size_t dot = base.rfind('.');
    if (dot != std::string::npos && dot + 1 < base.size()) {
        std::string e = base.substr(dot + 1);
        bool word = e.size() <= 5;
        for (char c : e) word = word && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (word) ext = e;
    }
    // A file name of the file system holds at most NAME_MAX (255) bytes, whatever the column
    // size: the original name is shortened (at a UTF-8 character boundary, so that the part
    // kept still decodes) until its encoding fits. The row keeps the full original name.
    size_t max = std::min<size_t>(length, kNameMax);
    std::string prefix = table + "." + field + "." + text::random_hex(8) + ".";
    size_t room = max > prefix.size() + 1 + ext.size() ? max - prefix.size() - 1 - ext.size() : 0;
    size_t keep = std::min(base.size(), room / 4 * 3);
    while (keep > 0 && keep < base.size() && (static_cast<unsigned char>(base[keep]) & 0xC0) == 0x80) --keep;
    std::string name = prefix + b64url(base.substr(0, keep));
    if (name.size() > max - 1 - ext.size()) name.resize(max - 1 - ext.size());  // absurd table/field names only
    return name + "." + ext;
}

std::optional<std::string> original_name(const std::string& stored) {
    auto parts = text::split(stored, '.');
    if (parts.size() < 5) return std::nullopt;
    const std::string& enc = parts[3];
    bool hex = !enc.empty() && enc.size() % 2 == 0;
    for (char c : enc) hex = hex && std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c));
    if (hex) {
        std::string out;
        for (size_t i = 0; i < enc.size(); i += 2) out.push_back(static_cast<char>(std::stoi(enc.substr(i, 2), nullptr, 16)));
        if (text::valid_utf8(out)) return out;
    }
    auto dec = unb64url(enc);
    if (dec && text::valid_utf8(*dec)) return dec;
    return std::nullopt;
}

bool is_safe_stored_name(const std::string& name) {
    if (name.empty() || name.size() > 400 || name == "." || name.find("..") != std::string::npos) return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '=')) return false;
    return true;
}

}  // namespace vidjil::model
