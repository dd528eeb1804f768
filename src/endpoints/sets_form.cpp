// Handlers of sample_set/form and sample_set/submit: create several sets or edit one, from the
// web form (#object_form, data= JSON in the body) or the api (data= JSON in the query string).
#include "endpoints/sets_input.h"
#include <cstdio>

#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

namespace {

// Groups offered as owner of new sets: those where the user may create (with their parents,
// model.md §2.2), every group for admins. The preselected one is the first lab group.
Json::Value group_choices(Context& c, std::optional<int64_t> selected, bool& single) {
    auto& perm = c.perm();
    auto groups = model::groups_named(c.db, perm.is_admin(), perm.perm_groups("create"));
    if (!selected) {
        for (const auto& [id, role] : groups)
            if (!text::starts_with(role, "user_") && role != "admin" && id != perm.public_group().value_or(0)) {
                selected = id;
                break;
            }
        char personal[32];
        std::snprintf(personal, sizeof personal, "user_%04lld", static_cast<long long>(c.user_id()));
        for (const auto& [id, role] : groups)
            if (!selected && role == personal) selected = id;
    }
    Json::Value list(Json::arrayValue);
    for (const auto& [id, role] : groups) {
        Json::Value g(Json::objectValue);
        g["gid"] = std::to_string(id);
        g["role"] = role;
        g["id"] = std::to_string(id);  // the original's {"name","id"} (api.md §3.3 submit)
        g["name"] = role;
        g["selected"] = selected && *selected == id;
        list.append(g);
    }
    single = groups.size() == 1;
    return list;
}

Json::Value form_row(const model::SampleSet& s, int index, bool anon) {
    Json::Value r(Json::objectValue);
    r["i"] = std::to_string(index);
    r["ssid"] = s.id ? std::to_string(s.id) : "";
    r["did"] = s.detail_id ? std::to_string(s.detail_id) : "";
    r["is_patient"] = s.type == "patient";
    r["is_run"] = s.type == "run";
    r["is_generic"] = s.type == "generic";
    r["id_label"] = s.id_label;
    // Names the user may not see are not sent: left empty, they stay unchanged (sets_input).
    r["hidden_names"] = s.type == "patient" && s.id && !anon;
    r["first_name"] = anon ? s.first_name : "";
    r["last_name"] = anon ? s.last_name : "";
    r["birth"] = anon ? s.birth : "";
    r["name"] = s.name;
    r["run_date"] = s.run_date;
    r["info"] = s.info;
    r["sequencer"] = s.sequencer;
    r["pcr"] = s.pcr;
    return r;
}

Response submit_error(const std::vector<SetInput>& inputs, int64_t group, bool editing, const std::string& why) {
    Json::Value v(Json::objectValue);
    std::vector<std::string> lines = why.empty() ? error_lines(inputs) : std::vector<std::string>{why};
    std::string message = "an error occurred";
    for (size_t i = 0; i < lines.size() && i < 5; ++i) message += (i ? "; " : ": ") + lines[i];
    v["success"] = "false";
    v["message"] = message;
    Json::Value errors(Json::arrayValue);
    for (const auto& l : lines) errors.append(l);
    v["errors"] = errors;
    Json::Value sets(Json::objectValue);
    for (const auto& in : inputs) {
        Json::Value posted = in.posted.isObject() ? in.posted : Json::Value(Json::objectValue);
        Json::Value err(Json::arrayValue);
        for (const auto& e : in.errors) err.append(e.field.empty() ? e.message : e.field + ": " + e.message);
        posted["error"] = err;
        posted["message"] = err;
        sets[in.set.type].append(posted);
    }
    v["sets"] = sets;
    v["master_group"] = static_cast<Json::Int64>(group);
    v["isEditing"] = editing;
    return Response::json_text(v);
}

}  // namespace

Response sample_set_form(Context& c) {
    Json::Value d(Json::objectValue);
    std::vector<model::SampleSet> rows;
    std::optional<int64_t> owner;
    bool anon = true;
    if (auto id = c.params.get_int("id")) {
        if (!c.perm().can_modify_sample_set(*id)) return access_denied();
        auto s = model::sample_set_by_id(c.db, *id);
        if (!s) return access_denied();
        anon = can_see_names(c, *id);
        owner = model::set_owner_group(c.db, *id);
        rows.push_back(*s);
        c.audit("read", "sample_set", *id, "edit form");
    } else {
        if (!c.perm().can_create_sample_set()) return access_denied();
        model::SampleSet s;
        s.type = c.params.get("type", "generic");
        if (!model::is_set_type(s.type)) s.type = "generic";
        rows.push_back(s);
    }
    const std::string& type = rows.front().type;
    bool single = false;
    d["groups"] = group_choices(c, owner, single);
    d["single_group"] = single;
    d["editing"] = rows.front().id > 0;
    d["type"] = type;
    d["title"] = type == "patient" ? "patients" : type == "run" ? "runs" : "sets";
    for (const char* t : {"patient", "run", "generic"}) d[std::string(t) + "_count"] = type == t ? "1" : "0";
    Json::Value keys(Json::arrayValue);
    for (int64_t g : c.perm().groups()) keys.append(static_cast<Json::Int64>(g));
    d["group_keys"] = http::json_compact(keys);
    Json::Value list(Json::arrayValue);
    Json::Value sets(Json::objectValue);
    int i = 0;
    for (const auto& s : rows) {
        Json::Value r = form_row(s, i++, anon);
        list.append(r);
        sets[s.type].append(r);
    }
    d["rows"] = list;
    // The original's template variables (api.md §3.3, the form context of sample_set/submit).
    d["message"] = rows.front().id > 0 ? "edit set" : "add " + d["title"].asString();
    d["sets"] = sets;
    d["isEditing"] = rows.front().id > 0;
    d["master_group"] = Json::Value(Json::nullValue);
    for (const auto& g : d["groups"])
        if (g["selected"].asBool()) d["master_group"] = g["id"];
    return c.page("sample_set/form", d);
}

Response sample_set_submit(Context& c) {
    const Json::Value& data = c.params.json("data");
    std::vector<SetInput> inputs;
    if (!data.isObject()) return submit_error(inputs, 0, false, "data: a JSON object is needed");
    std::string g;
    int64_t group = 0;
    if (data["group"].isString()) g = data["group"].asString();
    else if (data["group"].isIntegral()) g = std::to_string(data["group"].asLargestInt());
    if (auto n = text::parse_int(text::trim(g))) group = *n;
    std::map<std::string, int> counts;
    for (const char* type : {"patient", "run", "generic"}) {
        const Json::Value& list = data[type];
        if (!list.isArray() && !list.isObject()) continue;
        int i = 0;
        for (Json::Value::const_iterator it = list.begin(); it != list.end(); ++it, ++i) {
            if (it->isNull()) continue;  // rows removed in the form leave holes
            SetInput in = read_set(*it, type, true);
            in.where = std::string(type) + "[" + std::to_string(i) + "]";
            inputs.push_back(std::move(in));
            ++counts[type];
        }
    }
    bool editing = false;
    for (const auto& in : inputs) editing = editing || in.set.id > 0;
    if (inputs.empty()) return submit_error(inputs, group, editing, "nothing to save: no patient, run or set was sent");
    if (inputs.size() > 1000) return submit_error({}, group, editing, "at most 1000 sets at once");
    if (!save_sets(c, inputs, group)) return submit_error(inputs, group, editing, "");
    Json::Value v(Json::objectValue);
    Json::Value args(Json::objectValue);
    if (inputs.size() == 1) {
        v["redirect"] = "sample_set/index";
        args["id"] = static_cast<Json::Int64>(inputs.front().set.id);
    } else {
        std::string top;
        int most = 0;
        for (const auto& [type, n] : counts)
            if (n > most) {
                top = type;
                most = n;
            }
        v["redirect"] = "sample_set/all";
        args["type"] = top;
        args["page"] = 0;
    }
    v["args"] = args;
    v["message"] = "successfully added/edited set(s)";
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
