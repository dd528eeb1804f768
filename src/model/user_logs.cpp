// SQL of the log page (see user_logs.h).
#include "model/user_logs.h"

#include "model/acl.h"

namespace vidjil::model {

namespace {

// WHERE clause shared by the page and the record list. The sample sets visible to the reader
// are those an `access` grant gives to one of `groups`; a log row is about such a set when it
// names the set, its legacy patient/run/generic row, or a sequence file of the set.
std::string where(const UserLogQuery& q, db::Params& p) {
    std::string w = " WHERE 1 = 1";
    if (!q.table.empty() && q.table != "all") {
        w += " AND l.table_name = ?";
        p.emplace_back(q.table);
    }
    if (q.record_id) {
        w += " AND l.record_id = ?";
        p.emplace_back(static_cast<long long>(*q.record_id));
    }
    if (q.groups) {
        if (q.groups->empty()) return w + " AND 1 = 0";
        std::string sets = "(SELECT a.record_id FROM auth_permission a WHERE a.name = 'access' AND "
                           "a.table_name = 'sample_set' AND a.group_id IN (" + placeholders(q.groups->size()) + "))";
        w += " AND ((l.table_name = 'sample_set' AND l.record_id IN " + sets + ")";
        for (const char* t : {"patient", "run", "generic"})
            w += std::string(" OR (l.table_name = '") + t + "' AND EXISTS (SELECT 1 FROM " + t +
                 " d WHERE d.id = l.record_id AND d.sample_set_id IN " + sets + "))";
        w += " OR (l.table_name = 'sequence_file' AND EXISTS (SELECT 1 FROM sample_set_membership m WHERE "
             "m.sequence_file_id = l.record_id AND m.sample_set_id IN " + sets + ")))";
        for (int i = 0; i < 5; ++i)
            for (int64_t g : *q.groups) p.emplace_back(static_cast<long long>(g));
    }
    return w;
}

}  // namespace

std::vector<UserLogLine> user_logs(db::Connection& db, const UserLogQuery& q, int64_t* total) {
    db::Params p;
    std::string w = where(q, p);
    if (total) {
        auto n = db.query_one("SELECT COUNT(*) FROM user_log l" + w, p);
        *total = n ? n->integer(0) : 0;
    }
    p.emplace_back(static_cast<long long>(q.limit));
    p.emplace_back(static_cast<long long>(q.offset));
    std::vector<UserLogLine> out;
    for (const auto& r : db.query("SELECT l.id, l.record_id, TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', "
                                  "COALESCE(u.last_name, ''))), l.table_name, l.msg, "
                                  "DATE_FORMAT(l.created, '%Y-%m-%d %H:%i:%s') FROM user_log l "
                                  "LEFT JOIN auth_user u ON u.id = l.user_id" + w +
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
    std::string w = where(all, p);
    p.emplace_back(static_cast<long long>(limit));
    std::vector<int64_t> out;
    for (const auto& r : db.query("SELECT l.record_id FROM user_log l" + w +
                                      " AND l.record_id IS NOT NULL GROUP BY l.record_id ORDER BY MAX(l.id) DESC LIMIT ?",
                                  p))
        out.push_back(r.integer(0));
    return out;
}

}  // namespace vidjil::model
