// FastCGI program for analysis requests and their outputs: default/run_request,
// run_all_request, checkProcess, default/download/<file>, results_file/*, and
// file/restart_pre_process (a pre-process job queued again), sample_set/custom and multi_sample_stats (comparing results).
#include "endpoints/analyses.h"
#include "model/jobs.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    static const std::vector<Route> routes = {
        {"/vidjil/default/run_request", GET_POST, Access::User,
         {opt("sequence_file_id", Type::Int), opt("sample_set_id", Type::Int), opt("config_id", Type::Int),
          opt("grep_reads", Type::Text, From::Any, 1024)},
         ep::run_request},
        {"/vidjil/default/run_all_request", GET_POST, Access::User,
         {opt("sample_set_id", Type::Int), opt("config_id", Type::Int), opt("sequence_file_ids", Type::Int),
          opt("sequence_file_ids[]", Type::Int)},
         ep::run_all_request},
        // The job's state is read with the session (one statement per poll).
        {"/vidjil/default/checkProcess", GET_POST, Access::User, {opt("processId", Type::Int)}, ep::check_process,
         /*raw_body*/ false, /*stream_body*/ false, /*needs_db*/ true, /*news_state*/ false,
         &vidjil::model::kJobStateJoin, "processId"},
        {"/vidjil/default/download/*", GET_POST, Access::User, {opt("filename", Type::Text, From::Any, 255)},
         ep::default_download},
        {"/vidjil/results_file/info", GET_POST, Access::User, {opt("results_file_id", Type::Int)}, ep::results_file_info},
        {"/vidjil/results_file/output", GET_POST, Access::User, {opt("results_file_id", Type::Int)},
         ep::results_file_output},
        {"/vidjil/results_file/download", GET_POST, Access::User,
         {opt("results_file_id", Type::Int), opt("filename", Type::Text, From::Any, 1024)}, ep::results_file_download},
        {"/vidjil/results_file/index", GET_POST, Access::Admin, {opt("sort"), opt("reverse", Type::Bool)},
         ep::results_file_index},
        {"/vidjil/results_file/confirm", GET_POST, Access::User,
         {opt("results_file_id", Type::Int), opt("sample_set_id", Type::Int)}, ep::results_file_confirm},
        {"/vidjil/results_file/delete", GET_POST, Access::User,
         {opt("results_file_id", Type::Int), opt("sample_set_id", Type::Int)}, ep::results_file_delete},
        {"/vidjil/results_file/run_all_patients", GET_POST, Access::Admin, {opt("config_id", Type::Int)},
         ep::results_file_run_all_patients},
        {"/vidjil/file/restart_pre_process", POST,
         Access::object(Check::ModifyFile, "sequence_file_id", Refusal::Error, "file/restart_pre_process : permission denied"), {opt("sequence_file_id", Type::Int, From::Any)},
         ep::file_restart_pre_process},
        {"/vidjil/sample_set/custom", GET_POST, Access::User,
         {opt("id", Type::Int, From::Query), opt("config_id", Type::Int, From::Query),
          opt("filter", Type::Text, From::Query, 1024), opt("custom_list", Type::Int, From::Query)},
         ep::sample_set_custom},
        {"/vidjil/sample_set/multi_sample_stats", GET_POST, Access::User,
         {opt("sample_set_id", Type::Int), opt("config_id", Type::Int), opt("results_ids", Type::Int),
          opt("results_ids[]", Type::Int)},
         ep::sample_set_multi_sample_stats},
    };
    return serve("vidjil-results", routes);
}
