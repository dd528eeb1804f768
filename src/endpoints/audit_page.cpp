// admin/audit (see audit_page.h). Access::Admin in cgi-bin/admin.cpp's route table.
#include "endpoints/audit_page.h"

#include <cstdint>

#include "model/audit_log.h"
#include "model/users.h"
#include "render/template.h"
#include "util/csv.h"
#include "util/text.h"

namespace vidjil::endpoints {

using app::Context;
using http::Response;

namespace {

constexpr int64_t kPageSize = 100, kMaxPageSize = 1000;

std::string opt_text(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : ""; }

}  // namespace

Response admin_audit(Context& c) {
    model::AuditFilter f;
    const std::string user = text::trim(c.params.get("user"));
    const std::string set = text::trim(c.params.get("set"));
    const std::string since = text::trim(c.params.get("since")), until = text::trim(c.params.get("until"));
    if (!user.empty()) {
        auto u = model::user_by_email(c.db, text::to_lower(user));
        if (!u) return Response::error("no user with e-mail " + http::msg_value(user), 404);
        f.user_id = u->id;
    }
    if (!set.empty()) {
        auto id = text::parse_int(set);
        if (!id || *id <= 0) return Response::error("not a sample set id: " + http::msg_value(set), 400);
        f.sample_set_id = *id;
    }
    for (const auto& [text_value, until_bound] : {std::pair{since, false}, std::pair{until, true}}) {
        if (text_value.empty()) continue;
        auto d = model::audit_date(text_value, until_bound);
        if (!d) return Response::error("not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS): " + http::msg_value(text_value), 400);
        (until_bound ? f.until : f.since) = *d;
    }

    if (c.params.get("format") == "csv") {
        // The whole selection.
        std::string body = csv::line(model::audit_columns());
        model::AuditFilter all = f;
        all.limit = INT64_MAX;
        model::each_audit_row(c.db, all, [&](const model::AuditRow& r) { body += csv::line(model::audit_cells(r)); });
        c.audit("audit_export", "", std::nullopt,
                "user=" + user + " set=" + set + " since=" + since + " until=" + until);
        Response r;
        r.body = std::move(body);
        r.set_header("Content-Type", "text/csv; charset=utf-8");
        r.set_header("Content-Disposition", http::content_disposition("vidjil-audit.csv"));
        return r;
    }

    f.limit = std::clamp<int64_t>(c.params.get_int("limit", kPageSize), 1, kMaxPageSize);
    f.offset = std::max<int64_t>(c.params.get_int("offset", 0), 0);
    // Counted up to the 10 000 rows after this page (shown as "more than N" beyond).
    const int64_t cap = f.offset + f.limit + 10000;
    int64_t total = model::audit_count(c.db, f, cap);
    Json::Value rows(Json::arrayValue);
    for (const auto& r : model::audit_rows(c.db, f)) {
        Json::Value v(Json::objectValue);
        v["id"] = std::to_string(r.id);
        v["date"] = r.created;
        v["user_id"] = opt_text(r.user_id);
        v["user_email"] = r.user_email;
        v["impersonator_id"] = opt_text(r.impersonator_id);
        v["client_ip"] = r.client_ip;
        v["action"] = r.action;
        v["table"] = r.table_name;
        v["record_id"] = opt_text(r.record_id);
        v["sample_set_id"] = opt_text(r.sample_set_id);
        v["detail"] = r.detail;
        rows.append(v);
    }
    Json::Value d(Json::objectValue);
    d["message"] = "audit trail";
    d["query"] = rows;
    d["total"] = total >= cap ? "more than " + std::to_string(cap - 1) : std::to_string(total);
    d["limit"] = std::to_string(f.limit);
    d["offset"] = std::to_string(f.offset);
    d["first"] = std::to_string(rows.empty() ? 0 : f.offset + 1);
    d["last"] = std::to_string(f.offset + static_cast<int64_t>(rows.size()));
    d["user"] = user;
    d["set"] = set;
    d["since"] = since;
    d["until"] = until;
    // The filters as they go back to the server: in links (URL-encoded) and in db.call (JS).
    std::string query;
    for (const auto& [k, v] : {std::pair{"user", user}, std::pair{"set", set}, std::pair{"since", since},
                               std::pair{"until", until}})
        if (!v.empty()) query += std::string("&") + k + "=" + text::url_encode(v);
    d["csv_href"] = "DB_ADDRESS/admin/audit?format=csv" + query;
    auto call = [&](int64_t offset) {
        return "{'user': " + render::js_string(user) + ", 'set': " + render::js_string(set) +
               ", 'since': " + render::js_string(since) + ", 'until': " + render::js_string(until) +
               ", 'limit': '" + std::to_string(f.limit) + "', 'offset': '" + std::to_string(offset) + "'}";
    };
    d["has_previous"] = f.offset > 0;
    d["previous_js"] = call(std::max<int64_t>(f.offset - f.limit, 0));
    d["has_next"] = f.offset + f.limit < total;
    d["next_js"] = call(f.offset + f.limit);
    return c.page("admin/audit", d);
}

}  // namespace vidjil::endpoints
