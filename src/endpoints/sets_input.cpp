// Validation and saving of posted sets (see sets_input.h).
#include "endpoints/sets_input.h"

#include "model/tags.h"
#include "util/text.h"

namespace vidjil::endpoints::sets {

namespace {

constexpr size_t kMaxName = 512;     // VARCHAR(512) columns
constexpr size_t kMaxInfo = 65535;

// A posted value as text: strings as they are, numbers written out, null/absent as "".
bool scalar_text(const Json::Value& v, std::string& out) {
    if (v.isNull()) out.clear();
    else if (v.isString()) out = v.asString();
    else if (v.isIntegral()) out = std::to_string(v.asLargestInt());
    else if (v.isBool()) out = v.asBool() ? "true" : "false";
    else return false;
    return true;
}

void check_text(SetInput& in, const std::string& field, const std::string& value, size_t max, bool is_name) {
    if (value.size() > max) in.errors.push_back({field, "is too long (at most " + std::to_string(max) + " bytes)"});
    else if (!text::valid_utf8(value)) in.errors.push_back({field, "is not valid UTF-8 text"});
    else if (text::has_control_chars(value) || (is_name && value.find_first_of("\t\r\n") != std::string::npos))
        in.errors.push_back({field, "contains control characters"});
    else if (is_name && value.find('|') != std::string::npos)
        in.errors.push_back({field, "must not contain '|'"});
}

}  // namespace

const std::vector<std::string>& set_fields(const std::string& type) {
    static const std::vector<std::string> patient = {"id_label", "first_name", "last_name", "birth", "info"};
    static const std::vector<std::string> run = {"id_label", "name", "run_date", "info", "sequencer", "pcr"};
    static const std::vector<std::string> generic = {"name", "info"};
    return type == "patient" ? patient : type == "run" ? run : generic;
}

SetInput read_set(const Json::Value& obj, const std::string& type, bool keep_names) {
    SetInput in;
    in.posted = obj;
    in.set.type = type;
    if (!obj.isObject()) {
        in.errors.push_back({"", "must be an object"});
        return in;
    }
    std::map<std::string, std::string> v;
    for (const std::string& f : set_fields(type)) {
        std::string s;
        if (!scalar_text(obj.get(f, Json::Value()), s)) {
            in.errors.push_back({f, "must be text"});
            continue;
        }
        v[f] = f == "info" ? s : text::trim(s);
        bool is_name = f != "info";
        check_text(in, f, v[f], f == "info" ? kMaxInfo : kMaxName, is_name);
    }
    std::string ssid;
    if (scalar_text(obj.get("sample_set_id", Json::Value()), ssid) && !text::trim(ssid).empty()) {
        auto n = text::parse_int(text::trim(ssid));
        if (!n || *n <= 0) in.errors.push_back({"sample_set_id", "must be a set id"});
        else in.set.id = *n;
    }
    for (const char* date : {"birth", "run_date"})
        if (v.count(date) && !v[date].empty() && !text::is_date(v[date]))
            in.errors.push_back({date, "must be a date written YYYY-MM-DD"});
    auto required = [&](const char* f) {
        if (v.count(f) && v[f].empty() && !(keep_names && in.set.id > 0))
            in.errors.push_back({f, "must not be empty"});
    };
    if (type == "patient") {
        required("first_name");
        required("last_name");
    } else {
        required("name");
    }
    in.set.id_label = v["id_label"];
    in.set.first_name = v["first_name"];
    in.set.last_name = v["last_name"];
    in.set.birth = v["birth"];
    in.set.name = v["name"];
    in.set.run_date = v["run_date"];
    in.set.info = v["info"];
    in.set.sequencer = v["sequencer"];
    in.set.pcr = v["pcr"];
    return in;
}

std::vector<std::string> error_lines(const std::vector<SetInput>& inputs) {
    std::vector<std::string> out;
    for (const auto& in : inputs)
        for (const auto& e : in.errors) out.push_back(in.where + (e.field.empty() ? "" : " " + e.field) + ": " + e.message);
    return out;
}

// Edit: the set must exist, be of that type and be administered by the user (unknown and
// forbidden sets get the same error). Names hidden from the user are kept.
static void check_edit(Context& c, SetInput& in) {
    auto existing = c.perm().can_modify_sample_set(in.set.id) ? model::sample_set_by_id(c.db, in.set.id) : std::nullopt;
    if (!existing || existing->type != in.set.type) {
        in.errors.push_back({"sample_set_id", "no such set, or you may not edit it"});
        return;
    }
    in.set.detail_id = existing->detail_id;
    if (in.set.type == "patient" && !can_see_names(c, in.set.id)) {
        if (in.set.first_name.empty()) in.set.first_name = existing->first_name;
        if (in.set.last_name.empty()) in.set.last_name = existing->last_name;
        if (in.set.birth.empty()) in.set.birth = existing->birth;
    }
}

bool save_sets(Context& c, std::vector<SetInput>& inputs, int64_t group) {
    bool creating = false;
    for (auto& in : inputs) {
        if (in.set.id > 0) check_edit(c, in);
        else creating = true;
    }
    if (creating && (group <= 0 || !model::group_exists(c.db, group) || !c.perm().can_create_sample_set_in_group(group)))
        for (auto& in : inputs)
            if (in.set.id == 0) in.errors.push_back({"group", "you may not create sets in this group"});
    for (const auto& in : inputs)
        if (!in.errors.empty()) return false;
    db::Transaction tx(c.db);
    for (auto& in : inputs) {
        bool create = in.set.id == 0;
        if (create) model::insert_sample_set(c.db, in.set, c.user_id(), group);
        else model::update_sample_set(c.db, in.set);
        auto owner = create ? std::optional<int64_t>(group) : model::set_owner_group(c.db, in.set.id);
        model::register_tags(c.db, in.set.type, in.set.detail_id, in.set.info, owner);
        log_change(c, create ? "create" : "edit", "sample_set", in.set.id,
                   in.set.type + " (" + std::to_string(in.set.id) + ") " + (create ? "added" : "edited"));
    }
    tx.commit();
    return true;
}

}  // namespace vidjil::endpoints::sets
