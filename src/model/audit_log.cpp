// SQL reading vidjil_audit (see audit_log.h). Indexes: 053-audit.sql.
#include "model/audit_log.h"

#include <cstdio>
#include <algorithm>
#include <ctime>

#include "model/acl.h"

namespace vidjil::model {

namespace {

// The records a set's trail is about, by table: the set, its patient/run/generic row, its
// sequence files and their results (a few queries on indexed columns, so that the filter on
// vidjil_audit is a list of (table_name, record_id) ranges of its index).
std::vector<std::pair<std::string, std::vector<int64_t>>> set_records(db::Connection& db, int64_t ss) {
    std::vector<std::pair<std::string, std::vector<int64_t>>> out;
    out.push_back({"sample_set", {ss}});
    auto ids = [&](const std::string& sql) {
        std::vector<int64_t> v;
        for (const auto& r : db.query(sql, {ss})) v.push_back(r.integer(0));
        return v;
    };
    out.push_back({"patient", ids("SELECT id FROM patient WHERE sample_set_id = ?")});
    out.push_back({"run", ids("SELECT id FROM run WHERE sample_set_id = ?")});
    out.push_back({"generic", ids("SELECT id FROM generic WHERE sample_set_id = ?")});
    out.push_back({"sequence_file", ids("SELECT DISTINCT sequence_file_id FROM sample_set_membership WHERE "
                                        "sample_set_id = ? AND sequence_file_id IS NOT NULL")});
    out.push_back({"results_file", ids("SELECT DISTINCT r.id FROM results_file r JOIN sample_set_membership m ON "
                                       "m.sequence_file_id = r.sequence_file_id WHERE m.sample_set_id = ?")});
    return out;
}

// The WHERE clause of a filter (fixed text and placeholders, values bound).
std::string where(db::Connection& db, const AuditFilter& f, db::Params& p) {
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
    if (f.after_id > 0) {
        w += " AND (a.created < ? OR (a.created = ? AND a.id < ?))";
        p.emplace_back(f.after_created);
        p.emplace_back(f.after_created);
        p.emplace_back(f.after_id);
    }
    if (f.sample_set_id) {
        std::string any;
        for (const auto& [table, ids] : set_records(db, *f.sample_set_id)) {
            if (ids.empty()) continue;
            any += std::string(any.empty() ? "" : " OR ") + "(a.table_name = ? AND a.record_id IN (" +
                   placeholders(ids.size()) + "))";
            p.emplace_back(table);
            for (int64_t id : ids) p.emplace_back(static_cast<long long>(id));
        }
        w += " AND (" + any + ")";
    }
    return w;
}

}  // namespace

void each_audit_row(db::Connection& db, const AuditFilter& f, const std::function<void(const AuditRow&)>& fn) {
    const int64_t page = 1000;
    AuditFilter p = f;
    p.offset = 0;
    for (int64_t left = f.limit; left > 0;) {
        p.limit = std::min(page, left);
        auto rows = audit_rows(db, p);
        for (const auto& r : rows) fn(r);
        left -= static_cast<int64_t>(rows.size());
        if (static_cast<int64_t>(rows.size()) < p.limit) break;
        p.after_created = rows.back().created;
        p.after_id = rows.back().id;
    }
}

std::vector<AuditRow> audit_rows(db::Connection& db, const AuditFilter& f) {
    db::Params p;
    // The page's ids first (index order, LIMIT/OFFSET), then their columns: the set of each row
    // is looked up for the rows shown only, never for the rows an offset skips.
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
        "FROM (SELECT a.id FROM vidjil_audit a" + where(db, f, p) +
        " ORDER BY a.created DESC, a.id DESC LIMIT ? OFFSET ?) page JOIN vidjil_audit a ON a.id = page.id "
        "LEFT JOIN auth_user u ON u.id = a.user_id ORDER BY a.created DESC, a.id DESC";
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

int64_t audit_count(db::Connection& db, const AuditFilter& f, int64_t cap) {
    db::Params p;
    // Counting stops at `cap`: an exact count of millions of rows costs seconds.
    std::string sql = "SELECT COUNT(*) FROM (SELECT 1 FROM vidjil_audit a" + where(db, f, p) + " LIMIT ?) x";
    p.emplace_back(static_cast<long long>(cap));
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
