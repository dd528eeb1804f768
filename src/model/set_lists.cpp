// SQL for the lists of sample sets (see sample_sets.h): sample_set/all's pages, filters, sorts
// and totals, and the neighbours of a set in a list.
#include <algorithm>

#include "model/acl.h"
#include "model/sample_sets.h"
#include "model/sample_sets_sql.h"
#include "model/sequence_files.h"
#include "model/users.h"
#include "util/text.h"

namespace vidjil::model {

using namespace sets_sql;

namespace {

std::string like_pattern(const std::string& word) {
    std::string out = "%";
    for (char c : word) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "%";
}

// True when one of `groups` holds an `access` grant on a legacy detail row of this type
// (imported data, model.md §2.4): rare, so the list query carries that clause only then.
bool has_detail_grants(db::Connection& db, const std::string& type, const std::set<int64_t>& groups) {
    db::Params p{type};
    add_ids(p, groups);
    return db.query_one("SELECT 1 FROM auth_permission WHERE table_name = ? AND name = 'access' AND "
                        "group_id IN (" + placeholders(groups.size()) + ") LIMIT 1",
                        p)
        .has_value();
}

// Which sets the user may list: own groups' grants (and their parents'), legacy detail grants,
// and the public group's `read` rows (model.md §2.4). The grants on sample_set rows are one
// IN subquery: a semi-join MariaDB materialises from an index-only range of
// sample_set_grant_k (migration 058: sample_set_grant is the grant's name on sample_set rows,
// so `sample_set_grant = 'access'` is `table_name = 'sample_set' AND name = 'access'`). The
// index is named: a persistent program's cached statement, executed again, otherwise read the
// whole of auth_permission (123 000 rows more per list page on the bench than a fresh process).
std::string visible_clause(db::Connection& db, const SetListQuery& q, db::Params& p) {
    if (q.see_all) return "1 = 1";
    std::vector<std::string> grants;
    if (!q.read_groups.empty()) {
        grants.push_back("(sample_set_grant = 'access' AND group_id IN (" + placeholders(q.read_groups.size()) + "))");
        add_ids(p, q.read_groups);
    }
    if (q.public_group) {
        grants.push_back("(sample_set_grant = 'read' AND group_id = ?)");
        p.emplace_back(static_cast<long long>(*q.public_group));
    }
    if (grants.empty()) return "1 = 0";
    std::string s = "d.sample_set_id IN (SELECT record_id FROM auth_permission FORCE INDEX (sample_set_grant_k) WHERE ";
    for (size_t i = 0; i < grants.size(); ++i) s += (i ? " OR " : "") + grants[i];
    s += ")";
    if (q.read_groups.empty() || !has_detail_grants(db, q.type, q.read_groups)) return s;
    add_ids(p, q.read_groups);
    return "(" + s + " OR d.id IN (SELECT record_id FROM auth_permission WHERE table_name = '" + q.type +
           "' AND name = 'access' AND group_id IN (" + placeholders(q.read_groups.size()) + ")))";
}

std::vector<int64_t> ids_matching(db::Connection& db, const std::string& sql, const std::string& like) {
    std::vector<int64_t> out;
    for (const auto& r : db.query(sql, {like})) out.push_back(r.integer(0));
    return out;
}

std::string id_list(const std::vector<int64_t>& ids, db::Params& p) {
    for (int64_t id : ids) p.emplace_back(static_cast<long long>(id));
    return placeholders(ids.size());
}

// " OR d.sample_set_id IN (...)" for the sets `select` (a SELECT of set ids ending with
// "... IN (", completed with `keys`) gives: their ids as a list when there are few (at most
// kInlineSets, and the statement stays far below MariaDB's 65 535 placeholders), else the
// subquery itself. A list is searched in the row's own evaluation (sorted, binary search); the
// subquery was one look-up in its materialised table per row that no other way matched (a
// word naming a group of 3 600 sets, 90 000 patients: 15-20 ms of a filter's 80, issue 13).
// "" when it gives no set. The ids are read a moment before the list, as the creators are.
constexpr size_t kInlineSets = 5000;
std::string sets_in(db::Connection& db, const std::string& select, const std::vector<int64_t>& keys, db::Params& p) {
    db::Params kp;
    std::string sub = select + id_list(keys, kp) + ")";
    if (p.size() + kInlineSets < kIdsPerStatement * 3) {
        db::Rows r = db.query_uncached(sub + " LIMIT " + std::to_string(kInlineSets + 1), kp);
        if (r.empty()) return "";
        if (r.size() <= kInlineSets) {
            std::vector<int64_t> ids;
            for (const auto& row : r) ids.push_back(row.integer(0));
            return " OR d.sample_set_id IN (" + id_list(ids, p) + ")";
        }
    }
    p.insert(p.end(), kp.begin(), kp.end());
    return " OR d.sample_set_id IN (" + sub + ")";
}

// A word's folded form (sql/063): its utf8mb4_general_ci weights, two bytes per character, read
// as UCS-2 and written as UTF-8, as search_fold holds its columns'. A constant of the statement
// (MariaDB computes it once per execution, not per row).
const char* const kFoldedWord =
    "CAST(CONVERT(CAST(WEIGHT_STRING(CONVERT(? USING utf8mb4) COLLATE utf8mb4_general_ci) AS CHAR CHARACTER SET ucs2) "
    "USING utf8mb4) AS BINARY)";

// One word: names (patients: only where the user has `anon`, or searching would reveal the
// hidden names), info, label, set id, creator, config names and owner groups. Creators, configs
// and groups are looked up first (small tables), so that 10 000 rows do not each run subqueries.
// With q.folded_words the text columns are matched through their folded copies (sql/063): one
// LOCATE on search_fold (info, label, name) and one on name_fold (a patient's names) instead
// of a LIKE per column, each decoding and folding every character (two words on 100 000
// patients: 4-8 LIKEs per row), and the statement reads the index search_fold_k alone instead of
// the rows with their LONGTEXT info (lab user, two words: 110 -> 61 ms for that statement).
// Same matches: see sql/063 and test_lists4_e2e.py. A word that is not valid UTF-8 keeps the
// LIKEs (CONVERT would turn its bytes into '?').
std::string word_clause(db::Connection& db, const SetListQuery& q, const std::string& word, db::Params& p) {
    std::string like = like_pattern(word);
    const bool folded = q.folded_words && text::valid_utf8(word);
    std::string s;
    if (folded) {
        s = "(LOCATE(" + std::string(kFoldedWord) + ", d.search_fold) > 0";
        p.emplace_back(word);
    } else {
        s = "(d.info LIKE ?";
        p.emplace_back(like);
    }
    // Creators whose name matches, looked up first: no join with auth_user for every set.
    auto creators = ids_matching(db, "SELECT id FROM auth_user WHERE last_name LIKE ?", like);
    if (!creators.empty()) s += " OR d.creator IN (" + id_list(creators, p) + ")";
    if (q.type != "generic" && !folded) {
        s += " OR d.id_label LIKE ?";
        p.emplace_back(like);
    }
    if (q.type == "patient") {
        if (!q.anon_groups.empty()) {
            s += folded ? " OR (LOCATE(" + std::string(kFoldedWord) + ", d.name_fold) > 0"
                        : " OR ((d.first_name LIKE ? OR d.last_name LIKE ?)";
            s += " AND d.sample_set_id IN (SELECT record_id FROM auth_permission "
                 "FORCE INDEX (sample_set_grant_k) WHERE sample_set_grant = 'access' AND group_id IN (" +
                 placeholders(q.anon_groups.size()) + ")))";
            if (folded) {
                p.emplace_back(word);
            } else {
                p.emplace_back(like);
                p.emplace_back(like);
            }
            add_ids(p, q.anon_groups);
        }
    } else if (!folded) {
        s += " OR d.name LIKE ?";
        p.emplace_back(like);
    }
    if (auto n = text::parse_int(word); n && word.find_first_not_of("0123456789") == std::string::npos) {
        s += " OR d.sample_set_id = ?";
        p.emplace_back(static_cast<long long>(*n));
    }
    auto configs = ids_matching(db, "SELECT id FROM config WHERE name LIKE ?", like);
    if (!configs.empty())
        s += sets_in(db, "SELECT DISTINCT sample_set_id FROM fused_file WHERE sample_set_id IS NOT NULL AND config_id IN (", configs, p);
    auto groups = ids_matching(db, "SELECT id FROM auth_group WHERE role LIKE ?", like);
    if (!groups.empty())
        s += sets_in(db, "SELECT DISTINCT record_id FROM auth_permission FORCE INDEX (sample_set_grant_k) WHERE "
                         "sample_set_grant = 'access' AND record_id IS NOT NULL AND group_id IN (", groups, p);
    return s + ")";
}

std::string where_clause(db::Connection& db, const SetListQuery& q, db::Params& p) {
    std::string w = " WHERE " + visible_clause(db, q, p);
    if (q.only_id) {
        w += " AND d.sample_set_id = ?";
        p.emplace_back(static_cast<long long>(*q.only_id));
    }
    for (const auto& word : q.words) w += " AND " + word_clause(db, q, word, p);
    // A tag: the tags of that name looked up first (a small table), then an IN subquery on
    // tag_ref that MariaDB can drive from the tag's references (EXISTS with a join of tag ran a
    // look-up for every listed set: administrator, #MRD on 100 000 patients, 180 -> 40 ms).
    for (const auto& tag : q.tags) {
        std::vector<int64_t> tag_ids;
        for (const auto& r : db.query("SELECT id FROM tag WHERE name = ?", {tag})) tag_ids.push_back(r.integer(0));
        if (tag_ids.empty()) {
            w += " AND 1 = 0";
            continue;
        }
        w += " AND d.id IN (SELECT tr.record_id FROM tag_ref tr WHERE tr.table_name = '" + q.type +
             "' AND tr.tag_id IN (" + id_list(tag_ids, p) + "))";
    }
    return w;
}

// The sort columns from a whitelist of column keys; none (unknown keys): by id.
std::vector<std::string> sort_columns(const SetListQuery& q) {
    std::vector<std::string> cols;
    const std::string& s = q.sort;
    if (s == "name" && q.name_keys && q.limit >= 0)  // a page's order, indexed (sql/062)
        cols = q.type == "patient" ? std::vector<std::string>{"d.last_key", "d.first_key"} : std::vector<std::string>{"d.name_key"};
    else if (s == "name") cols = q.type == "patient" ? std::vector<std::string>{"d.last_name", "d.first_name"}
                                                     : std::vector<std::string>{"d.name"};
    else if (s == "info") cols = {"d.info"};
    else if (s == "birth" && q.type == "patient") cols = {"d.birth"};
    else if (s == "run_date" && q.type == "run") cols = {"d.run_date"};
    else if (s == "creator") cols = {"u.last_name"};
    else if (s == "file_count" && q.kept_file_counts) cols = {"d.file_count"};  // the same number, kept (sql/062)
    else if (s == "file_count") cols = {"(SELECT COUNT(*) FROM sample_set_membership m WHERE m.sample_set_id = d.sample_set_id)"};
    else if (s == "confs")
        cols = {"(SELECT GROUP_CONCAT(DISTINCT c.name ORDER BY c.name) FROM fused_file f JOIN config c ON "
                "c.id = f.config_id WHERE f.sample_set_id = d.sample_set_id)"};
    else if (s == "groups")
        cols = {"(SELECT GROUP_CONCAT(DISTINCT g.role ORDER BY g.role) FROM auth_permission ap JOIN auth_group g ON "
                "g.id = ap.group_id WHERE ap.table_name = 'sample_set' AND ap.name = 'access' AND ap.record_id = d.sample_set_id)"};
    return cols;
}

// ORDER BY the sort columns, then the set id.
std::string order_clause(const SetListQuery& q) {
    std::vector<std::string> cols = sort_columns(q);
    bool by_id = cols.empty();
    // Default order is newest first; a column sorts ascending; `reverse` flips either.
    bool desc = by_id != q.reverse;
    std::string o = " ORDER BY ";
    for (const auto& c : cols) o += c + (desc ? " DESC, " : " ASC, ");
    return o + (by_id && !desc ? "d.sample_set_id ASC" : "d.sample_set_id DESC");
}

// Statements with the visibility semi-join or a filter's subqueries are prepared for each run
// and closed after it (query_uncached): MariaDB 10.11 ran a persistent program's cached copy of
// them again 2-4 times slower, with the same rows examined (issue 13, bench/README-sets). An
// administrator's unfiltered list has neither: its statements stay cached.
db::Rows list_query(db::Connection& db, const SetListQuery& q, const std::string& sql, const db::Params& p) {
    return q.see_all && q.words.empty() && q.tags.empty() ? db.query(sql, p) : db.query_uncached(sql, p);
}
std::optional<db::Row> list_query_one(db::Connection& db, const SetListQuery& q, const std::string& sql,
                                      const db::Params& p) {
    db::Rows r = list_query(db, q, sql, p);
    if (r.empty()) return std::nullopt;
    return std::move(r.front());
}

void add_details(db::Connection& db, std::vector<SetListRow>& rows, size_t from, size_t to);

// The rows' details, by batches of at most kIdsPerStatement sets: a list without pages (the
// JSON of every set) may hold more sets than MariaDB's placeholders allow in one statement.
void add_page_details(db::Connection& db, std::vector<SetListRow>& rows) {
    for (size_t from = 0; from < rows.size(); from += kIdsPerStatement)
        add_details(db, rows, from, std::min(rows.size(), from + kIdsPerStatement));
}

void add_details(db::Connection& db, std::vector<SetListRow>& rows, size_t from, size_t to) {
    if (from >= to) return;
    std::map<int64_t, SetListRow*> by_id;
    db::Params ids;
    for (size_t i = from; i < to; ++i) {
        SetListRow& r = rows[i];
        by_id[r.set.id] = &r;
        ids.emplace_back(static_cast<long long>(r.set.id));
    }
    std::string in = placeholders(ids.size());
    for (const auto& r : db.query("SELECT m.sample_set_id, COUNT(DISTINCT sf.id), COALESCE(SUM(COALESCE(sf.size_file, 0) + "
                                  "COALESCE(sf.size_file2, 0)), 0) FROM sample_set_membership m JOIN sequence_file sf ON "
                                  "sf.id = m.sequence_file_id WHERE m.sample_set_id IN (" + in + ") GROUP BY m.sample_set_id",
                                  ids)) {
        by_id[r.integer(0)]->file_count = r.integer(1);
        by_id[r.integer(0)]->size = r.integer(2);
    }
    for (const auto& r : db.query("SELECT f.sample_set_id, c.id, c.name, f.fused_file FROM fused_file f JOIN config c ON "
                                  "c.id = f.config_id WHERE f.sample_set_id IN (" + in + ") ORDER BY c.id, f.fuse_date DESC",
                                  ids)) {
        SetListRow* row = by_id[r.integer(0)];
        std::pair<int64_t, std::string> conf(r.integer(1), r.str(2));
        if (std::find(row->configs.begin(), row->configs.end(), conf) != row->configs.end()) continue;
        row->configs.push_back(conf);
        row->fused_concat += (row->fused_concat.empty() ? "" : ",") + std::to_string(conf.first) + ";" + conf.second +
                             ";" + r.str(3);
    }
    for (const auto& r : db.query("SELECT ap.record_id, g.role FROM auth_permission ap JOIN auth_group g ON g.id = "
                                  "ap.group_id WHERE ap.table_name = 'sample_set' AND ap.name = 'access' AND "
                                  "ap.record_id IN (" + in + ") ORDER BY ap.id",
                                  ids)) {
        auto& groups = by_id[r.integer(0)]->groups;
        if (std::find(groups.begin(), groups.end(), r.str(1)) == groups.end()) groups.push_back(r.str(1));
    }
}

}  // namespace

std::vector<SetListRow> list_sample_sets(db::Connection& db, const SetListQuery& q, int64_t* total,
                                         std::vector<int64_t>* matching, int64_t matching_max) {
    std::vector<SetListRow> out;
    if (!is_set_type(q.type)) return out;
    db::Params p;
    std::string where = where_clause(db, q, p);
    if (q.limit < 0) {
        for (const auto& r : list_query(db, q, select_sets(q.type) + where + order_clause(q), p)) {
            SetListRow row;
            row.set = from_row(r, q.type);
            out.push_back(std::move(row));
        }
        if (total) *total = static_cast<int64_t>(out.size());
    } else {
        // A page: sort the ids alone (rows without LONGTEXT columns sort in memory, not in an
        // on-disk temporary table) with LIMIT, then read the page's rows. The total is a COUNT
        // of its own: fetching every matching id to count them cost 100 000 rows per page.
        // Statements with the visibility clause are not kept prepared (list_query).
        // A filter (words, tags) or a sort by a column reads every visible set anyway: the
        // total is then counted by the same statement (COUNT(*) OVER (): the rows before the
        // LIMIT, exact), one pass instead of two. A page past the end has no row to carry it:
        // counted apart then. Without either, the page stops after its rows and the COUNT is
        // the only full pass. Not for a sort alone of a user who sees every set: that COUNT
        // reads an index of the detail table (11 ms for 100 000 patients), while the window
        // sorts every row instead of keeping the page's best (admin, sort by name: 140 -> 400 ms).
        // Nor for the sorts on the kept file counts and the name keys: an index gives that order
        // (sql/062), so the page stops after its rows as an unsorted one does.
        const bool indexed_sort = (q.sort == "file_count" && q.kept_file_counts) || (q.sort == "name" && q.name_keys);
        const bool one_pass = total && (!q.words.empty() || !q.tags.empty() ||
                                        (!q.see_all && !sort_columns(q).empty() && !indexed_sort));
        std::string sql = "SELECT d.sample_set_id" + std::string(one_pass ? ", COUNT(*) OVER ()" : "") + " FROM " +
                          from_sets(q.type) + where + order_clause(q) + " LIMIT ? OFFSET ?";
        auto count = [&] {
            auto n = list_query_one(db, q, "SELECT COUNT(*) FROM " + from_sets(q.type) + where, p);
            *total = n ? n->integer(0) : 0;
        };
        if (total && !one_pass) {
            if (q.known_total) *total = *q.known_total;
            else count();
        }
        // The ids of every matching set for the footer's files (matching): the same statement
        // with the first matching_max + 1 rows instead of the page's, the page cut from them.
        // At most kIdsPerStatement ids (LIST_TOTALS_MAX_SETS set higher): one placeholder each
        // in the footer's statement.
        const bool collect = one_pass && matching && matching_max <= static_cast<int64_t>(kIdsPerStatement) &&
                             q.offset + q.limit <= matching_max + 1;
        db::Params pp = p;
        pp.emplace_back(static_cast<long long>(collect ? matching_max + 1 : q.limit));
        pp.emplace_back(static_cast<long long>(collect ? 0 : q.offset));
        std::vector<int64_t> ids;
        db::Rows page = list_query(db, q, sql, pp);
        if (collect) {
            for (size_t i = static_cast<size_t>(q.offset); i < page.size() && i < static_cast<size_t>(q.offset + q.limit); ++i)
                ids.push_back(page[i].integer(0));
            if (static_cast<int64_t>(page.size()) <= matching_max)
                for (const auto& r : page) matching->push_back(r.integer(0));
        } else {
            for (const auto& r : page) ids.push_back(r.integer(0));
        }
        if (one_pass) {
            if (!page.empty()) *total = page.front().integer(1);
            else if (q.offset > 0) count();
            else *total = 0;
        }
        if (ids.empty()) return out;
        db::Params pi;
        std::map<int64_t, SampleSet> found;
        for (const auto& r : db.query(select_sets(q.type) + " WHERE d.sample_set_id IN (" + id_list(ids, pi) + ")", pi))
            found.emplace(r.integer("ssid"), from_row(r, q.type));
        for (int64_t id : ids)
            if (found.count(id)) out.push_back(SetListRow{found[id], 0, 0, {}, "", {}});
    }
    if (q.details) add_page_details(db, out);
    return out;
}

bool name_keys_usable(db::Connection& db, const std::string& type) {
    if (!is_set_type(type)) return false;
    auto r = db.query_one("SELECT @@max_sort_length, EXISTS (SELECT 1 FROM " + type + " WHERE name_cntrl = 1)");
    return r && r->integer(0) == 1024 && r->integer(1) == 0;
}

bool folded_words_usable(db::Connection& db, const std::string& type) {
    if (!is_set_type(type)) return false;
    // An indexed look-up (search_fold_missing_k).
    return !db.query_one("SELECT 1 FROM " + type + " WHERE search_fold_missing = 1 LIMIT 1").has_value();
}

SetListTotals list_totals(db::Connection& db, const SetListQuery& q, int64_t sets, const std::vector<SetListRow>& page,
                          int64_t max_sets, const std::vector<int64_t>& matching) {
    SetListTotals t;
    t.sets = sets;
    if (!is_set_type(q.type)) return t;
    if (sets <= static_cast<int64_t>(page.size())) {  // everything is on this page already
        for (const auto& r : page) {
            t.files += r.file_count;
            t.size += r.size;
        }
        return t;
    }
    // Counting reads every membership and file row of the listed sets (a million for an
    // administrator's list of 100 000 patients): beyond max_sets sets the files are not counted.
    if (max_sets >= 0 && sets > max_sets) {
        t.files_counted = false;
        return t;
    }
    // Files through the memberships of the listed sets (a file in two listed sets of the same
    // type is counted twice, which the footer can live with): driven by the memberships, far
    // fewer than the sets. When the matching ids are known (a filter), their memberships
    // directly: the filter's LIKEs and semi-joins are not evaluated a second time.
    if (static_cast<int64_t>(matching.size()) == sets) {
        db::Params p;  // a text of its own for each number of ids: not cached
        auto f = db.query_one_uncached("SELECT COUNT(*), COALESCE(SUM(COALESCE(sf.size_file, 0) + COALESCE(sf.size_file2, 0)), 0) "
                                       "FROM sample_set_membership m JOIN sequence_file sf ON sf.id = m.sequence_file_id "
                                       "WHERE m.sample_set_id IN (" + id_list(matching, p) + ")",
                                       p);
        if (f) {
            t.files = f->integer(0);
            t.size = f->integer(1);
        }
        return t;
    }
    db::Params p;
    auto f = list_query_one(db, q, "SELECT COUNT(*), COALESCE(SUM(COALESCE(sf.size_file, 0) + COALESCE(sf.size_file2, 0)), 0) "
                          "FROM sample_set_membership m JOIN sequence_file sf ON sf.id = m.sequence_file_id JOIN " +
                          q.type + " d ON d.sample_set_id = m.sample_set_id LEFT JOIN auth_user u ON u.id = d.creator" +
                          where_clause(db, q, p),
                          p);
    if (f) {
        t.files = f->integer(0);
        t.size = f->integer(1);
    }
    return t;
}

std::optional<int64_t> neighbour_set(db::Connection& db, const SetListQuery& q, int64_t from, int direction) {
    if (!is_set_type(q.type)) return std::nullopt;
    db::Params p;
    std::string sql = "SELECT d.sample_set_id FROM " + from_sets(q.type) + where_clause(db, q, p) +
                      (direction > 0 ? " AND d.sample_set_id > ? ORDER BY d.sample_set_id ASC"
                                     : " AND d.sample_set_id < ? ORDER BY d.sample_set_id DESC") +
                      " LIMIT 1";
    p.emplace_back(static_cast<long long>(from));
    auto r = list_query_one(db, q, sql, p);
    if (!r) return std::nullopt;
    return r->integer(0);
}

}  // namespace vidjil::model
