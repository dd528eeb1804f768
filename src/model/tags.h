// Tags (model.md §1.5): `#words` of info texts recorded in tag / tag_ref / group_tag so that
// sets and samples can be searched by tag, and tag auto-completion per group.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

// The tags of a text: words after '#' made of letters, digits, '_' and '-' (the original's
// #([\w-]+), Unicode letters included), without '#', in order, without duplicates (compared
// case-insensitively, as the tag table does).
std::vector<std::string> extract_tags(const std::string& text);

// Replaces the tag references of (table, record) by the tags of `text`, creating missing tags
// and making them known to `group` for auto-completion.
void register_tags(db::Connection& db, const std::string& table, int64_t record_id, const std::string& text,
                   std::optional<int64_t> group);

// Tags known to each group (group_tag), by group id: {id, name}.
std::map<int64_t, std::vector<std::pair<int64_t, std::string>>> tags_of_groups(db::Connection& db,
                                                                                const std::set<int64_t>& groups);

}  // namespace vidjil::model
