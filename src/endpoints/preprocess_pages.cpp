// pre_process/*: commands run on a sample's files before the analysis (paired-read merging).
// As for configs, only administrators create or change them: the original let any user holding
// `create` define a shell command (model.md §9.1-3).
#include "endpoints/analyses.h"
#include "jobs/command.h"
#include "jobs/paths.h"
#include "model/configs.h"
#include "model/jobs.h"
#include "model/results.h"
#include "model/users.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

namespace {

Json::Value redirect_message(const std::string& message) {
    Json::Value v(Json::objectValue);
    v["redirect"] = "pre_process/index";
    v["message"] = message;
    return v;
}

int64_t requested_pre_process(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    return id > 0 ? id : c.params.get_int("pre_process_id", 0);
}

model::PreProcessRow from_form(Context& c, std::vector<std::string>& errors) {
    model::PreProcessRow p;
    p.id = c.params.get_int("id", 0);
    p.name = text::trim(c.params.get("pre_process_name"));
    p.command = c.params.get("pre_process_command");
    p.info = c.params.get("pre_process_info");
    if (p.name.empty()) errors.push_back("pre_process_name needed");
    if (text::trim(p.command).empty()) errors.push_back("pre_process_command needed");
    else if (auto e = jobs::check_template(p.command, jobs::Template::PreProcess); !e.empty())
        errors.push_back("pre_process_command: " + e);
    else if (auto why = jobs::check_programs(c.cfg, p.command, jobs::Template::PreProcess); !why.empty())
        errors.push_back("pre_process_command: " + why);
    return p;
}

Response form_page(Context& c, const model::PreProcessRow& p, bool edit) {
    Json::Value d(Json::objectValue);
    d["title"] = edit ? "edit pre-process " + std::to_string(p.id) : "new pre-process";
    d["action"] = edit ? "edit_form" : "add_form";
    if (edit) d["id"] = std::to_string(p.id);
    d["name"] = p.name;
    d["command"] = p.command;
    d["info"] = p.info;
    return c.page("pre_process/form", d);
}

Response error_list(const std::vector<std::string>& errors) {
    std::string m;
    for (const auto& e : errors) m += e + ", ";
    return Response::error(m);
}

}  // namespace

Response pre_process_index(Context& c) {
    Json::Value d(Json::objectValue);
    Json::Value rows(Json::arrayValue);
    for (const auto& p : model::all_pre_processes(c.db)) {
        Json::Value r(Json::objectValue);
        r["id"] = std::to_string(p.id);
        r["name"] = p.name;
        r["info"] = p.info;
        r["command"] = p.command;
        rows.append(r);
    }
    d["message"] = "pre-processes";
    d["query"] = rows;
    return c.page("pre_process/index", d);
}

Response pre_process_add(Context& c) {
    return form_page(c, model::PreProcessRow{}, false);
}

Response pre_process_add_form(Context& c) {
    std::vector<std::string> errors;
    model::PreProcessRow p = from_form(c, errors);
    if (!errors.empty()) return error_list(errors);
    int64_t id = model::insert_pre_process(c.db, p);
    if (int64_t g = model::personal_group(c.db, c.user_id())) model::add_permission(c.db, g, "read", "pre_process", id);
    c.audit("pre_process_add", "pre_process", id, p.command);
    Json::Value v = redirect_message("pre_process '" + http::msg_value(p.name) + "' added");
    v["pre_process_id"] = static_cast<Json::Int64>(id);
    return Response::json_text(v);
}

Response pre_process_edit(Context& c) {
    auto p = model::pre_process_by_id(c.db, requested_pre_process(c));
    if (!p) return Response::error("pre-process not found");
    return form_page(c, *p, true);
}

Response pre_process_edit_form(Context& c) {
    std::vector<std::string> errors;
    model::PreProcessRow p = from_form(c, errors);
    if (!model::pre_process_by_id(c.db, p.id)) errors.push_back("pre-process not found");
    if (!errors.empty()) return error_list(errors);
    model::update_pre_process(c.db, p);
    c.audit("pre_process_edit", "pre_process", p.id, p.command);
    return Response::json_text(redirect_message("pre_process '" + http::msg_value(p.name) + "' updated"));
}

Response pre_process_confirm(Context& c) {
    auto p = model::pre_process_by_id(c.db, requested_pre_process(c));
    if (!p) return Response::error("pre-process not found");
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(p->id);
    d["name"] = p->name;
    return c.page("pre_process/confirm", d);
}

Response pre_process_delete(Context& c) {
    int64_t id = requested_pre_process(c);
    if (!model::pre_process_by_id(c.db, id)) return Response::error("pre-process not found");
    model::delete_pre_process(c.db, id);
    c.audit("pre_process_delete", "pre_process", id);
    return Response::json_text(redirect_message("pre_process '" + std::to_string(id) + "' deleted"));
}

Response pre_process_permission(Context& c) {
    int64_t id = requested_pre_process(c);
    auto p = model::pre_process_by_id(c.db, id);
    if (!p) return Response::error("pre-process " + std::to_string(id) + " not found");
    return access_grants_page(c, "pre_process", id, p->name, "pre_process/permission");
}

Response pre_process_change_permission(Context& c) {
    int64_t id = requested_pre_process(c);
    int64_t group = c.params.get_int("group_id", 0);
    if (!model::pre_process_by_id(c.db, id)) return Response::error("pre-process " + std::to_string(id) + " not found");
    if (group <= 0) return Response::error("pre_process/change_permission: group_id needed");
    auto role = model::group_role(c.db, group);
    if (!role) return Response::error("group " + std::to_string(group) + " not found");
    bool granted = model::toggle_access(c.db, group, "pre_process", id);
    c.audit(granted ? "pre_process_grant" : "pre_process_revoke", "pre_process", id, "group " + std::to_string(group));
    return Response::message("c" + std::to_string(id) + ": access 'access' " + (granted ? "granted to '" : "deleted to '") +
                             http::msg_value(*role) + "'");
}

Response pre_process_info(Context& c) {
    int64_t ss = c.params.get_int("sample_set_id", 0);
    int64_t sf = c.params.get_int("sequence_file_id", 0);
    // The file must belong to the set checked (the original did not check it: model.md §9.1-6).
    if (!c.perm().can_modify_sample_set(ss) || !model::file_in_set(c.db, sf, ss)) return Response::message("acces denied");
    auto file = model::sequence_file_by_id(c.db, sf);
    if (!file) return Response::message("acces denied");
    Json::Value d(Json::objectValue);
    d["sequence_file_id"] = std::to_string(sf);
    d["filename"] = file->filename;
    d["flag"] = file->pre_process_flag;
    if (file->pre_process_id)
        if (auto p = model::pre_process_by_id(c.db, *file->pre_process_id)) d["pre_process_name"] = p->name;
    std::string log_path;
    if (file->pre_process_task_id)
        if (auto job = model::job_by_task(c.db, *file->pre_process_task_id)) {
            d["status"] = job->status;
            if (!job->message.empty()) d["message"] = job->message;
            d["started_at"] = job->started_at;
            d["ended_at"] = job->ended_at;
            d["host"] = job->host;
            log_path = job->log_path;
        }
    bool truncated = false;
    d["has_log"] = !log_path.empty() && fs::exists(log_path);
    d["log"] = log_path.empty() ? "" : read_log_tail(log_path, 512 * 1024, truncated);
    return c.page("pre_process/info", d);
}

}  // namespace vidjil::endpoints
