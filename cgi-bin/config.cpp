// FastCGI program for config/* and pre_process/*: analysis configurations and pre-processes.
#include "endpoints/analyses.h"

using namespace vidjil::app;
using vidjil::http::From;
using vidjil::http::opt;
using vidjil::http::Type;
namespace ep = vidjil::endpoints;

int main() {
    const std::vector<vidjil::http::ParamSpec> config_form = {
        opt("id", Type::Int), opt("config_name", Type::Text, From::Any, 512), opt("config_program", Type::Text, From::Any, 64),
        opt("config_command", Type::Text, From::Any, 512), opt("config_fuse_command", Type::Text, From::Any, 512),
        opt("config_info", Type::Text, From::Any, 65536), opt("config_classification", Type::Int),
        opt("config_time_limit", Type::Text, From::Any, 16)};
    const std::vector<vidjil::http::ParamSpec> pre_form = {
        opt("id", Type::Int), opt("pre_process_name", Type::Text, From::Any, 512),
        opt("pre_process_command", Type::Text, From::Any, 512), opt("pre_process_info", Type::Text, From::Any, 65536)};
    const std::vector<vidjil::http::ParamSpec> ids = {opt("id", Type::Int), opt("config_id", Type::Int),
                                                      opt("pre_process_id", Type::Int), opt("group_id", Type::Int)};
    // Configs and pre-processes, their access lists included, are the administrators' alone
    // (a config is a command line run on the workers; model.md §2, §9.1-3).
    const Access create_configs = Access::admin_error("access denied: only administrators can create configs");
    const Access change_configs = Access::admin_error("access denied: only administrators can change configs");
    const Access delete_configs = Access::admin_error("access denied: only administrators can delete configs");
    const Access create_pre = Access::admin_error("access denied: only administrators can create pre-processes");
    const Access change_pre = Access::admin_error("access denied: only administrators can change pre-processes");
    const Access delete_pre = Access::admin_error("access denied: only administrators can delete pre-processes");
    const Access grants = Access::admin_message("access denied");
    static const std::vector<Route> routes = {
        {"/vidjil/config/index", GET_POST, Access::Admin, {}, ep::config_index},
        {"/vidjil/config/add", GET_POST, create_configs, {}, ep::config_add},
        {"/vidjil/config/add_form", POST, create_configs, config_form, ep::config_add_form},
        {"/vidjil/config/edit", GET_POST, change_configs, ids, ep::config_edit},
        {"/vidjil/config/edit_form", POST, change_configs, config_form, ep::config_edit_form},
        {"/vidjil/config/confirm", GET_POST, delete_configs, ids, ep::config_confirm},
        {"/vidjil/config/delete", GET_POST, delete_configs, ids, ep::config_delete},
        {"/vidjil/config/permission", GET_POST, grants, ids, ep::config_permission},
        {"/vidjil/config/change_permission", GET_POST, grants, ids, ep::config_change_permission},
        {"/vidjil/pre_process/index", GET_POST, Access::Admin, {}, ep::pre_process_index},
        {"/vidjil/pre_process/add", GET_POST, create_pre, {}, ep::pre_process_add},
        {"/vidjil/pre_process/add_form", POST, create_pre, pre_form, ep::pre_process_add_form},
        {"/vidjil/pre_process/edit", GET_POST, change_pre, ids, ep::pre_process_edit},
        {"/vidjil/pre_process/edit_form", POST, change_pre, pre_form, ep::pre_process_edit_form},
        {"/vidjil/pre_process/confirm", GET_POST, delete_pre, ids, ep::pre_process_confirm},
        {"/vidjil/pre_process/delete", GET_POST, delete_pre, ids, ep::pre_process_delete},
        {"/vidjil/pre_process/permission", GET_POST, grants, ids, ep::pre_process_permission},
        {"/vidjil/pre_process/change_permission", GET_POST, grants, ids, ep::pre_process_change_permission},
        {"/vidjil/pre_process/info", GET_POST,
         Access::object(Check::ModifySet, "sample_set_id", Refusal::Message, "acces denied"),
         {opt("sample_set_id", Type::Int), opt("sequence_file_id", Type::Int)}, ep::pre_process_info},
    };
    return serve("vidjil-config", routes);
}
