// log/index: the per-record log (user_log) with the original's table and id filters, paged.
// A non-administrator sees only rows about sample sets that one of their own groups (or a
// parent of one) has access to: the public group's sets are excluded, as in the original.
#include "endpoints/routes.h"
#include "model/acl.h"
#include "model/user_logs.h"

namespace vidjil::endpoints {

namespace {

constexpr int64_t kPageSize = 100;
const char* const kTables[] = {"all", "patient", "run", "generic", "sample_set", "sequence_file"};

std::set<int64_t> own_groups(Context& c) {
    std::set<int64_t> g = c.perm().groups();
    for (const auto& [child, parents] : model::parents_of(c.db, g)) g.insert(parents.begin(), parents.end());
    if (auto pub = c.perm().public_group()) g.erase(*pub);
    return g;
}

}  // namespace

Response log_index(Context& c) {
    model::UserLogQuery q;
    q.table = c.params.get("table", "all");
    q.record_id = c.params.get_int("id");
    int64_t page = std::max<int64_t>(0, c.params.get_int("page", 0));
    q.offset = page * kPageSize;
    q.limit = kPageSize;
    if (!c.perm().is_admin()) q.groups = own_groups(c);  // display: what a non-admin may see
    int64_t total = 0;
    auto lines = model::user_logs(c.db, q, &total);

    // One view-model: format=json answers it (keys of the original: query = the user_log rows).
    Json::Value d(Json::objectValue);
    Json::Value rows(Json::arrayValue);
    for (const auto& l : lines) {
        Json::Value r(Json::objectValue);
        r["id"] = static_cast<Json::Int64>(l.id);
        r["user"] = l.user;
        r["table_name"] = l.table_name;
        r["record_id"] = static_cast<Json::Int64>(l.record_id);
        r["message"] = l.msg;
        r["created"] = l.created;
        rows.append(r);
    }
    d["query"] = rows;
    d["total"] = static_cast<Json::Int64>(total);
    d["page"] = static_cast<Json::Int64>(page);
    Json::Value tables(Json::arrayValue);
    for (const char* t : kTables) {
        Json::Value o(Json::objectValue);
        o["name"] = t;
        o["selected"] = q.table == t;
        tables.append(o);
    }
    d["tables"] = tables;
    d["table_js"] = render::js_string(q.table);
    Json::Value ids(Json::arrayValue);
    for (int64_t id : model::user_log_records(c.db, q, 500)) {
        Json::Value o(Json::objectValue);
        o["id"] = std::to_string(id);
        o["selected"] = q.record_id && *q.record_id == id;
        ids.append(o);
    }
    d["ids"] = ids;
    d["has_id"] = q.record_id.has_value();
    d["id_js"] = render::js_string(q.record_id ? std::to_string(*q.record_id) : "");
    d["first"] = std::to_string(lines.empty() ? 0 : q.offset + 1);
    d["last"] = std::to_string(q.offset + static_cast<int64_t>(lines.size()));
    d["has_prev"] = page > 0;
    d["has_next"] = q.offset + static_cast<int64_t>(lines.size()) < total;
    d["prev_page"] = std::to_string(page - 1);
    d["next_page"] = std::to_string(page + 1);
    return c.page("log/index", d);
}

}  // namespace vidjil::endpoints
