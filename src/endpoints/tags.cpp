// Handler of tag/auto_complete: the tags each of the user's groups knows, for the info fields'
// auto-completion (api.md §3.14). Only the user's own groups are answered (the original
// returned the tags of any group id it was given).
#include "endpoints/sets.h"
#include "model/tags.h"
#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

static Response tag_error(const std::string& message) {
    Json::Value v(Json::objectValue);
    v["success"] = "false";
    v["message"] = message;
    return Response::json_text(v);
}

Response tag_auto_complete(Context& c) {
    const Json::Value& keys = c.params.json("keys");
    if (!c.params.has("keys")) return tag_error("missing group ids");
    if (!keys.isArray()) return tag_error("Group ids are not in a correct format (a JSON list is expected)");
    auto& perm = c.perm();
    std::set<int64_t> mine = perm.groups();
    std::vector<int64_t> asked;
    for (const auto& k : keys) {
        std::optional<int64_t> id;
        if (k.isIntegral()) id = k.asLargestInt();
        else if (k.isString()) id = text::parse_int(text::trim(k.asString()));
        if (!id) return tag_error("Group ids are not in a correct format (" + http::msg_value(text::escape_for_log(http::json_compact(k), 40)) + ")");
        if (perm.is_admin() || mine.count(*id)) asked.push_back(*id);
    }
    std::set<int64_t> wanted(asked.begin(), asked.end());
    std::optional<int64_t> pub = perm.public_group();
    if (pub) wanted.insert(*pub);
    auto tags = model::tags_of_groups(c.db, wanted);
    Json::Value v(Json::objectValue);
    for (int64_t g : asked) {
        Json::Value list(Json::arrayValue);
        std::set<int64_t> seen;
        for (int64_t source : {g, pub.value_or(g)})
            for (const auto& [id, name] : tags[source])
                if (seen.insert(id).second) {
                    Json::Value t(Json::objectValue);
                    t["id"] = static_cast<Json::Int64>(id);
                    t["name"] = name;
                    list.append(t);
                }
        v[std::to_string(g)] = list;
    }
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
