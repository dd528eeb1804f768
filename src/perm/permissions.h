// The group permission model of model.md §2, in one place: every endpoint asks this object
// before touching a sample set, file, config, pre-process, group or user. One instance per
// request and user; it caches what it reads for the length of the request, and, given the change
// counter the request read with its session, in per-process caches that hold while the counter
// has not moved (db/change_counter.h).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "db/db.h"

namespace vidjil::perm {

class Permissions {
public:
    Permissions(db::Connection& db, int64_t user_id, std::string public_role = "public",
                std::string admin_role = "admin", std::optional<uint64_t> change = std::nullopt);

    int64_t user_id() const { return user_id_; }
    bool is_admin();
    const std::set<int64_t>& groups();  // direct memberships
    std::optional<int64_t> public_group();

    // §2.2 step 1: member groups holding capability `action` (any table) and their parents.
    const std::set<int64_t>& perm_groups(const std::string& action);
    // §2.2: the user can do `action` on (table, id); id 0 asks for the capability alone.
    bool get_permission(const std::string& action, const std::string& table, int64_t id);
    // §2.3: pydal-style check, table-aware, public group first, no parent handling.
    bool has_permission(const std::string& name, const std::string& table, int64_t record_id);

    // §2.4: ids of `table` rows the user may `name` (read, admin...); nullopt means all rows.
    std::optional<std::set<int64_t>> accessible(const std::string& name, const std::string& table);

    // §2.5 helpers.
    bool can_create_sample_set();
    bool can_create_sample_set_in_group(int64_t group_id);
    bool can_view_sample_set(int64_t ss);
    bool can_modify_sample_set(int64_t ss);
    bool can_upload_sample_set(int64_t ss);
    bool can_process_sample_set(int64_t ss);
    bool can_save_sample_set(int64_t ss);
    bool can_view_info(int64_t ss);  // `anon`: no admin bypass
    bool can_modify_file(int64_t sequence_file_id);
    bool can_view_file(int64_t sequence_file_id);
    bool can_use_config(int64_t config_id);
    bool can_modify_config(int64_t config_id);
    bool can_modify_pre_process(int64_t pre_process_id);
    bool can_view_group(int64_t group_id);
    bool can_modify_group(int64_t group_id);
    bool can_modify_user(int64_t user_id);

private:
    bool on_sample_set(const std::string& action, int64_t ss);
    const std::set<int64_t>& access_groups(const std::string& table, int64_t id);
    void load_groups();

    db::Connection& db_;
    int64_t user_id_;
    std::string public_role_, admin_role_;
    std::optional<uint64_t> change_;
    bool loaded_ = false;
    std::optional<bool> admin_;
    std::optional<std::optional<int64_t>> public_group_;
    std::set<int64_t> groups_;
    std::map<int64_t, std::set<int64_t>> parents_;
    std::map<int64_t, std::set<std::string>> capabilities_;
    std::map<std::string, std::set<int64_t>> perm_groups_;
    std::map<std::pair<std::string, int64_t>, std::set<int64_t>> access_;
};

}  // namespace vidjil::perm
