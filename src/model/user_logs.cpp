// SQL of the log page (see user_logs.h).
#include "model/user_logs.h"

#include "model/acl.h"

namespace vidjil::model {

namespace {

// The query shared by the page and the record list: a WITH clause naming the sample sets visible
// to the reader (an `access` grant to one of `groups` on the set, or on its legacy
// patient/run/generic row, as Permissions honours them), and the WHERE clause on user_log l. A
// log row is about such a set when it names the set, its legacy detail row, or a sequence file
// of it. Parameters are appended to `p` in that order.
struct Filter {
    std::string with, where;
};

Filter filter(const UserLogQuery& q, db::Params& p) {
    std::string head, w = " WHERE 1 = 1";
    if (q.groups && !q.groups->empty()) {
        std::string in = "a.group_id IN (" + placeholders(q.groups->size()) + ")";
        head = "WITH vs (id) AS (SELECT a.record_id FROM auth_permission a WHERE a.name = 'access' AND "
               "a.table_name = 'sample_set' AND " + in;
        for (const char* t : {"patient", "run", "generic"})
            head += std::string(" UNION SELECT d.sample_set_id FROM ") + t + " d JOIN auth_permission a ON "
                    "a.record_id = d.id AND a.table_name = '" + t + "' AND a.name = 'access' WHERE " + in;
        head += ") ";
        for (int i = 0; i < 4; ++i)
            for (int64_t g : *q.groups) p.emplace_back(static_cast<long long>(g));
    }
    if (!q.table.empty() && q.table != "all") {
        w += " AND l.table_name = ?";
        p.emplace_back(q.table);
    }
    if (q.record_id) {
        w += " AND l.record_id = ?";
        p.emplace_back(static_cast<long long>(*q.record_id));
    }
    if (q.groups) {
        if (q.groups->empty()) return {head, w + " AND 1 = 0"};
        w += " AND ((l.table_name = 'sample_set' AND l.record_id IN (SELECT id FROM vs))";
        for (const char* t : {"patient", "run", "generic"})
            w += std::string(" OR (l.table_name = '") + t + "' AND EXISTS (SELECT 1 FROM " + t +
                 " d WHERE d.id = l.record_id AND d.sample_set_id IN (SELECT id FROM vs)))";
        w += " OR (l.table_name = 'sequence_file' AND EXISTS (SELECT 1 FROM sample_set_membership m WHERE "
             "m.sequence_file_id = l.record_id AND m.sample_set_id IN (SELECT id FROM vs))))";
    }
    return {head, w};
}

}  // namespace

std::vector<UserLogLine> user_logs(db::Connection& db, const UserLogQuery& q, int64_t* total) {
    db::Params p;
    Filter f = filter(q, p);
    if (total) {
        auto n = db.query_one(f.with + "SELECT COUNT(*) FROM user_log l" + f.where, p);
        *total = n ? n->integer(0) : 0;
    }
    p.emplace_back(static_cast<long long>(q.limit));
    p.emplace_back(static_cast<long long>(q.offset));
    std::vector<UserLogLine> out;
    for (const auto& r : db.query(f.with + "SELECT l.id, l.record_id, TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', "
                                         "COALESCE(u.last_name, ''))), l.table_name, l.msg, "
                                         "DATE_FORMAT(l.created, '%Y-%m-%d %H:%i:%s') FROM user_log l "
                                         "LEFT JOIN auth_user u ON u.id = l.user_id" + f.where +
                                      " ORDER BY l.id DESC LIMIT ? OFFSET ?",
                                  p)) {
        UserLogLine l;
        l.id = r.integer(0);
        l.record_id = r.integer(1);
        l.user = r.str(2);
        l.table_name = r.str(3);
        l.msg = r.str(4);
        l.created = r.str(5);
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<int64_t> user_log_records(db::Connection& db, const UserLogQuery& q, int64_t limit) {
    UserLogQuery all = q;
    all.record_id.reset();
    db::Params p;
    Filter f = filter(all, p);
    p.emplace_back(static_cast<long long>(limit));
    std::vector<int64_t> out;
    for (const auto& r : db.query(f.with + "SELECT l.record_id FROM user_log l" + f.where +
                                      " AND l.record_id IS NOT NULL GROUP BY l.record_id ORDER BY MAX(l.id) DESC LIMIT ?",
                                  p))
        out.push_back(r.integer(0));
    return out;
}

}  // namespace vidjil::model
