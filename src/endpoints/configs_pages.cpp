// config/*: analysis configurations. A config becomes a command line run by vidjil-runner, so
// only administrators create or change one (the original let anyone with `create_config` or
// `admin` on a config define it: code execution on the workers, model.md §9.1-3). Which groups
// may *use* a config is a grant, changed by whoever administers the config.
#include <algorithm>
#include <cctype>

#include "endpoints/analyses.h"
#include "jobs/command.h"
#include "model/configs.h"
#include "model/events.h"
#include "util/log.h"
#include "util/text.h"
#include "vidjil/fuse.h"

namespace vidjil::endpoints {

namespace {

Json::Value redirect_message(const std::string& message) {
    Json::Value v(Json::objectValue);
    v["redirect"] = "config/index";
    v["message"] = message;
    return v;
}

bool valid_program(const std::string& p) {
    if (p.empty() || p.size() > 64) return false;
    for (char ch : p)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-' && ch != ' ' && ch != '.') return false;
    return true;
}

// The form's fields as a config; problems (in the original's wording where it has one) in `errors`.
model::ConfigRow config_from_form(Context& c, std::vector<std::string>& errors) {
    model::ConfigRow cfg;
    cfg.id = c.params.get_int("id", 0);
    cfg.name = text::trim(c.params.get("config_name"));
    cfg.program = text::trim(c.params.get("config_program"));
    cfg.command = c.params.get("config_command");
    cfg.fuse_command = c.params.get("config_fuse_command");
    cfg.info = c.params.get("config_info");
    cfg.classification = c.params.get_int("config_classification");
    std::string limit = text::trim(c.params.get("config_time_limit"));
    if (!limit.empty()) {
        auto n = text::parse_int(limit);
        if (!n || *n < 0) errors.push_back("config_time_limit must be a number of seconds");
        else if (*n > 0) cfg.time_limit = *n;
    }
    if (cfg.name.empty()) errors.push_back("config_name needed");
    if (cfg.command.empty() && cfg.program != "none") errors.push_back("config_command needed");
    if (cfg.fuse_command.empty()) errors.push_back("config_fuse_command needed");
    if (!valid_program(cfg.program)) errors.push_back("config_program needed");
    else if (auto p = jobs::check_programs(c.cfg, cfg.command, jobs::Template::Config, cfg.program); !p.empty())
        errors.push_back("config_program: " + p);
    if (auto p = jobs::check_template(cfg.command, jobs::Template::Config); !p.empty()) errors.push_back("config_command: " + p);
    try {
        files::parse_fuse_command(cfg.fuse_command);
    } catch (const files::FormatError& e) {
        errors.push_back(std::string("config_fuse_command: ") + e.what());
    }
    return cfg;
}

Response form_page(Context& c, const model::ConfigRow& cfg, bool edit) {
    Json::Value d(Json::objectValue);
    d["title"] = edit ? "edit config " + std::to_string(cfg.id) : "new config";
    d["action"] = edit ? "edit_form" : "add_form";
    if (edit) d["id"] = std::to_string(cfg.id);
    d["name"] = cfg.name;
    d["command"] = cfg.command;
    d["fuse_command"] = cfg.fuse_command;
    d["info"] = cfg.info;
    d["time_limit"] = cfg.time_limit ? std::to_string(*cfg.time_limit) : "";
    Json::Value classes(Json::arrayValue);
    for (const auto& k : model::classifications(c.db)) {
        Json::Value e(Json::objectValue);
        e["id"] = std::to_string(k.id);
        e["name"] = k.name;
        e["selected"] = cfg.classification == k.id;
        classes.append(e);
    }
    d["classifications"] = classes;
    std::vector<std::string> programs = {"vidjil", "none", "igrec", "mixcr", "euro-mrd pipeline"};
    if (!cfg.program.empty() && std::find(programs.begin(), programs.end(), cfg.program) == programs.end())
        programs.push_back(cfg.program);
    Json::Value progs(Json::arrayValue);
    for (const auto& p : programs) {
        Json::Value e(Json::objectValue);
        e["value"] = p;
        e["selected"] = p == (cfg.program.empty() ? "vidjil" : cfg.program);
        progs.append(e);
    }
    d["programs"] = progs;
    return c.page("config/form", d);
}

int64_t requested_config(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    return id > 0 ? id : c.params.get_int("config_id", 0);
}

}  // namespace

Response config_index(Context& c) {
    Json::Value d(Json::objectValue);
    Json::Value rows(Json::arrayValue);
    for (const auto& cfg : model::all_configs(c.db)) {
        Json::Value r(Json::objectValue);
        r["id"] = std::to_string(cfg.id);
        r["name"] = cfg.name;
        r["program"] = cfg.program;
        r["command"] = cfg.command;
        r["fuse_command"] = cfg.fuse_command;
        r["info"] = cfg.info;
        r["classification"] = cfg.classification_name;
        r["time_limit"] = cfg.time_limit ? std::to_string(*cfg.time_limit) : "";
        rows.append(r);
    }
    d["message"] = "configs";
    d["query"] = rows;
    return c.page("config/index", d);
}

Response config_add(Context& c) {
    model::ConfigRow empty;
    empty.fuse_command = "-t 100";
    return form_page(c, empty, false);
}

Response config_add_form(Context& c) {
    std::vector<std::string> errors;
    model::ConfigRow cfg = config_from_form(c, errors);
    if (!errors.empty()) {
        std::string m;
        for (const auto& e : errors) m += e + ", ";
        return Response::error(m);
    }
    int64_t id = model::insert_config(c.db, cfg);
    c.audit("config_add", "config", id, cfg.program + " " + cfg.command);
    Json::Value v = redirect_message("config '" + http::msg_value(cfg.name) + "' added");
    v["config_id"] = static_cast<Json::Int64>(id);
    return Response::json_text(v);
}

Response config_edit(Context& c) {
    auto cfg = model::config_by_id(c.db, requested_config(c));
    if (!cfg) return Response::error("config not found");
    return form_page(c, *cfg, true);
}

Response config_edit_form(Context& c) {
    std::vector<std::string> errors;
    model::ConfigRow cfg = config_from_form(c, errors);
    if (!model::config_by_id(c.db, cfg.id)) errors.push_back("config not found");
    if (!errors.empty()) {
        std::string m;
        for (const auto& e : errors) m += e + ", ";
        return Response::error(m);
    }
    model::update_config(c.db, cfg);
    c.audit("config_edit", "config", cfg.id, cfg.program + " " + cfg.command);
    return Response::json_text(redirect_message("config '" + http::msg_value(cfg.name) + "' updated"));
}

Response config_confirm(Context& c) {
    auto cfg = model::config_by_id(c.db, requested_config(c));
    if (!cfg) return Response::error("config not found");
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(cfg->id);
    d["name"] = cfg->name;
    return c.page("config/confirm", d);
}

Response config_delete(Context& c) {
    int64_t id = requested_config(c);
    if (!model::config_by_id(c.db, id)) return Response::error("config not found");
    if (model::config_used(c.db, id)) {
        Json::Value v = redirect_message("cannot delete a config that has been used");
        v["success"] = "false";
        return Response::json_text(v);
    }
    model::delete_config(c.db, id);
    c.audit("config_delete", "config", id);
    return Response::json_text(redirect_message("config '" + std::to_string(id) + "' deleted"));
}

Response access_grants_page(Context& c, const std::string& table, int64_t id, const std::string& name,
                            const std::string& page) {
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(id);
    d["name"] = name;
    Json::Value groups(Json::arrayValue);
    for (const auto& g : model::access_grants(c.db, table, id)) {
        Json::Value e(Json::objectValue);
        e["group_id"] = std::to_string(g.group_id);
        e["object_id"] = std::to_string(id);
        e["role"] = g.role;
        e["description"] = g.description;
        e["granted"] = g.granted;
        groups.append(e);
    }
    d["groups"] = groups;
    return c.page(page, d);
}

Response config_permission(Context& c) {
    int64_t id = requested_config(c);
    auto cfg = model::config_by_id(c.db, id);
    if (!cfg) return Response::error("config " + std::to_string(id) + " not found");
    return access_grants_page(c, "config", id, cfg->name, "config/permission");
}

Response config_change_permission(Context& c) {
    int64_t id = requested_config(c);
    int64_t group = c.params.get_int("group_id", 0);
    if (!model::config_by_id(c.db, id)) return Response::error("config " + std::to_string(id) + " not found");
    if (group <= 0) return Response::error("config/change_permission: group_id needed");
    auto role = model::group_role(c.db, group);
    if (!role) return Response::error("group " + std::to_string(group) + " not found");
    bool granted = model::toggle_access(c.db, group, "config", id);
    c.audit(granted ? "config_grant" : "config_revoke", "config", id, "group " + std::to_string(group));
    return Response::message("c" + std::to_string(id) + ": access 'access' " + (granted ? "granted to '" : "deleted to '") +
                             http::msg_value(*role) + "'");
}

}  // namespace vidjil::endpoints
