// The metrics endpoints (see metrics.h and doc/metrics.md).
#include "endpoints/metrics.h"

#include <sys/statvfs.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <ostream>
#include <sstream>

#include "auth/password.h"
#include "jobs/paths.h"
#include "model/metrics.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

namespace {

// The 21 metrics (names are ours: the seeds' list is not available; see doc/metrics.md).
struct MetricDoc {
    const char* name;
    const char* list;  // "fast" or "long"
    const char* help;
};
const MetricDoc kMetrics[] = {
    {"user_count", "fast", "Accounts (auth_user rows)."},
    {"group_count", "fast", "Groups (auth_group rows, personal groups included)."},
    {"set_patients_count", "fast", "Patients (patient rows)."},
    {"set_runs_count", "fast", "Runs (run rows)."},
    {"set_generics_count", "fast", "Generic sets (generic rows)."},
    {"sequence_file_count", "fast", "Sequence files (sequence_file rows)."},
    {"results_file_count", "fast", "Analysis results (results_file rows, hidden grep-reads runs included)."},
    {"fused_file_count", "fast", "Fused files (fused_file rows)."},
    {"analysis_file_count", "fast", "Saved analyses (analysis_file rows)."},
    {"config_count", "fast", "Analysis configurations (config rows)."},
    {"pre_process_count", "fast", "Pre-processes (pre_process rows)."},
    {"jobs_by_status", "fast", "Jobs (scheduler_task rows) by status."},
    {"sequence_file_size_bytes", "long", "Declared size of every sequence file (size_file + size_file2), in bytes."},
    {"results_storage_bytes", "long", "Bytes of the regular files below DIR_RESULTS (results, fused files, analyses, work directories)."},
    {"user_by_groups", "long", "Members of each group, personal groups (user_NNNN) excepted."},
    {"set_patients_by_groups", "long", "Patients owned by each group (access permission on the set)."},
    {"set_runs_by_groups", "long", "Runs owned by each group."},
    {"set_generics_by_groups", "long", "Generic sets owned by each group."},
    {"sequence_file_by_groups", "long", "Distinct sequence files in the sets owned by each group."},
    {"results_file_by_config", "long", "Analysis results by configuration."},
    {"config_analysis_by_groups", "long", "Analysis results by configuration and by group owning a set of the analysed file."},
};

int64_t now_s() { return static_cast<int64_t>(time(nullptr)); }

// Bytes of the regular files below `dir` (symbolic links are not followed; unreadable parts skipped).
int64_t tree_bytes(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    int64_t total = 0;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        std::error_code e2;
        auto st = it->symlink_status(e2);
        if (e2 || !fs::is_regular_file(st)) continue;
        auto n = it->file_size(e2);
        if (!e2) total += static_cast<int64_t>(n);
    }
    return total;
}

Json::Value compute(db::Connection& db, const Config& cfg, const std::string& list) {
    if (list == "fast") return model::metrics_fast(db);
    Json::Value m = model::metrics_long(db);
    m["results_storage_bytes"] = Json::Int64(tree_bytes(jobs::results_dir(cfg)));
    return m;
}

struct Unlock {
    db::Connection& db;
    std::string list;
    bool held;
    ~Unlock() {
        if (!held) return;
        try {
            model::metrics_unlock(db, list);
        } catch (...) {
        }
    }
};

MetricsList from_entry(const model::MetricsCacheEntry& e) {
    MetricsList l;
    l.computed_at = e.computed_at;
    l.duration_ms = e.duration_ms;
    if (!http::json_parse(e.body, l.metrics) || !l.metrics.isObject())
        throw std::runtime_error("the metrics cache holds invalid JSON");
    return l;
}

Response json_list(Context& c, const std::string& list) {
    MetricsList l = metrics_list(c.db, c.cfg, list, c.params.get_bool("refresh", false));
    Json::Value v(Json::objectValue);
    v["list"] = list;
    v["computed_at"] = Json::Int64(l.computed_at);
    v["age_seconds"] = Json::Int64(std::max<int64_t>(0, now_s() - l.computed_at));
    v["duration_ms"] = Json::Int64(l.duration_ms);
    v["metrics"] = l.metrics;
    return Response::json_api(v);
}

// The printed form of a Prometheus sample value (integers as integers).
std::string num(double v) {
    std::ostringstream o;
    o.precision(15);
    o << v;
    return o.str();
}

void gauge(std::ostream& o, const std::string& name, const std::string& help) {
    o << "# HELP vidjil_" << name << " " << help << "\n# TYPE vidjil_" << name << " gauge\n";
}

// {"a":1,"b":"x","value":3} -> {a="1",b="x"} (every key but "value", in key order).
std::string labels_of(const Json::Value& item) {
    std::string out;
    for (const auto& k : item.getMemberNames()) {
        if (k == "value") continue;
        const Json::Value& v = item[k];
        std::string s = v.isString() ? v.asString() : v.isIntegral() ? std::to_string(v.asInt64()) : v.toStyledString();
        out += (out.empty() ? "" : ",") + k + "=\"" + prometheus_label(s) + "\"";
    }
    return out.empty() ? "" : "{" + out + "}";
}

bool token_matches(const std::string& given, const std::string& expected) {
    // Both sides hashed first: the comparison time depends on neither length nor content.
    std::string a = text::sha256_hex(given), b = text::sha256_hex(expected);
    unsigned char d = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
    return d == 0 && a.size() == b.size();
}

}  // namespace

MetricsList metrics_list(db::Connection& db, const Config& cfg, const std::string& list, bool force, bool allow_stale) {
    const int64_t ttl = list == "fast" ? cfg.get_int("METRICS_FAST_CACHE_SECONDS", 300)
                                       : cfg.get_int("METRICS_CACHE_SECONDS", 3600);
    const int64_t start = now_s();
    auto fresh = [&](const std::optional<model::MetricsCacheEntry>& e) {
        return e && e->computed_at <= start && start - e->computed_at < ttl;
    };
    auto cached = model::metrics_cache_get(db, list);
    if (!force && fresh(cached)) return from_entry(*cached);
    if (!force && allow_stale && cached) {
        MetricsList l = from_entry(*cached);
        l.stale = true;
        return l;
    }
    // Stale, absent or forced: one process recomputes, the others use the previous figures
    // meanwhile (or wait for the first ones).
    Unlock lock{db, list, model::metrics_lock(db, list, 0)};
    bool waited = false;
    if (!lock.held) {
        if (cached && !force) return from_entry(*cached);
        lock.held = model::metrics_lock(db, list, 120);
        if (!lock.held) throw std::runtime_error("the " + list + " metrics did not finish computing within 120 s");
        waited = true;
    }
    // Another process may have refreshed the list meanwhile: fresh figures (or, for a forced
    // refresh, the ones computed while this request waited for the lock) are used as they are.
    cached = model::metrics_cache_get(db, list);
    if (cached && (force ? waited && cached->computed_at >= start : fresh(cached))) return from_entry(*cached);
    auto t0 = std::chrono::steady_clock::now();
    MetricsList l;
    l.metrics = compute(db, cfg, list);
    l.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    l.computed_at = now_s();
    l.computed_now = true;
    model::metrics_cache_put(db, list, {l.computed_at, l.duration_ms, http::json_compact(l.metrics)});
    return l;
}

std::string prometheus_label(const std::string& value) {
    std::string out;
    for (char ch : value) {
        if (ch == '\\') out += "\\\\";
        else if (ch == '"') out += "\\\"";
        else if (ch == '\n') out += "\\n";
        else out.push_back(ch);
    }
    return out;
}

std::string prometheus_text(db::Connection& db, const Config& cfg, std::vector<std::string>* stale) {
    auto t0 = std::chrono::steady_clock::now();
    std::ostringstream o;
    const int64_t now = now_s();
    const bool allow_stale = stale != nullptr;
    MetricsList lists[2] = {metrics_list(db, cfg, "fast", false, allow_stale),
                            metrics_list(db, cfg, "long", false, allow_stale)};
    if (stale)
        for (int i = 0; i < 2; ++i)
            if (lists[i].stale) stale->push_back(i == 0 ? "fast" : "long");
    for (const MetricDoc& d : kMetrics) {
        const Json::Value& m = lists[std::string(d.list) == "fast" ? 0 : 1].metrics;
        if (!m.isMember(d.name)) continue;
        const Json::Value& v = m[d.name];
        gauge(o, d.name, d.help);
        if (v.isArray()) {
            for (const auto& item : v) o << "vidjil_" << d.name << labels_of(item) << " " << num(item["value"].asDouble()) << "\n";
        } else {
            o << "vidjil_" << d.name << " " << num(v.asDouble()) << "\n";
        }
    }
    model::ProcessFigures p = model::metrics_process(db);
    gauge(o, "jobs_queued", "Jobs waiting for a runner (status QUEUED).");
    o << "vidjil_jobs_queued " << p.queued << "\n";
    gauge(o, "jobs_running", "Jobs running (status RUNNING).");
    o << "vidjil_jobs_running " << p.running << "\n";
    gauge(o, "jobs_failed_last_hour", "Jobs that ended FAILED or TIMEOUT in the last hour.");
    o << "vidjil_jobs_failed_last_hour " << p.failed_last_hour << "\n";
    gauge(o, "runner_heartbeat_age_seconds", "Seconds since each runner host's last heartbeat (vidjil_runner_host).");
    for (const auto& r : p.runners)
        o << "vidjil_runner_heartbeat_age_seconds{host=\"" << prometheus_label(r.host) << "\"} "
          << (r.heartbeat > 0 ? now - r.heartbeat : -1) << "\n";
    gauge(o, "disk_free_bytes", "Bytes available to the server on the filesystem of DIR_RESULTS and DIR_SEQUENCES.");
    for (const auto& [label, dir] : {std::pair<std::string, std::string>{"results", jobs::results_dir(cfg)},
                                     {"uploads", jobs::sequences_dir(cfg)}}) {
        struct statvfs st {};
        if (::statvfs(dir.c_str(), &st) == 0)
            o << "vidjil_disk_free_bytes{dir=\"" << label << "\"} "
              << static_cast<unsigned long long>(st.f_bavail) * static_cast<unsigned long long>(st.f_frsize) << "\n";
    }
    gauge(o, "metrics_age_seconds", "Age of the figures of each metric list (cached, see METRICS_CACHE_SECONDS).");
    gauge(o, "metrics_compute_seconds", "Time the last computation of each metric list took.");
    for (int i = 0; i < 2; ++i) {
        const char* name = i == 0 ? "fast" : "long";
        o << "vidjil_metrics_age_seconds{list=\"" << name << "\"} " << std::max<int64_t>(0, now - lists[i].computed_at) << "\n";
        o << "vidjil_metrics_compute_seconds{list=\"" << name << "\"} " << num(lists[i].duration_ms / 1000.0) << "\n";
    }
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    gauge(o, "metrics_scrape_seconds", "Time this scrape spent reading the database and building the answer.");
    o << "vidjil_metrics_scrape_seconds " << num(took) << "\n";
    return o.str();
}

Response metrics_fast(Context& c) { return json_list(c, "fast"); }
Response metrics_long(Context& c) { return json_list(c, "long"); }

Response metrics_prometheus(Context& c) {
    const std::string expected = c.cfg.get("METRICS_TOKEN", "");
    if (expected.empty())
        return Response::error("Not found: the Prometheus metrics are not enabled on this server (METRICS_TOKEN).", 404);
    std::string auth = c.req.header("Authorization");
    const std::string prefix = "Bearer ";
    bool ok = auth.size() > prefix.size() && text::to_lower(auth.substr(0, prefix.size())) == "bearer " &&
              token_matches(auth.substr(prefix.size()), expected);
    if (!ok) {
        // Never the token (given or expected) in the log.
        log::warn(std::string("/metrics refused: ") + (auth.empty() ? "no" : "a wrong") + " bearer token (ip " +
                  c.client_ip() + ")");
        Response r = Response::error("A valid bearer token (METRICS_TOKEN) is needed for the metrics.", 401);
        r.set_header("WWW-Authenticate", "Bearer realm=\"vidjil-metrics\"");
        return r;
    }
    Response r;
    r.status = 200;
    r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.set_header("Cache-Control", "no-store");
    // Stale lists are answered as they are (vidjil_metrics_age_seconds says so) and recomputed
    // once the answer is sent: a scrape never waits for the long list (seconds on a big server).
    std::vector<std::string> stale;
    r.body = prometheus_text(c.db, c.cfg, &stale);
    for (const std::string& list : stale) {
        r.after_sent.push_back([&db = c.db, &cfg = c.cfg, list] {
            try {
                metrics_list(db, cfg, list, false);
            } catch (const std::exception& e) {
                log::error("metrics: the " + list + " list could not be recomputed: " + e.what());
            }
        });
    }
    return r;
}

bool metrics_user_from_config(db::Connection& db, const Config& cfg, std::ostream& out) {
    const std::string email = text::to_lower(cfg.get("METRICS_USER_EMAIL", ""));
    const std::string pw = cfg.get("METRICS_USER_PASSWORD", "");
    if (email.empty() && pw.empty()) {
        out << "METRICS_USER_EMAIL / METRICS_USER_PASSWORD are not set: no metrics user\n";
        return true;
    }
    if (!text::is_email(email)) {
        out << "METRICS_USER_EMAIL is not an e-mail address\n";
        return false;
    }
    if (auto p = auth::password_problem(pw, auth::PasswordPolicy::from_config(cfg), email); !p.empty()) {
        out << "METRICS_USER_PASSWORD: " << p << "\n";
        return false;
    }
    // An existing account keeps its password (the hash is used for a new account only).
    auto r = model::ensure_metrics_user(db, email, auth::hash_password(pw));
    if (!r.problem.empty()) {
        out << r.problem << "\n";
        return false;
    }
    out << "metrics group " << (r.created_group ? "created" : "present") << "; metrics user " << email << " "
        << (r.created_user ? "created" : r.added_membership ? "added to the group" : "already set up") << "\n";
    return true;
}

}  // namespace vidjil::endpoints
