// SQL of configs, pre-processes and their grants (see configs.h).
#include "model/configs.h"

#include <cstdio>

#include "model/users.h"

namespace vidjil::model {

namespace {

const char* kConfigColumns =
    "SELECT SQL_CACHE c.id, c.name, c.program, c.command, c.fuse_command, c.info, c.classification, k.name AS cname, "
    "l.time_limit FROM config c LEFT JOIN classification k ON k.id = c.classification "
    "LEFT JOIN vidjil_config_limit l ON l.config_id = c.id ";

ConfigRow config_of_row(const db::Row& r) {
    ConfigRow c;
    c.id = r.integer("id");
    c.name = r.str("name");
    c.program = r.str("program");
    c.command = r.str("command");
    c.fuse_command = r.str("fuse_command");
    c.info = r.str("info");
    c.classification = r.opt_int("classification");
    c.classification_name = r.str("cname");
    c.time_limit = r.opt_int("time_limit");
    return c;
}

db::Param classification_param(const std::optional<int64_t>& c) {
    if (!c || *c <= 0) return std::nullopt;
    return *c;
}

void save_limit(db::Connection& db, int64_t id, const std::optional<int64_t>& limit) {
    db.exec("DELETE FROM vidjil_config_limit WHERE config_id = ?", {id});
    if (limit && *limit > 0)
        db.exec("INSERT INTO vidjil_config_limit (config_id, time_limit) VALUES (?, ?)", {id, *limit});
}

}  // namespace

std::optional<ConfigRow> config_by_id(db::Connection& db, int64_t id) {
    auto r = db.query_one(std::string(kConfigColumns) + "WHERE c.id = ?", {id});
    if (!r) return std::nullopt;
    return config_of_row(*r);
}

std::vector<ConfigRow> all_configs(db::Connection& db) {
    std::vector<ConfigRow> out;
    for (const auto& r : db.query(std::string(kConfigColumns) + "ORDER BY c.classification, c.id"))
        out.push_back(config_of_row(r));
    return out;
}

std::optional<int64_t> first_config_with_program(db::Connection& db, const std::string& program) {
    auto r = db.query_one("SELECT id FROM config WHERE program = ? ORDER BY id LIMIT 1", {program});
    if (!r) return std::nullopt;
    return r->integer(0);
}

int64_t insert_config(db::Connection& db, const ConfigRow& c) {
    db::Transaction tx(db);
    db.exec("INSERT INTO config (name, program, command, fuse_command, info, classification) VALUES (?, ?, ?, ?, ?, ?)",
            {c.name, c.program, c.command, c.fuse_command, c.info, classification_param(c.classification)});
    auto id = static_cast<int64_t>(db.last_insert_id());
    save_limit(db, id, c.time_limit);
    tx.commit();
    return id;
}

void update_config(db::Connection& db, const ConfigRow& c) {
    db::Transaction tx(db);
    db.exec("UPDATE config SET name = ?, program = ?, command = ?, fuse_command = ?, info = ?, classification = ? "
            "WHERE id = ?",
            {c.name, c.program, c.command, c.fuse_command, c.info, classification_param(c.classification), c.id});
    save_limit(db, c.id, c.time_limit);
    tx.commit();
}

bool config_used(db::Connection& db, int64_t id) {
    return db.query_one("SELECT id FROM results_file WHERE config_id = ? LIMIT 1", {id}).has_value() ||
           db.query_one("SELECT id FROM fused_file WHERE config_id = ? LIMIT 1", {id}).has_value();
}

void delete_config(db::Connection& db, int64_t id) {
    db::Transaction tx(db);
    db.exec("DELETE FROM auth_permission WHERE table_name = 'config' AND record_id = ?", {id});
    db.exec("DELETE FROM config WHERE id = ?", {id});
    tx.commit();
}

std::vector<Classification> classifications(db::Connection& db) {
    std::vector<Classification> out;
    for (const auto& r : db.query("SELECT id, name FROM classification ORDER BY id")) out.push_back({r.integer(0), r.str(1)});
    return out;
}

std::optional<PreProcessRow> pre_process_by_id(db::Connection& db, int64_t id) {
    auto r = db.query_one("SELECT id, name, command, info FROM pre_process WHERE id = ?", {id});
    if (!r) return std::nullopt;
    return PreProcessRow{r->integer(0), r->str(1), r->str(2), r->str(3)};
}

std::vector<PreProcessRow> all_pre_processes(db::Connection& db) {
    std::vector<PreProcessRow> out;
    for (const auto& r : db.query("SELECT id, name, command, info FROM pre_process ORDER BY id"))
        out.push_back({r.integer(0), r.str(1), r.str(2), r.str(3)});
    return out;
}

int64_t insert_pre_process(db::Connection& db, const PreProcessRow& p) {
    db.exec("INSERT INTO pre_process (name, command, info) VALUES (?, ?, ?)", {p.name, p.command, p.info});
    return static_cast<int64_t>(db.last_insert_id());
}

void update_pre_process(db::Connection& db, const PreProcessRow& p) {
    db.exec("UPDATE pre_process SET name = ?, command = ?, info = ? WHERE id = ?", {p.name, p.command, p.info, p.id});
}

void delete_pre_process(db::Connection& db, int64_t id) {
    db::Transaction tx(db);
    db.exec("DELETE FROM auth_permission WHERE table_name = 'pre_process' AND record_id = ?", {id});
    db.exec("DELETE FROM pre_process WHERE id = ?", {id});
    tx.commit();
}

std::vector<GroupGrant> access_grants(db::Connection& db, const std::string& table, int64_t id) {
    std::vector<GroupGrant> out;
    for (const auto& r : db.query("SELECT g.id, g.role, g.description, EXISTS (SELECT 1 FROM auth_permission p "
                                  "WHERE p.group_id = g.id AND p.name = 'access' AND p.table_name = ? AND p.record_id = ?) "
                                  "FROM auth_group g ORDER BY g.id",
                                  {table, id}))
        out.push_back({r.integer(0), r.str(1), r.str(2), r.integer(3) != 0});
    return out;
}

bool toggle_access(db::Connection& db, int64_t g, const std::string& table, int64_t id) {
    db::Transaction tx(db);
    bool had = db.exec("DELETE FROM auth_permission WHERE group_id = ? AND name = 'access' AND table_name = ? "
                       "AND record_id = ?",
                       {g, table, id}) > 0;
    if (!had) add_permission(db, g, "access", table, id);
    tx.commit();
    return !had;
}

std::optional<std::string> group_role(db::Connection& db, int64_t g) {
    auto r = db.query_one("SELECT role FROM auth_group WHERE id = ?", {g});
    if (!r) return std::nullopt;
    return r->str(0);
}

int64_t personal_group(db::Connection& db, int64_t user_id) {
    char role[32];
    std::snprintf(role, sizeof role, "user_%04lld", static_cast<long long>(user_id));
    auto g = group_by_role(db, role);
    return g ? g->id : 0;
}

}  // namespace vidjil::model
