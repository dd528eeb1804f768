// SQL of analysis configs, pre-processes, classifications and their group grants (config,
// pre_process, classification, vidjil_config_limit, auth_permission rows on them).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::model {

struct ConfigRow {
    int64_t id = 0;
    std::string name, program, command, fuse_command, info;
    std::optional<int64_t> classification;
    std::string classification_name;
    std::optional<int64_t> time_limit;  // seconds; nullopt: JOB_TIMEOUT
};
std::optional<ConfigRow> config_by_id(db::Connection& db, int64_t id);
std::vector<ConfigRow> all_configs(db::Connection& db);
int64_t insert_config(db::Connection& db, const ConfigRow& c);
void update_config(db::Connection& db, const ConfigRow& c);
bool config_used(db::Connection& db, int64_t id);  // a result or fused file refers to it
// The first (lowest id) config running this program, if any (e.g. "none": imports).
std::optional<int64_t> first_config_with_program(db::Connection& db, const std::string& program);
void delete_config(db::Connection& db, int64_t id);

struct Classification {
    int64_t id = 0;
    std::string name;
};
std::vector<Classification> classifications(db::Connection& db);

struct PreProcessRow {
    int64_t id = 0;
    std::string name, command, info;
};
std::optional<PreProcessRow> pre_process_by_id(db::Connection& db, int64_t id);
std::vector<PreProcessRow> all_pre_processes(db::Connection& db);
int64_t insert_pre_process(db::Connection& db, const PreProcessRow& p);
void update_pre_process(db::Connection& db, const PreProcessRow& p);
void delete_pre_process(db::Connection& db, int64_t id);

// Every group, and whether it holds `access` on (table, id): the permission pages.
struct GroupGrant {
    int64_t group_id = 0;
    std::string role, description;
    bool granted = false;
};
std::vector<GroupGrant> access_grants(db::Connection& db, const std::string& table, int64_t id);
// Adds or removes the `access` grant; returns true when it is now granted.
bool toggle_access(db::Connection& db, int64_t group_id, const std::string& table, int64_t id);
std::optional<std::string> group_role(db::Connection& db, int64_t group_id);
// The personal group (user_%04d) of a user, 0 if none.
int64_t personal_group(db::Connection& db, int64_t user_id);

}  // namespace vidjil::model
