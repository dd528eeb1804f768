// Handlers of the analyses area: results for the web client (default/get_data,
// get_custom_data, get_analysis, save_analysis), job requests (default/run_request,
// run_all_request, checkProcess), downloads (default/download, results_file/*), configs and
// pre-processes (config/*, pre_process/*) and the usage pages (my_account/*).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/app.h"

namespace vidjil::endpoints {

using app::Context;
using http::Response;

// default/* results
Response get_data(Context& c);
Response get_custom_data(Context& c);
Response get_analysis(Context& c);
Response save_analysis(Context& c);

// default/* jobs
Response run_request(Context& c);
Response run_all_request(Context& c);
Response check_process(Context& c);
// file/restart_pre_process: the pre-process of a file queued again (POST only).
Response file_restart_pre_process(Context& c);
// results_file/run_all_patients (admin): every patient result of a config computed again.
Response results_file_run_all_patients(Context& c);
// sample_set/custom: results of readable sets to compare (api.md §4.3).
Response sample_set_custom(Context& c);
// sample_set/multi_sample_stats: the QC table of results (api.md §3.3, §4.3).
Response sample_set_multi_sample_stats(Context& c);
Response default_download(Context& c);  // /vidjil/default/download/<stored name>
// A results_file/fused_file/analysis_file by stored name, once the set it belongs to may be read
// (404 otherwise); also /vidjil/download/<stored name>.
Response download_stored_file(Context& c, const std::string& stored_name, const std::string& download_name);

// results_file/*
Response results_file_info(Context& c);
Response results_file_output(Context& c);
Response results_file_download(Context& c);
Response results_file_index(Context& c);
Response results_file_confirm(Context& c);
Response results_file_delete(Context& c);

// config/*
Response config_index(Context& c);
Response config_add(Context& c);
Response config_add_form(Context& c);
Response config_edit(Context& c);
Response config_edit_form(Context& c);
Response config_confirm(Context& c);
Response config_delete(Context& c);
Response config_permission(Context& c);
Response config_change_permission(Context& c);

// pre_process/*
Response pre_process_index(Context& c);
Response pre_process_add(Context& c);
Response pre_process_add_form(Context& c);
Response pre_process_edit(Context& c);
Response pre_process_edit_form(Context& c);
Response pre_process_confirm(Context& c);
Response pre_process_delete(Context& c);
Response pre_process_info(Context& c);
Response pre_process_permission(Context& c);
Response pre_process_change_permission(Context& c);

// my_account/*
Response my_account_index(Context& c);
Response my_account_jobs(Context& c);

// --- shared by the handlers of this area -------------------------------------------------------
// The set named by sample_set_id, or by the legacy patient= / run= ids.
std::optional<int64_t> requested_set(Context& c);
// A file answer: with X_ACCEL_RESULTS (nginx `internal` location mapped to DIR_RESULTS) nginx
// sends it; otherwise the body is streamed from disk by the endpoint program in bounded chunks.
// `path` is absolute; only files below DIR_RESULTS go through X-Accel-Redirect.
Response send_result_file(Context& c, const std::string& path, const std::string& download_name);
// The last `max` bytes of a job log (text made safe for display).
std::string read_log_tail(const std::string& path, size_t max, bool& truncated);
// The page listing every group with a checkbox granting `access` on (table, id).
Response access_grants_page(Context& c, const std::string& table, int64_t id, const std::string& name,
                            const std::string& page);

}  // namespace vidjil::endpoints
