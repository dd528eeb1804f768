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

// The kept file counts (sql/062): patient/run/generic.file_count = the number of
// sample_set_membership rows of the row's set. `delta` added to the counts of the set `set_id`
// (an SQL expression of the trigger's row).
std::string add_to_count(const std::string& set_id, const std::string& delta) {
    std::string s;
    for (const char* d : {"patient", "run", "generic"})
        s += std::string("UPDATE ") + d + " SET file_count = file_count + " + delta + " WHERE sample_set_id = " + set_id + "; ";
    return s;
}

constexpr const char* kCountOfNew = "(SELECT COUNT(*) FROM sample_set_membership m WHERE m.sample_set_id = NEW.sample_set_id)";

void add_count_triggers(std::map<std::string, std::string>& out) {
    const std::string p = "vidjil_chg_cnt_";
    out[p + "membership_ins"] = "CREATE TRIGGER " + p + "membership_ins AFTER INSERT ON sample_set_membership FOR EACH ROW "
                                "BEGIN " + add_to_count("NEW.sample_set_id", "1") + "END";
    out[p + "membership_del"] = "CREATE TRIGGER " + p + "membership_del AFTER DELETE ON sample_set_membership FOR EACH ROW "
                                "BEGIN " + add_to_count("OLD.sample_set_id", "-1") + "END";
    out[p + "membership_upd"] = "CREATE TRIGGER " + p + "membership_upd AFTER UPDATE ON sample_set_membership FOR EACH ROW "
                                "IF NOT (NEW.sample_set_id <=> OLD.sample_set_id) THEN " +
                                add_to_count("OLD.sample_set_id", "-1") + add_to_count("NEW.sample_set_id", "1") + "END IF";
    // A sequence file's memberships are deleted by the foreign key's cascade, which fires no
    // trigger: they are taken off their sets' counts before (undone with the statement if the
    // delete fails).
    std::string file_del;
    for (const char* d : {"patient", "run", "generic"})
        file_del += std::string("UPDATE ") + d + " d JOIN (SELECT sample_set_id, COUNT(*) AS n FROM sample_set_membership "
                    "WHERE sequence_file_id = OLD.id GROUP BY sample_set_id) m ON m.sample_set_id = d.sample_set_id "
                    "SET d.file_count = d.file_count - m.n; ";
    out[p + "sequence_file_del"] =
        "CREATE TRIGGER " + p + "sequence_file_del BEFORE DELETE ON sequence_file FOR EACH ROW BEGIN " + file_del + "END";
    // A detail row is counted when it is made or given another set (whatever count it was given).
    for (const std::string d : {"patient", "run", "generic"}) {
        out[p + d + "_ins"] = "CREATE TRIGGER " + p + d + "_ins BEFORE INSERT ON " + d +
                              " FOR EACH ROW SET NEW.file_count = " + kCountOfNew;
        out[p + d + "_upd"] = "CREATE TRIGGER " + p + d + "_upd BEFORE UPDATE ON " + d +
                              " FOR EACH ROW IF NOT (NEW.sample_set_id <=> OLD.sample_set_id) THEN SET NEW.file_count = " +
                              kCountOfNew + "; END IF";
    }
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
    add_count_triggers(out);
    return out;
}

void recount_set_files(Connection& db) {
    for (const char* d : {"patient", "run", "generic"})
        db.exec_raw(std::string("UPDATE ") + d + " d SET d.file_count = (SELECT COUNT(*) FROM sample_set_membership m WHERE "
                    "m.sample_set_id = d.sample_set_id) WHERE d.file_count <> (SELECT COUNT(*) FROM sample_set_membership m "
                    "WHERE m.sample_set_id = d.sample_set_id)");
}

bool set_file_counts_exact(Connection& db, std::time_t now) {
    ChangeGate& gate = process_change_gate();
    if (gate.enabled()) return gate.ready(db, now);
    return missing_change_triggers(db).empty();
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
        // Rows written while a trigger was missing may have left a kept file count stale.
        recount_set_files(db);
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
