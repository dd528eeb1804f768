// SQL reading vidjil_audit (see audit_log.h). Indexes: 053-audit.sql.
#include "model/audit_log.h"

#include <cstdio>
#include <ctime>

namespace vidjil::model {

namespace {

// The WHERE clause of a filter (fixed text, values bound).
std::string where(const AuditFilter& f, db::Params& p) {
    std::string w = " WHERE 1 = 1";
    if (f.user_id) {
        w += " AND a.user_id = ?";
        p.emplace_back(*f.user_id);
    }
    if (!f.since.empty()) {
        w += " AND a.created >= ?";
        p.emplace_back(f.since);
    }
    if (!f.until.empty()) {
        w += " AND a.created < ?";
        p.emplace_back(f.until);
    }
    if (f.sample_set_id) {
        w += " AND ((a.table_name = 'sample_set' AND a.record_id = ?)"
             " OR (a.table_name = 'sequence_file' AND a.record_id IN"
             " (SELECT m.sequence_file_id FROM sample_set_membership m WHERE m.sample_set_id = ?))"
             " OR (a.table_name = 'results_file' AND a.record_id IN (SELECT r.id FROM results_file r JOIN"
             " sample_set_membership m ON m.sequence_file_id = r.sequence_file_id WHERE m.sample_set_id = ?))"
             " OR (a.table_name = 'patient' AND a.record_id IN (SELECT x.id FROM patient x WHERE x.sample_set_id = ?))"
             " OR (a.table_name = 'run' AND a.record_id IN (SELECT x.id FROM run x WHERE x.sample_set_id = ?))"
             " OR (a.table_name = 'generic' AND a.record_id IN (SELECT x.id FROM generic x WHERE x.sample_set_id = ?)))";
        for (int i = 0; i < 6; ++i) p.emplace_back(*f.sample_set_id);
    }
    return w;
}

}  // namespace

std::vector<AuditRow> audit_rows(db::Connection& db, const AuditFilter& f) {
    db::Params p;
    std::string sql =
        "SELECT a.id, DATE_FORMAT(a.created, '%Y-%m-%d %H:%i:%s') AS created, a.user_id, u.email, a.impersonator_id, "
        "a.client_ip, a.action, a.table_name, a.record_id, a.detail, "
        "CASE a.table_name WHEN 'sample_set' THEN a.record_id "
        "WHEN 'sequence_file' THEN (SELECT MIN(m.sample_set_id) FROM sample_set_membership m "
        "WHERE m.sequence_file_id = a.record_id) "
        "WHEN 'results_file' THEN (SELECT MIN(m.sample_set_id) FROM results_file r JOIN sample_set_membership m "
        "ON m.sequence_file_id = r.sequence_file_id WHERE r.id = a.record_id) "
        "WHEN 'patient' THEN (SELECT x.sample_set_id FROM patient x WHERE x.id = a.record_id) "
        "WHEN 'run' THEN (SELECT x.sample_set_id FROM run x WHERE x.id = a.record_id) "
        "WHEN 'generic' THEN (SELECT x.sample_set_id FROM generic x WHERE x.id = a.record_id) "
        "ELSE NULL END AS sample_set_id "
        "FROM vidjil_audit a LEFT JOIN auth_user u ON u.id = a.user_id" +
        where(f, p) + " ORDER BY a.id DESC LIMIT ? OFFSET ?";
    p.emplace_back(static_cast<long long>(f.limit));
    p.emplace_back(static_cast<long long>(f.offset));
    std::vector<AuditRow> out;
    for (const auto& r : db.query(sql, p)) {
        AuditRow a;
        a.id = r.integer("id");
        a.created = r.str("created");
        a.user_id = r.opt_int("user_id");
        a.user_email = r.str("email");
        a.impersonator_id = r.opt_int("impersonator_id");
        a.client_ip = r.str("client_ip");
        a.action = r.str("action");
        a.table_name = r.str("table_name");
        a.record_id = r.opt_int("record_id");
        a.detail = r.str("detail");
        a.sample_set_id = r.opt_int("sample_set_id");
        out.push_back(std::move(a));
    }
    return out;
}

int64_t audit_count(db::Connection& db, const AuditFilter& f) {
    db::Params p;
    std::string sql = "SELECT COUNT(*) FROM vidjil_audit a" + where(f, p);
    return db.query_one(sql, p)->integer(0);
}

}  // namespace vidjil::model

namespace vidjil::model {

std::optional<std::string> audit_date(const std::string& text, bool until) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char sep = 0;
    int n = 0;
    bool day_only = false;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && static_cast<size_t>(n) == text.size()) {
        day_only = true;
    } else if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &s, &n) == 7 &&
               static_cast<size_t>(n) == text.size() && (sep == ' ' || sep == 'T')) {
    } else if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) == 6 &&
               static_cast<size_t>(n) == text.size() && (sep == ' ' || sep == 'T')) {
        s = 0;
    } else {
        return std::nullopt;
    }
    if (y < 1970 || y > 9998 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || h < 0 ||
        mi < 0 || s < 0)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    time_t t = timegm(&tm);
    std::tm check{};
    gmtime_r(&t, &check);
    if (check.tm_mday != d || check.tm_mon != mo - 1) return std::nullopt;  // 2026-02-30
    if (day_only && until) t += 86400;
    gmtime_r(&t, &check);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &check);
    return std::string(buf);
}

std::vector<std::string> audit_columns() {
    return {"id", "date", "user_id", "user_email", "impersonator_id", "client_ip", "action", "table",
            "record_id", "sample_set_id", "detail"};
}

static std::string opt(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : ""; }

std::vector<std::string> audit_cells(const AuditRow& r) {
    return {std::to_string(r.id), r.created, opt(r.user_id), r.user_email, opt(r.impersonator_id), r.client_ip,
            r.action, r.table_name, opt(r.record_id), opt(r.sample_set_id), r.detail};
}

}  // namespace vidjil::model
