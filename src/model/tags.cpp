// Tags (see tags.h).
#include "model/tags.h"

#include "model/acl.h"
#include "util/text.h"

namespace vidjil::model {

namespace {
constexpr size_t kMaxTagBytes = 255;  // tag.name is VARCHAR(255)

bool tag_char(unsigned char c) {
    // ASCII word characters and '-', and every byte of a multi-byte UTF-8 character (letters of
    // other scripts, as Python's \w accepts them).
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c >= 0x80;
}
}  // namespace

std::vector<std::string> extract_tags(const std::string& text) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '#') continue;
        size_t j = i + 1;
        while (j < text.size() && tag_char(static_cast<unsigned char>(text[j]))) ++j;
        std::string tag = text.substr(i + 1, j - i - 1);
        i = j - 1;
        if (tag.empty() || tag.size() > kMaxTagBytes || !text::valid_utf8(tag)) continue;
        if (seen.insert(text::to_lower(tag)).second) out.push_back(tag);
    }
    return out;
}

void register_tags(db::Connection& db, const std::string& table, int64_t record_id, const std::string& text,
                   std::optional<int64_t> group) {
    db.exec("DELETE FROM tag_ref WHERE table_name = ? AND record_id = ?", {table, record_id});
    for (const std::string& name : extract_tags(text)) {
        // tag.name is UNIQUE (case-insensitive collation): a concurrent insert is not an error.
        db.exec("INSERT IGNORE INTO tag (name) VALUES (?)", {name});
        auto t = db.query_one("SELECT id FROM tag WHERE name = ?", {name});
        if (!t) continue;
        int64_t tag_id = t->integer(0);
        db.exec("INSERT INTO tag_ref (tag_id, table_name, record_id) VALUES (?, ?, ?)", {tag_id, table, record_id});
        if (group && !db.query_one("SELECT id FROM group_tag WHERE group_id = ? AND tag_id = ?", {*group, tag_id}))
            db.exec("INSERT INTO group_tag (group_id, tag_id) VALUES (?, ?)", {*group, tag_id});
    }
}

std::map<int64_t, std::vector<std::pair<int64_t, std::string>>> tags_of_groups(db::Connection& db,
                                                                                const std::set<int64_t>& groups) {
    std::map<int64_t, std::vector<std::pair<int64_t, std::string>>> out;
    if (groups.empty()) return out;
    db::Params p;
    for (int64_t g : groups) p.emplace_back(static_cast<long long>(g));
    for (const auto& r : db.query("SELECT gt.group_id, t.id, t.name FROM group_tag gt JOIN tag t ON t.id = gt.tag_id "
                                  "WHERE gt.group_id IN (" + placeholders(groups.size()) + ") ORDER BY t.name, t.id",
                                  p))
        out[r.integer(0)].emplace_back(r.integer(1), r.str(2));
    return out;
}

}  // namespace vidjil::model
