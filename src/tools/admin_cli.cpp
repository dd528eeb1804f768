// vidjil-admin user / group / jobs / check / audit (see admin_cli.h and man/vidjil-admin.8).
#include "tools/admin_cli.h"

#include <json/json.h>
#include <signal.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/password.h"
#include "jobs/hosts.h"
#include "jobs/paths.h"
#include "jobs/status.h"
#include "model/accounts.h"
#include "model/admin_cli.h"
#include "model/audit_log.h"
#include "model/events.h"
#include "model/groups.h"
#include "model/sessions.h"
#include "model/users.h"
#include "util/csv.h"
#include "util/text.h"

namespace vidjil::tools {

std::string read_password() {
    const char* env = std::getenv("VIDJIL_ADMIN_PASSWORD");
    if (env && *env) return env;
    if (isatty(0)) std::cerr << "Password: ";
    std::string pw;
    std::getline(std::cin, pw);
    return pw;
}

const char* admin_cli_usage() {
    return "  user add EMAIL [--first F] [--last L] [--admin] [--group G]...\n"
           "                          create an account as registration does (password as init-db)\n"
           "  user list [--json]      every account with its state and groups\n"
           "  user disable EMAIL      block an account (login refused, sessions ended)\n"
           "  user enable EMAIL       let a blocked (or pending) account log in again\n"
           "  group add NAME [--description D] [--parent G]\n"
           "  group list [--json]\n"
           "  group member add|remove GROUP EMAIL\n"
           "  group member list GROUP [--json]\n"
           "  jobs list [--status S] [--limit N] [--json]\n"
           "  jobs requeue ID         a FAILED, TIMEOUT or stuck RUNNING job back to QUEUED\n"
           "  jobs cancel ID          a queued, waiting or running job to FAILED (running: stopped)\n"
           "  check [--json]          rows pointing to missing files, files no row points to, jobs\n"
           "                          stuck in RUNNING (exit status 1 when something is found)\n"
           "  audit [--user EMAIL] [--set ID] [--since DATE] [--until DATE] [--limit N] [--csv]\n"
           "                          who read or changed which patient's data\n";
}

namespace {

// A usage error: the command's own usage line on standard error, exit status 2.
struct Usage {
    std::string line;
};

// Arguments after the sub-command: options with a value (--name VALUE or --name=VALUE),
// flags, and positional arguments.
struct Args {
    std::vector<std::string> pos;
    std::multimap<std::string, std::string> opts;
    std::set<std::string> flags;

    Args(int argc, char** argv, int from, const std::set<std::string>& with_value, const std::set<std::string>& flag_names,
         const std::string& usage) {
        for (int i = from; i < argc; ++i) {
            std::string a = argv[i];
            if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
                std::string name = a.substr(2), value;
                bool inline_value = false;
                if (auto eq = name.find('='); eq != std::string::npos) {
                    value = name.substr(eq + 1);
                    name = name.substr(0, eq);
                    inline_value = true;
                }
                if (with_value.count(name)) {
                    if (!inline_value) {
                        if (i + 1 >= argc) throw Usage{usage};
                        value = argv[++i];
                    }
                    opts.emplace(name, value);
                } else if (flag_names.count(name) && !inline_value) {
                    flags.insert(name);
                } else {
                    throw std::runtime_error("unknown option --" + name + "\nusage: vidjil-admin " + usage);
                }
            } else {
                pos.push_back(a);
            }
        }
    }
    std::string get(const std::string& name, const std::string& dflt = "") const {
        auto it = opts.find(name);
        return it == opts.end() ? dflt : it->second;
    }
    bool has(const std::string& name) const { return opts.count(name) || flags.count(name); }
};

std::string json_text(const Json::Value& v) {
    Json::StreamWriterBuilder b;
    b["indentation"] = "  ";
    b["emitUTF8"] = true;
    return Json::writeString(b, v) + "\n";
}

Json::Value opt_json(const std::optional<int64_t>& v) {
    return v ? Json::Value(static_cast<Json::Int64>(*v)) : Json::Value(Json::nullValue);
}

model::User user_or_fail(db::Connection& db, const std::string& email) {
    auto u = model::user_by_email(db, text::to_lower(email));
    if (!u) throw std::runtime_error("no user with e-mail " + email);
    return *u;
}

// A group named NAME, or with id NAME when no group has that name and NAME is a number.
model::GroupRow group_or_fail(db::Connection& db, const std::string& name) {
    if (auto g = model::group_by_role(db, name))
        if (auto row = model::group_row(db, g->id)) return *row;
    if (auto id = text::parse_int(name))
        if (auto row = model::group_row(db, *id)) return *row;
    throw std::runtime_error("no group named " + name);
}

std::string account_state(const std::string& token) {
    if (token.empty()) return "active";
    if (token == model::kAccountBlocked) return "blocked";
    if (text::starts_with(token, "pending-registration")) return "pending registration";
    if (token == "pending-approval") return "pending approval";
    return "blocked (" + token + ")";
}

int64_t parse_id(const std::string& s, const std::string& what) {
    auto v = text::parse_int(s);
    if (!v || *v <= 0) throw std::runtime_error("not a valid " + what + ": " + s);
    return *v;
}

// --- user -------------------------------------------------------------------------------------

int user_add(db::Connection& db, const Config& cfg, const Args& a, std::ostream& out) {
    if (a.pos.size() != 1) throw Usage{"user add EMAIL [--first F] [--last L] [--admin] [--group G]..."};
    std::string email = text::to_lower(text::trim(a.pos[0]));
    if (!text::is_email(email)) throw std::runtime_error("not an e-mail address: " + a.pos[0]);
    if (model::email_taken(db, email)) throw std::runtime_error("a user with e-mail " + email + " already exists");
    std::vector<model::GroupRow> groups;
    if (a.has("admin")) {
        auto g = model::group_by_role(db, "admin");
        if (!g) throw std::runtime_error("there is no admin group: run `vidjil-admin init-db` first");
        groups.push_back(*model::group_row(db, g->id));
    }
    for (auto [it, end] = a.opts.equal_range("group"); it != end; ++it) groups.push_back(group_or_fail(db, it->second));
    std::string pw = read_password();
    if (auto p = auth::password_problem(pw, auth::PasswordPolicy::from_config(cfg), email); !p.empty())
        throw std::runtime_error(p);
    std::string hash = auth::hash_password(pw);
    db::Transaction tx(db);
    int64_t uid = model::create_account(db, email, a.get("first"), a.get("last"), hash,
                                        cfg.get("PUBLIC_GROUP_NAME", "public"));
    for (const auto& g : groups) model::add_membership(db, uid, g.id);
    model::audit(db, std::nullopt, std::nullopt, "", "user_add", "auth_user", uid, "vidjil-admin " + email);
    tx.commit();
    out << "user " << uid << " (" << email << ") created";
    for (size_t i = 0; i < groups.size(); ++i) out << (i ? ", " : "; member of ") << groups[i].role;
    out << "\n";
    return 0;
}

int user_list(db::Connection& db, const Args& a, std::ostream& out) {
    if (!a.pos.empty()) throw Usage{"user list [--json]"};
    auto users = model::list_accounts(db);
    if (a.has("json")) {
        Json::Value arr(Json::arrayValue);
        for (const auto& u : users) {
            Json::Value v(Json::objectValue);
            v["id"] = static_cast<Json::Int64>(u.id);
            v["email"] = u.email;
            v["first_name"] = u.first_name;
            v["last_name"] = u.last_name;
            v["state"] = account_state(u.action_token);
            v["groups"] = Json::Value(Json::arrayValue);
            for (const auto& g : u.groups) v["groups"].append(g);
            arr.append(v);
        }
        out << json_text(arr);
        return 0;
    }
    for (const auto& u : users) {
        out << u.id << "\t" << u.email << "\t" << u.first_name << " " << u.last_name << "\t" << account_state(u.action_token)
            << "\t";
        for (size_t i = 0; i < u.groups.size(); ++i) out << (i ? "," : "") << u.groups[i];
        out << "\n";
    }
    return 0;
}

int user_state(db::Connection& db, const Args& a, bool enable, std::ostream& out) {
    if (a.pos.size() != 1) throw Usage{enable ? "user enable EMAIL" : "user disable EMAIL"};
    model::User u = user_or_fail(db, a.pos[0]);
    db::Transaction tx(db);
    if (!enable) {
        // Never lock every administrator out.
        if (auto admin = model::group_by_role(db, "admin"); admin && model::is_member(db, u.id, admin->id)) {
            int active = 0;
            for (const auto& m : model::group_members(db, admin->id))
                if (auto mu = model::user_by_id(db, m.id); mu && mu->action_token.empty() && mu->id != u.id) ++active;
            if (active == 0) throw std::runtime_error(u.email + " is the last active administrator: not disabled");
        }
    }
    std::string before = account_state(u.action_token);
    model::set_account_token(db, u.id, enable ? "" : model::kAccountBlocked);
    if (!enable) model::delete_user_sessions(db, u.id);
    model::audit(db, std::nullopt, std::nullopt, "", enable ? "user_enable" : "user_disable", "auth_user", u.id,
                 "vidjil-admin, was " + before);
    tx.commit();
    if (enable) out << "user " << u.id << " (" << u.email << ") enabled (was " << before << ")\n";
    else out << "user " << u.id << " (" << u.email << ") disabled: login refused, sessions ended\n";
    return 0;
}

// --- group ------------------------------------------------------------------------------------

Json::Value group_json(const model::GroupRow& g) {
    Json::Value v(Json::objectValue);
    v["id"] = static_cast<Json::Int64>(g.id);
    v["name"] = g.role;
    v["description"] = g.description;
    v["members"] = static_cast<Json::Int64>(g.members);
    v["parents"] = Json::Value(Json::arrayValue);
    for (const auto& p : g.parents) v["parents"].append(p);
    return v;
}

int group_add(db::Connection& db, const Args& a, std::ostream& out) {
    if (a.pos.size() != 1) throw Usage{"group add NAME [--description D] [--parent G]"};
    std::string name = text::trim(a.pos[0]);
    if (name.empty()) throw std::runtime_error("a group needs a name");
    if (model::group_by_role(db, name)) throw std::runtime_error("a group named " + name + " already exists");
    std::optional<int64_t> parent;
    if (a.has("parent")) parent = group_or_fail(db, a.get("parent")).id;
    db::Transaction tx(db);
    int64_t gid = model::create_group(db, name, a.get("description"), parent, std::nullopt);
    model::audit(db, std::nullopt, std::nullopt, "", "group_create", "auth_group", gid, "vidjil-admin " + name);
    tx.commit();
    out << "group " << gid << " (" << name << ") created";
    if (parent) out << " under group " << *parent;
    out << "\n";
    return 0;
}

int group_list(db::Connection& db, const Args& a, std::ostream& out) {
    if (!a.pos.empty()) throw Usage{"group list [--json]"};
    auto groups = model::list_groups(db, std::nullopt);
    if (a.has("json")) {
        Json::Value arr(Json::arrayValue);
        for (const auto& g : groups) arr.append(group_json(g));
        out << json_text(arr);
        return 0;
    }
    for (const auto& g : groups) {
        out << g.id << "\t" << g.role << "\t" << g.members << " member(s)";
        for (size_t i = 0; i < g.parents.size(); ++i) out << (i ? "," : "\tparent ") << g.parents[i];
        out << "\t" << g.description << "\n";
    }
    return 0;
}

int group_member(db::Connection& db, const Args& a, std::ostream& out) {
    const std::string usage = "group member add|remove GROUP EMAIL | group member list GROUP [--json]";
    if (a.pos.empty()) throw Usage{usage};
    const std::string& what = a.pos[0];
    if (what == "list") {
        if (a.pos.size() != 2) throw Usage{usage};
        auto g = group_or_fail(db, a.pos[1]);
        auto members = model::group_members(db, g.id);
        if (a.has("json")) {
            Json::Value arr(Json::arrayValue);
            for (const auto& m : members) {
                Json::Value v(Json::objectValue);
                v["id"] = static_cast<Json::Int64>(m.id);
                v["email"] = m.email;
                v["first_name"] = m.first_name;
                v["last_name"] = m.last_name;
                v["last_login"] = m.last_login;
                arr.append(v);
            }
            out << json_text(arr);
            return 0;
        }
        for (const auto& m : members)
            out << m.id << "\t" << m.email << "\t" << m.first_name << " " << m.last_name << "\t" << m.last_login << "\n";
        return 0;
    }
    if ((what != "add" && what != "remove") || a.pos.size() != 3) throw Usage{usage};
    auto g = group_or_fail(db, a.pos[1]);
    model::User u = user_or_fail(db, a.pos[2]);
    bool member = model::is_member(db, u.id, g.id);
    db::Transaction tx(db);
    if (what == "add") {
        if (member) {
            out << u.email << " is already a member of group " << g.role << "\n";
            return 0;
        }
        model::add_membership(db, u.id, g.id);
    } else {
        if (!member) throw std::runtime_error(u.email + " is not a member of group " + g.role);
        if (g.role == "admin" && model::group_members(db, g.id).size() <= 1)
            throw std::runtime_error("the last administrator cannot be removed from the admin group");
        model::remove_membership(db, u.id, g.id);
    }
    model::audit(db, std::nullopt, std::nullopt, "", what == "add" ? "group_invite" : "group_kick", "auth_group", g.id,
                 "vidjil-admin user " + std::to_string(u.id));
    tx.commit();
    out << u.email << (what == "add" ? " added to" : " removed from") << " group " << g.role << "\n";
    return 0;
}

// --- jobs -------------------------------------------------------------------------------------

// Why a RUNNING job is stuck ("" = its runner is alive), as the runner's own recovery judges:
// on this host, its runner process is gone; elsewhere, no heartbeat for RUNNER_HEARTBEAT_TIMEOUT s.
std::string stuck_reason(const Config& cfg, const model::JobListRow& j, int64_t now) {
    if (!j.tracked) return "queued by the original server's scheduler, not by vidjil-runner";
    int64_t stale = jobs::heartbeat_timeout(cfg);
    if (j.host == jobs::runner_host(cfg) && j.pid && !jobs::is_live_runner(*j.pid))
        return "its runner (pid " + std::to_string(*j.pid) + " on " + j.host + ") is gone";
    if (!j.heartbeat) return "no heartbeat from the runner on " + j.host;
    if (now - *j.heartbeat > stale)
        return "no heartbeat from the runner on " + j.host + " for " + std::to_string(now - *j.heartbeat) + " s";
    return "";
}

Json::Value job_json(const model::JobListRow& j) {
    Json::Value v(Json::objectValue);
    v["id"] = static_cast<Json::Int64>(j.task_id);
    v["kind"] = j.kind;
    v["status"] = j.status;
    v["results_file_id"] = opt_json(j.results_file_id);
    v["sequence_file_id"] = opt_json(j.sequence_file_id);
    v["config_id"] = opt_json(j.config_id);
    v["host"] = j.host;
    v["pid"] = opt_json(j.pid);
    v["heartbeat"] = opt_json(j.heartbeat);
    v["attempts"] = j.attempts;
    v["queued_at"] = j.queued_at;
    v["started_at"] = j.started_at;
    v["ended_at"] = j.ended_at;
    v["requested_by"] = j.requested_by;
    v["message"] = j.message;
    return v;
}

model::JobListRow job_or_fail(db::Connection& db, const std::string& id) {
    auto j = model::job_row(db, parse_id(id, "job id"));
    if (!j) throw std::runtime_error("no job " + id);
    return *j;
}

int jobs_cmd(db::Connection& db, const Config& cfg, const Args& a, std::ostream& out) {
    const std::string usage = "jobs list [--status S] [--limit N] [--json] | jobs requeue ID | jobs cancel ID";
    if (a.pos.empty()) throw Usage{usage};
    const std::string& what = a.pos[0];
    if (what == "list") {
        if (a.pos.size() != 1) throw Usage{usage};
        std::string status = a.get("status");
        for (char& ch : status) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        static const std::set<std::string> known = {"PENDING", "QUEUED", "WAITING", "RUNNING", "COMPLETED",
                                                    "FAILED", "TIMEOUT", "ASSIGNED", "STOPPED", "EXPIRED"};
        if (!status.empty() && !known.count(status)) throw std::runtime_error("unknown job status " + a.get("status"));
        int64_t limit = 50;
        if (a.has("limit")) limit = parse_id(a.get("limit"), "limit");
        auto rows = model::list_jobs(db, status, limit);
        if (a.has("json")) {
            Json::Value arr(Json::arrayValue);
            for (const auto& j : rows) arr.append(job_json(j));
            out << json_text(arr);
            return 0;
        }
        for (const auto& j : rows) {
            out << j.task_id << "\t" << j.kind << "\t" << j.status << "\t";
            if (j.results_file_id) out << "result " << *j.results_file_id << " ";
            if (j.sequence_file_id) out << "file " << *j.sequence_file_id << " ";
            if (j.config_id) out << "config " << *j.config_id;
            out << "\t" << j.queued_at << "\t" << (j.host.empty() ? "-" : j.host) << "\t" << j.message << "\n";
        }
        return 0;
    }
    if ((what != "requeue" && what != "cancel") || a.pos.size() != 2) throw Usage{usage};
    model::JobListRow j = job_or_fail(db, a.pos[1]);
    const std::string id = std::to_string(j.task_id);
    if (what == "requeue") {
        if (j.status == jobs::QUEUED) {
            out << "job " << id << " is already QUEUED\n";
            return 0;
        }
        if (j.status == jobs::RUNNING) {
            std::string why = stuck_reason(cfg, j, std::time(nullptr));
            if (why.empty())
                throw std::runtime_error("job " + id + " is running on " + j.host +
                                         " and its runner is alive: cancel it first (vidjil-admin jobs cancel " + id + ")");
        } else if (j.status != jobs::FAILED && j.status != jobs::TIMEOUT) {
            throw std::runtime_error("job " + id + " is " + j.status + ": only FAILED, TIMEOUT or stuck RUNNING jobs are requeued");
        }
        if (!model::requeue_job(db, j.task_id, j.status, "queued again by an administrator"))
            throw std::runtime_error("job " + id + " changed meanwhile: nothing done, look again");
        model::audit(db, std::nullopt, std::nullopt, "", "job_requeue", "scheduler_task", j.task_id,
                     "vidjil-admin, was " + j.status);
        out << "job " << id << " queued again (was " << j.status << ")\n";
        return 0;
    }
    if (jobs::is_terminal(j.status))
        throw std::runtime_error("job " + id + " has already ended (" + j.status + "): nothing to cancel");
    const std::string message = "cancelled by administrator";
    if (!model::cancel_job(db, j.task_id, j.status, message))
        throw std::runtime_error("job " + id + " changed meanwhile: nothing done, look again");
    model::audit(db, std::nullopt, std::nullopt, "", "job_cancel", "scheduler_task", j.task_id,
                 "vidjil-admin, was " + j.status);
    out << "job " << id << " cancelled (was " << j.status << ")";
    if (j.status == jobs::RUNNING) {
        // The program leads its own process group (jobs::spawn): the whole group is signalled.
        if (j.host == jobs::runner_host(cfg) && j.child_pid && *j.child_pid > 0 &&
            ::kill(-static_cast<pid_t>(*j.child_pid), SIGTERM) == 0) {
            out << "; its program (pid " << *j.child_pid << ") was sent SIGTERM";
        } else {
            out << "; the runner on " << j.host << " stops its program at its next heartbeat";
        }
    }
    out << "\n";
    return 0;
}

// --- check ------------------------------------------------------------------------------------

// Regular files (or links) directly inside `dir`, with their age in seconds.
std::map<std::string, int64_t> files_in(const std::string& dir, int64_t now, std::vector<std::string>& errors) {
    std::map<std::string, int64_t> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        errors.push_back("cannot read the directory " + dir);
        return out;
    }
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (::lstat((dir + "/" + name).c_str(), &st) != 0) continue;
        if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) continue;
        out[name] = now - static_cast<int64_t>(st.st_mtime);
    }
    ::closedir(d);
    return out;
}

int check_cmd(db::Connection& db, const Config& cfg, const Args& a, std::ostream& out) {
    if (!a.pos.empty()) throw Usage{"check [--json]"};
    // A file younger than this may be an upload or a result being written: not reported.
    constexpr int64_t kMinAge = 600;
    int64_t now = std::time(nullptr);
    const std::string seq_dir = jobs::sequences_dir(cfg), res_dir = jobs::results_dir(cfg);
    Json::Value missing(Json::arrayValue), unreferenced(Json::arrayValue), stuck(Json::arrayValue);
    std::vector<std::string> errors;
    std::set<std::string> seq_names, res_names;
    for (const auto& ref : model::file_references(db)) {
        (ref.in_sequences ? seq_names : res_names).insert(ref.name);
        auto path = ref.in_sequences ? jobs::stored_sequence_path(cfg, ref.name) : jobs::stored_result_path(cfg, ref.name);
        struct stat st {};
        std::string problem;
        if (!path) problem = "not a plain file name";
        else if (::stat(path->c_str(), &st) != 0) problem = "missing";
        else if (!S_ISREG(st.st_mode)) problem = "not a regular file";
        if (problem.empty()) continue;
        Json::Value v(Json::objectValue);
        v["table"] = ref.table;
        v["column"] = ref.column;
        v["id"] = static_cast<Json::Int64>(ref.id);
        v["file"] = ref.name;
        v["path"] = path ? *path : (ref.in_sequences ? seq_dir : res_dir) + "/" + ref.name;
        v["problem"] = problem;
        missing.append(v);
    }
    for (const auto& [dir, names] : {std::pair{seq_dir, &seq_names}, std::pair{res_dir, &res_names}}) {
        for (const auto& [name, age] : files_in(dir, now, errors)) {
            if (names->count(name) || age < kMinAge) continue;
            Json::Value v(Json::objectValue);
            v["path"] = dir + "/" + name;
            v["age_days"] = static_cast<Json::Int64>(age / 86400);
            unreferenced.append(v);
        }
    }
    for (const auto& j : model::list_jobs(db, jobs::RUNNING, 100000)) {
        std::string why = stuck_reason(cfg, j, now);
        if (why.empty()) continue;
        Json::Value v = job_json(j);
        v["problem"] = why;
        stuck.append(v);
    }
    bool problems = !missing.empty() || !unreferenced.empty() || !stuck.empty() || !errors.empty();
    if (a.has("json")) {
        Json::Value v(Json::objectValue);
        v["missing_files"] = missing;
        v["unreferenced_files"] = unreferenced;
        v["stuck_jobs"] = stuck;
        v["errors"] = Json::Value(Json::arrayValue);
        for (const auto& e : errors) v["errors"].append(e);
        v["clean"] = !problems;
        out << json_text(v);
        return problems ? 1 : 0;
    }
    out << "rows pointing to missing files: " << missing.size() << "\n";
    for (const auto& m : missing)
        out << "  " << m["table"].asString() << " " << m["id"].asInt64() << " " << m["column"].asString() << ": "
            << m["path"].asString() << " (" << m["problem"].asString() << ")\n";
    out << "files no row points to (older than " << kMinAge / 60 << " minutes): " << unreferenced.size() << "\n";
    for (const auto& u : unreferenced) out << "  " << u["path"].asString() << "\n";
    out << "jobs stuck in RUNNING: " << stuck.size() << "\n";
    for (const auto& s : stuck)
        out << "  job " << s["id"].asInt64() << " (" << s["kind"].asString() << "): " << s["problem"].asString()
            << " (vidjil-admin jobs requeue " << s["id"].asInt64() << ")\n";
    for (const auto& e : errors) out << "error: " << e << "\n";
    out << (problems ? "problems found\n" : "everything is consistent\n");
    return problems ? 1 : 0;
}

// --- audit ------------------------------------------------------------------------------------

int audit_cmd(db::Connection& db, const Args& a, std::ostream& out) {
    if (!a.pos.empty()) throw Usage{"audit [--user EMAIL] [--set ID] [--since DATE] [--until DATE] [--limit N] [--csv]"};
    model::AuditFilter f;
    if (a.has("user")) f.user_id = user_or_fail(db, a.get("user")).id;
    if (a.has("set")) f.sample_set_id = parse_id(a.get("set"), "sample set id");
    for (const char* k : {"since", "until"}) {
        if (!a.has(k)) continue;
        auto d = model::audit_date(a.get(k), std::string(k) == "until");
        if (!d) throw std::runtime_error("not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS): " + a.get(k));
        (std::string(k) == "since" ? f.since : f.until) = *d;
    }
    f.limit = a.has("limit") ? parse_id(a.get("limit"), "limit") : INT64_MAX;
    bool as_csv = a.has("csv");
    if (as_csv) out << csv::line(model::audit_columns());
    else {
        auto cols = model::audit_columns();
        for (size_t i = 0; i < cols.size(); ++i) out << (i ? "\t" : "") << cols[i];
        out << "\n";
    }
    model::each_audit_row(db, f, [&](const model::AuditRow& r) {
        auto cells = model::audit_cells(r);
        if (as_csv) {
            out << csv::line(cells);
            return;
        }
        for (size_t i = 0; i < cells.size(); ++i) {
            std::string c = cells[i];
            for (char& ch : c)
                if (ch == '\t' || ch == '\n' || ch == '\r') ch = ' ';
            out << (i ? "\t" : "") << c;
        }
        out << "\n";
    });
    return 0;
}

int usage_error(const Usage& u) {
    std::cerr << "usage: vidjil-admin " << u.line << "\n";
    return 2;
}

}  // namespace

int cmd_user(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    try {
        std::string sub = argc > 1 ? argv[1] : "";
        const std::string usage = "user add|list|disable|enable ...";
        if (sub == "add") return user_add(db, cfg, Args(argc, argv, 2, {"first", "last", "group"}, {"admin"}, usage), out);
        if (sub == "list") return user_list(db, Args(argc, argv, 2, {}, {"json"}, usage), out);
        if (sub == "disable" || sub == "enable") return user_state(db, Args(argc, argv, 2, {}, {}, usage), sub == "enable", out);
        throw Usage{usage};
    } catch (const Usage& u) {
        return usage_error(u);
    }
}

int cmd_group(db::Connection& db, const Config&, int argc, char** argv, std::ostream& out) {
    try {
        std::string sub = argc > 1 ? argv[1] : "";
        const std::string usage = "group add|list|member ...";
        if (sub == "add") return group_add(db, Args(argc, argv, 2, {"description", "parent"}, {}, usage), out);
        if (sub == "list") return group_list(db, Args(argc, argv, 2, {}, {"json"}, usage), out);
        if (sub == "member") return group_member(db, Args(argc, argv, 2, {}, {"json"}, usage), out);
        throw Usage{usage};
    } catch (const Usage& u) {
        return usage_error(u);
    }
}

int cmd_jobs(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    try {
        return jobs_cmd(db, cfg, Args(argc, argv, 1, {"status", "limit"}, {"json"}, "jobs list|requeue|cancel ..."), out);
    } catch (const Usage& u) {
        return usage_error(u);
    }
}

int cmd_check(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    try {
        return check_cmd(db, cfg, Args(argc, argv, 1, {}, {"json"}, "check [--json]"), out);
    } catch (const Usage& u) {
        return usage_error(u);
    }
}

int cmd_audit(db::Connection& db, const Config&, int argc, char** argv, std::ostream& out) {
    try {
        return audit_cmd(db,
                         Args(argc, argv, 1, {"user", "set", "since", "until", "limit"}, {"csv"},
                              "audit [--user EMAIL] [--set ID] [--since DATE] [--until DATE] [--limit N] [--csv]"),
                         out);
    } catch (const Usage& u) {
        return usage_error(u);
    }
}

}  // namespace vidjil::tools
