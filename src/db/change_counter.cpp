// The change counter and its triggers (see change_counter.h).
#include "db/change_counter.h"

#include <set>

#include "util/log.h"
#include "util/text.h"

namespace vidjil::db {

const std::vector<std::string>& change_tables() {
    // What rights (perm::Permissions), sets, files, results, configs and get_data answers are
    // read from. Foreign-key cascades do not fire triggers: every cascade of the schema starts
    // from one of these tables (auth_user, auth_group, sample_set, sequence_file, config,
    // patient, classification), whose own trigger fires.
    static const std::vector<std::string> t = {
        "auth_user",     "auth_group",   "auth_membership",       "auth_permission", "group_assoc",
        "sample_set",    "patient",      "run",                   "generic",         "sequence_file",
        "sample_set_membership",         "results_file",          "fused_file",      "config",
        "classification", "vidjil_config_limit", "user_log"};
    return t;
}

namespace {

constexpr const char* kBump = "UPDATE vidjil_change SET counter = counter + 1 WHERE id = 1";
constexpr const char* kLogged = "('patient', 'run', 'generic')";

std::string condition(const std::string& table, const std::string& event) {
    if (table != "user_log") return "";
    if (event == "INSERT") return std::string(" AND NEW.table_name IN ") + kLogged;
    if (event == "DELETE") return std::string(" AND OLD.table_name IN ") + kLogged;
    return std::string(" AND (NEW.table_name IN ") + kLogged + " OR OLD.table_name IN " + kLogged + ")";
}

}  // namespace

std::map<std::string, std::string> change_trigger_statements() {
    std::map<std::string, std::string> out;
    const std::pair<const char*, const char*> events[] = {{"INSERT", "ins"}, {"UPDATE", "upd"}, {"DELETE", "del"}};
    for (const std::string& t : change_tables())
        for (const auto& [event, suffix] : events) {
            std::string name = "vidjil_chg_" + t + "_" + suffix;
            out[name] = "CREATE TRIGGER " + name + " AFTER " + event + " ON " + t + " FOR EACH ROW " + kBump +
                        condition(t, event);
        }
    return out;
}

std::vector<std::string> missing_change_triggers(Connection& db) {
    std::set<std::string> present;
    for (const auto& r : db.query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                                  "WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE 'vidjil\\_chg\\_%'"))
        present.insert(r.str(0));
    std::vector<std::string> missing;
    for (const auto& [name, stmt] : change_trigger_statements())
        if (!present.count(name)) missing.push_back(name);
    return missing;
}

int install_change_triggers(Connection& db, std::ostream& out) {
    auto statements = change_trigger_statements();
    std::vector<std::string> missing = missing_change_triggers(db);
    int failed = 0;
    std::string first_error;
    for (const std::string& name : missing) {
        try {
            db.exec_raw(statements.at(name));
        } catch (const Error& e) {
            if (first_error.empty()) first_error = e.what();
            ++failed;
        }
    }
    if (!missing.empty() && failed == 0) {
        out << "created " << missing.size() << " change-counter triggers\n";
        // The tables may have been written without triggers: no value read before may stand.
        jump_change_counter(db);
    }
    if (failed > 0)
        out << "WARNING: " << failed << " change-counter triggers could not be created (" << first_error
            << "): the programs run without their per-process caches (slower, never stale). Grant the "
               "TRIGGER privilege, or with binary logging set log_bin_trust_function_creators = 1, then "
               "run vidjil-admin migrate again.\n";
    return failed;
}

void drop_change_triggers(Connection& db) {
    for (const auto& [name, stmt] : change_trigger_statements()) db.exec_raw("DROP TRIGGER IF EXISTS " + name);
}

void jump_change_counter(Connection& db) {
    // Random, so that two databases restored from the same backup do not meet on one value.
    uint64_t step = 1 + (std::stoull(text::random_hex(5), nullptr, 16));
    db.exec("UPDATE vidjil_change SET counter = counter + ? WHERE id = 1", {static_cast<long long>(step)});
}

bool ChangeGate::ready(Connection& db, std::time_t now) {
    if (!enabled_) return false;
    if (last_ != 0 && now - last_ < recheck_) return ok_;
    last_ = now;
    std::vector<std::string> missing = missing_change_triggers(db);
    ok_ = missing.empty();
    if (!ok_ && !logged_) {
        log::warn("change counter: " + std::to_string(missing.size()) + " trigger(s) missing (" + missing.front() +
                  "...): per-process caches off; `vidjil-admin migrate` creates them");
        logged_ = true;
    }
    if (ok_) logged_ = false;
    return ok_;
}

ChangeGate& process_change_gate() {
    static ChangeGate gate(30, false);
    return gate;
}

}  // namespace vidjil::db
