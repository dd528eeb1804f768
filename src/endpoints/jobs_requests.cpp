// default/run_request, run_all_request, checkProcess and default/download: asking for analyses,
// following them, and downloading their stored files (model.md §3.2, api.md §3.1).
#include <cstring>

#include "db/change_counter.h"
#include "endpoints/analyses.h"
#include "endpoints/sets.h"
#include "jobs/paths.h"
#include "jobs/status.h"
#include "model/analyses.h"
#include "model/configs.h"
#include "model/events.h"
#include "model/jobs.h"
#include "model/results.h"
#include "model/upload_names.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

namespace {

bool valid_window(const std::string& s) {
    if (s.empty() || s.size() > 1024) return false;
    for (char ch : s)
        if (!std::strchr("acgtnACGTN", ch)) return false;
    return true;
}

Response disk_full(Context& c) {
    log::error("runs refused: " + jobs::results_dir(c.cfg) + " is nearly full (FS_LOCK_THRESHOLD)");
    return Response::error("Runs are temporarily disabled. System admins have been made aware of the situation.");
}

bool waiting_for_pre_process(const model::SequenceFileRow& f) {
    return f.pre_process_flag == "WAIT" || f.pre_process_flag == "RUNNING" || f.pre_process_flag == "RUN";
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

enum class Queued { Yes, AlreadyActive, NoData };

// One analysis of a whole-file run (run_all_request, run_all_patients): queued unless the file
// has no data yet or the same analysis is already queued or running (checked under a row lock).
Queued queue_file_run(Context& c, int64_t sf, const model::ConfigRow& config) {
    auto file = model::sequence_file_by_id(c.db, sf);
    if (!file || !file->data_file) return Queued::NoData;
    // A deadlock or lock wait timeout on the job table (a runner, another web host) runs the
    // transaction again: never an error for the user.
    int64_t rid = db::with_retry(c.db, [&]() -> int64_t {
        db::Transaction tx(c.db);
        model::lock_sequence_file(c.db, sf);
        if (model::active_run(c.db, sf, config.id, "")) return 0;
        int64_t id = model::schedule_run(c.db, sf, config.id, "", c.user_id(), waiting_for_pre_process(*file));
        model::user_log(c.db, c.user_id(), "run requested with config " + config.name, "sequence_file", sf);
        tx.commit();
        return id;
    });
    if (!rid) return Queued::AlreadyActive;
    c.audit("run_request", "results_file", rid, "file " + std::to_string(sf) + " config " + std::to_string(config.id));
    return Queued::Yes;
}

}  // namespace

Response run_request(Context& c) {
    if (jobs::disk_nearly_full(c.cfg, jobs::results_dir(c.cfg))) return disk_full(c);
    int64_t ss = c.params.get_int("sample_set_id", 0);
    int64_t sf = c.params.get_int("sequence_file_id", 0);
    int64_t config_id = c.params.get_int("config_id", 0);
    std::string grep = c.params.get("grep_reads");
    auto config = config_id > 0 ? model::config_by_id(c.db, config_id) : std::nullopt;
    std::vector<std::string> errors;
    if (!config) errors.push_back("id config needed");
    if (!c.perm().can_process_sample_set(ss) || !c.perm().can_modify_sample_set(ss))
        errors.push_back("you do not have permission to launch process for this sample_set (" + std::to_string(ss) + ")");
    else if (sf <= 0 || !model::file_in_set(c.db, sf, ss))
        errors.push_back("this sequence file is not part of this sample_set");  // model.md §9.1-6
    if (config && !c.perm().can_use_config(config_id)) errors.push_back("permission needed for config " + config->name);
    if (!grep.empty() && !valid_window(grep)) errors.push_back("grep_reads must be a DNA sequence");
    std::string what = grep.empty() ? "with config " + (config ? http::msg_value(config->name) : std::to_string(config_id)) : "to get reads";
    if (!errors.empty()) return Response::error("default/run_request " + what + " : " + join(errors));
    auto file = model::sequence_file_by_id(c.db, sf);
    if (!file || !file->data_file) return Response::error("default/run_request " + what + " : the sequence file has no data yet");

    // The whole transaction runs again after a deadlock or lock wait timeout (db::with_retry).
    std::optional<int64_t> running;
    int64_t rid = db::with_retry(c.db, [&]() -> int64_t {
        db::Transaction tx(c.db);
        model::lock_sequence_file(c.db, sf);  // a double click waits here, then sees the first run
        running = model::active_run(c.db, sf, config_id, grep);
        if (running) return 0;
        int64_t id = model::schedule_run(c.db, sf, config_id, grep, c.user_id(), waiting_for_pre_process(*file));
        model::user_log(c.db, c.user_id(), "run requested with config " + config->name, "sequence_file", sf);
        tx.commit();
        return id;
    });
    if (running) {
        Json::Value v(Json::objectValue);
        v["success"] = "false";
        v["results_file_id"] = static_cast<Json::Int64>(*running);
        v["message"] = "default/run_request " + what + " : this analysis is already queued or running (result " +
                       std::to_string(*running) + ")";
        return Response::json_text(v);
    }
    c.audit("run_request", "results_file", rid, "file " + std::to_string(sf) + " config " + std::to_string(config_id));
    Json::Value v(Json::objectValue);
    v["redirect"] = "reload";
    v["results_file_id"] = static_cast<Json::Int64>(rid);
    v["message"] = "[" + std::to_string(rid) + "] c" + std::to_string(config_id) + ": process requested - " +
                   http::msg_value(grep.empty() ? std::string("None") : grep) + " " + http::msg_value(file->filename);
    return Response::json_text(v);
}

Response run_all_request(Context& c) {
    if (jobs::disk_nearly_full(c.cfg, jobs::results_dir(c.cfg))) return disk_full(c);
    int64_t ss = c.params.get_int("sample_set_id", 0);
    int64_t config_id = c.params.get_int("config_id", 0);
    auto config = config_id > 0 ? model::config_by_id(c.db, config_id) : std::nullopt;
    std::vector<std::string> errors;
    if (!config) errors.push_back("id config needed");
    if (!c.perm().can_process_sample_set(ss))
        errors.push_back("you do not have permission to launch process for this sample_set (" + std::to_string(ss) + ")");
    if (config && !c.perm().can_use_config(config_id)) errors.push_back("permission needed for config " + config->name);
    if (!errors.empty())
        return Response::error("default/run_all_request with config " + (config ? config->name : std::to_string(config_id)) +
                               " : " + join(errors));
    std::vector<int64_t> ids = c.params.int_list("sequence_file_ids");
    for (int64_t id : c.params.int_list("sequence_file_ids[]")) ids.push_back(id);
    int scheduled = 0;
    for (int64_t sf : model::files_in_set(c.db, ss, ids))
        if (queue_file_run(c, sf, *config) == Queued::Yes) ++scheduled;
    Json::Value v(Json::objectValue);
    v["success"] = "true";
    v["redirect"] = "reload";
    v["message"] = std::to_string(scheduled) + " process(es) requested";
    return Response::json_text(v);
}

Response file_restart_pre_process(Context& c) {
    int64_t sf = c.params.get_int("sequence_file_id", 0);
    const std::string prefix = "file/restart_pre_process : ";
    // can_modify_file(sf): route table; unknown files are answered like files the user may not change.
    auto file = model::sequence_file_by_id(c.db, sf);
    if (!file) return Response::error(prefix + "permission denied");
    if (!file->pre_process_id || *file->pre_process_id <= 0)
        return Response::error(prefix + "this sequence file has no pre-process");
    if (!file->data_file) return Response::error(prefix + "the sequence file has no data yet");
    // Its output replaced the uploaded pair (kept aside): running it again would merge the output.
    if (file->pre_process_flag == "COMPLETED" || file->pre_process_flag == "DONE")
        return Response::error(prefix + "the pre-process of this file already completed");
    // Only a failed pre-process is run again (the flag, or its task when the flag was left
    // behind); one still queued or running is "already registered", one never queued (the second
    // file of the pair not uploaded yet) is left to file/upload.
    auto task = file->pre_process_task_id ? model::task_status(c.db, *file->pre_process_task_id) : std::nullopt;
    bool failed = file->pre_process_flag == "FAILED" || (task && (*task == jobs::FAILED || *task == jobs::TIMEOUT));
    if (!failed) {
        if (task && !jobs::is_terminal(*task)) return Response::message("task already registered");
        return Response::error(prefix + "the pre-process of this file has not failed");
    }
    int64_t pp = *file->pre_process_id;
    if (!model::schedule_pre_process(c.db, sf, pp, c.user_id())) return Response::message("task already registered");
    model::user_log(c.db, c.user_id(), "pre-process restarted", "sequence_file", sf);
    c.audit("restart_pre_process", "sequence_file", sf, "pre-process " + std::to_string(pp));
    Json::Value v(Json::objectValue);
    v["redirect"] = "reload";
    v["message"] = "{" + std::to_string(sf) + "} (" + std::to_string(pp) + "): process requested";
    return Response::json_text(v);
}

Response results_file_run_all_patients(Context& c) {
    if (jobs::disk_nearly_full(c.cfg, jobs::results_dir(c.cfg))) return disk_full(c);
    // The original selected no config here (model.md §3.2): the config is a required parameter.
    int64_t config_id = c.params.get_int("config_id", 0);
    auto config = config_id > 0 ? model::config_by_id(c.db, config_id) : std::nullopt;
    if (!config) return Response::error("results_file/run_all_patients : id config needed");
    int scheduled = 0, skipped = 0;
    for (int64_t sf : model::patient_files_with_results(c.db, config_id)) {
        Queued q = queue_file_run(c, sf, *config);
        if (q == Queued::Yes) ++scheduled;
        if (q == Queued::AlreadyActive) ++skipped;
    }
    Json::Value v(Json::objectValue);
    v["success"] = "true";
    v["message"] = "rerun all: " + std::to_string(scheduled) + " process(es) requested with config " + http::msg_value(config->name) +
                   (skipped ? ", " + std::to_string(skipped) + " already queued or running" : "");
    return Response::json_text(v);
}

namespace {
// Results rows by id, per process while the change counter holds (results_file is one of its
// tables); the job's state is read at every call.
db::ChangeCache<int64_t, std::optional<model::ResultRow>> result_cache;
}  // namespace

Response check_process(Context& c) {
    // processId is the results-file id the client got from run_request (the original looked it
    // up as a task id too, which only worked when both ids happened to be equal).
    int64_t rid = c.params.get_int("processId", 0);
    auto result = rid > 0 ? result_cache.get(c.change, rid, [&] { return model::result_by_id(c.db, rid); })
                          : std::nullopt;
    Json::Value v(Json::objectValue);
    v["processId"] = static_cast<Json::Int64>(rid);
    if (!result || !c.perm().can_view_file(result->sequence_file_id)) {
        v["success"] = "false";
        v["status"] = jobs::FAILED;
        v["message"] = "You don't have access to this sample";
        return Response::json_text(v);
    }
    // Read with the session when the route asked for it (cgi-bin/results.cpp), else now.
    std::optional<model::JobState> job;
    if (c.session->joined) job = model::job_state_from_session_row(*c.session->joined, rid);
    if (!job) job = model::job_state_of_result(c.db, rid);
    std::string status = job ? job->status : (result->data_file ? jobs::COMPLETED : jobs::FAILED);
    if (status == jobs::COMPLETED && !result->data_file) {
        Json::Value running(Json::objectValue);
        running["status"] = jobs::RUNNING;
        return Response::json_text(running);
    }
    v["success"] = "true";
    v["status"] = status;
    if (status == jobs::COMPLETED) {
        v["data"]["data_file"] = *result->data_file;
        v["data"]["result_id"] = static_cast<Json::Int64>(rid);
    } else if (job && !job->message.empty()) {
        v["message"] = job->message;
    }
    return Response::json_text(v);
}

Response default_download(Context& c) {
    std::string name = c.req.env.get(app::kPathTail);
    if (auto r = download_sequence_file(c, name)) return *r;  // sequence_file.* names (issue 3's check)
    std::string filename = c.params.get("filename");
    return download_stored_file(c, name, filename.empty() ? name : filename);
}

Response download_stored_file(Context& c, const std::string& name, const std::string& download_name) {
    // Only files that a row names, and only when that row's set may be read (the original
    // served any file of DIR_RESULTS to anyone logged in: model.md §9.1-6).
    // The audit trail names the row that allowed it (the results, or the set of a fused file or
    // an analysis), so that the read is found by set in admin/audit.
    bool allowed = false;
    std::string table;
    int64_t record = 0;
    auto allow = [&](bool ok, const char* t, int64_t id) {
        if (!ok || allowed) return;
        allowed = true;
        table = t;
        record = id;
    };
    if (model::is_safe_stored_name(name)) {
        for (const auto& r : model::results_with_file(c.db, name)) allow(c.perm().can_view_file(r.sequence_file_id), "results_file", r.id);
        for (const auto& f : model::fused_with_file(c.db, name)) allow(c.perm().can_view_sample_set(f.sample_set_id), "sample_set", f.sample_set_id);
        int64_t ss = 0;
        if (!model::analyses_with_file(c.db, name, &ss).empty()) allow(c.perm().can_view_sample_set(ss), "sample_set", ss);
    }
    if (!allowed) return Response::error("access denied", 404);
    c.audit("download", table, record, name);
    return send_result_file(c, jobs::results_dir(c.cfg) + "/" + name, download_name);
}

}  // namespace vidjil::endpoints
