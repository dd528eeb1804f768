// SQL for sample sets (see sample_sets.h): one set, its groups, configs and files; the lists of
// sets are in set_lists.cpp.
#include "model/sample_sets.h"

#include <algorithm>

#include "model/acl.h"
#include "model/sequence_files.h"
#include "model/sample_sets_sql.h"
#include "model/users.h"
#include "util/text.h"

namespace vidjil::model {


bool is_set_type(const std::string& type) { return type == "patient" || type == "run" || type == "generic"; }

namespace sets_sql {

// Detail columns of each type, as selected from alias d (dates as text).
std::string detail_columns(const std::string& type) {
    if (type == "patient")
        return "d.first_name, d.last_name, DATE_FORMAT(d.birth, '%Y-%m-%d') AS birth, d.info, d.id_label";
    if (type == "run")
        return "d.name, DATE_FORMAT(d.run_date, '%Y-%m-%d') AS run_date, d.info, d.id_label, d.sequencer, d.pcr";
    return "d.name, d.info";
}

SampleSet from_row(const db::Row& r, const std::string& type) {
    SampleSet s;
    s.type = type;
    s.id = r.integer("ssid");
    s.detail_id = r.integer("did");
    s.info = r.str("info");
    s.creator = r.opt_int("creator");
    s.creator_name = r.str("creator_name");
    if (type == "patient") {
        s.first_name = r.str("first_name");
        s.last_name = r.str("last_name");
        s.birth = r.str("birth");
        s.id_label = r.str("id_label");
    } else {
        s.name = r.str("name");
        if (type == "run") {
            s.run_date = r.str("run_date");
            s.id_label = r.str("id_label");
            s.sequencer = r.str("sequencer");
            s.pcr = r.str("pcr");
        }
    }
    return s;
}

// The detail table alone: its sample_set_id is the set id (no join with sample_set, which
// halves the cost of listing 10 000 sets).
std::string from_sets(const std::string& type) {
    return type + " d LEFT JOIN auth_user u ON u.id = d.creator";
}

std::string select_sets(const std::string& type) {
    return "SELECT d.sample_set_id AS ssid, d.id AS did, d.creator, u.last_name AS creator_name, " + detail_columns(type) +
           " FROM " + from_sets(type);
}

void add_ids(db::Params& p, const std::set<int64_t>& ids) {
    for (int64_t id : ids) p.emplace_back(static_cast<long long>(id));
}

}  // namespace sets_sql

using namespace sets_sql;

namespace {
void granted_batch(db::Connection& db, const std::set<int64_t>& id_set, const std::set<int64_t>& groups,
                   std::set<int64_t>& out);
}  // namespace

std::set<int64_t> sets_granted_to(db::Connection& db, const std::vector<int64_t>& ids, const std::set<int64_t>& groups) {
    std::set<int64_t> out;
    if (ids.empty() || groups.empty()) return out;
    // By batches of kIdsPerStatement ids: a list without pages may hold more sets than
    // MariaDB's placeholders allow in one statement.
    std::set<int64_t> all(ids.begin(), ids.end());
    for (auto it = all.begin(); it != all.end();) {
        std::set<int64_t> id_set;
        for (; it != all.end() && id_set.size() < kIdsPerStatement; ++it) id_set.insert(*it);
        granted_batch(db, id_set, groups, out);
    }
    return out;
}

namespace {
void granted_batch(db::Connection& db, const std::set<int64_t>& id_set, const std::set<int64_t>& groups,
                   std::set<int64_t>& out) {
    std::string in_ids = placeholders(id_set.size()), in_groups = placeholders(groups.size());
    db::Params p;
    add_ids(p, id_set);
    add_ids(p, groups);
    for (const auto& r : db.query("SELECT DISTINCT record_id FROM auth_permission WHERE table_name = 'sample_set' AND "
                                  "name = 'access' AND record_id IN (" + in_ids + ") AND group_id IN (" + in_groups + ")",
                                  p))
        out.insert(r.integer(0));
    // Grants on the legacy detail rows of imported data count too.
    for (const char* type : {"patient", "run", "generic"}) {
        for (const auto& r : db.query(std::string("SELECT DISTINCT d.sample_set_id FROM auth_permission ap JOIN ") + type +
                                          " d ON d.id = ap.record_id WHERE ap.table_name = '" + type +
                                          "' AND ap.name = 'access' AND d.sample_set_id IN (" + in_ids +
                                          ") AND ap.group_id IN (" + in_groups + ")",
                                      p))
            out.insert(r.integer(0));
    }
}
}  // namespace

std::optional<SampleSet> sample_set_by_id(db::Connection& db, int64_t id) {
    auto t = db.query_one("SELECT sample_type FROM sample_set WHERE id = ?", {id});
    if (!t || !is_set_type(t->str(0))) return std::nullopt;
    std::string type = t->str(0);
    auto r = db.query_one(select_sets(type) + " WHERE d.sample_set_id = ? ORDER BY d.id LIMIT 1", {id});
    if (!r) return std::nullopt;
    return from_row(*r, type);
}

int64_t insert_sample_set(db::Connection& db, SampleSet& s, int64_t creator, int64_t group) {
    if (!is_set_type(s.type)) throw std::invalid_argument("bad set type");
    db.exec("INSERT INTO sample_set (creator, sample_type) VALUES (?, ?)", {creator, s.type});
    s.id = static_cast<int64_t>(db.last_insert_id());
    auto date = [](const std::string& d) { return d.empty() ? db::Param(std::nullopt) : db::Param(d); };
    if (s.type == "patient")
        db.exec("INSERT INTO patient (first_name, last_name, birth, info, id_label, creator, sample_set_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                {s.first_name, s.last_name, date(s.birth), s.info, s.id_label, creator, s.id});
    else if (s.type == "run")
        db.exec("INSERT INTO run (name, run_date, info, id_label, creator, sequencer, pcr, sample_set_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {s.name, date(s.run_date), s.info, s.id_label, creator, s.sequencer, s.pcr, s.id});
    else
        db.exec("INSERT INTO generic (name, info, creator, sample_set_id) VALUES (?, ?, ?, ?)",
                {s.name, s.info, creator, s.id});
    s.detail_id = static_cast<int64_t>(db.last_insert_id());
    s.creator = creator;
    add_permission(db, group, "access", "sample_set", s.id);
    return s.id;
}

void update_sample_set(db::Connection& db, const SampleSet& s) {
    auto date = [](const std::string& d) { return d.empty() ? db::Param(std::nullopt) : db::Param(d); };
    if (s.type == "patient")
        db.exec("UPDATE patient SET first_name = ?, last_name = ?, birth = ?, info = ?, id_label = ? WHERE id = ?",
                {s.first_name, s.last_name, date(s.birth), s.info, s.id_label, s.detail_id});
    else if (s.type == "run")
        db.exec("UPDATE run SET name = ?, run_date = ?, info = ?, id_label = ?, sequencer = ?, pcr = ? WHERE id = ?",
                {s.name, date(s.run_date), s.info, s.id_label, s.sequencer, s.pcr, s.detail_id});
    else if (s.type == "generic")
        db.exec("UPDATE generic SET name = ?, info = ? WHERE id = ?", {s.name, s.info, s.detail_id});
}

std::optional<int64_t> set_owner_group(db::Connection& db, int64_t sample_set_id) {
    auto r = db.query_one("SELECT group_id FROM auth_permission WHERE table_name = 'sample_set' AND name = 'access' "
                          "AND record_id = ? AND group_id IS NOT NULL ORDER BY id LIMIT 1",
                          {sample_set_id});
    if (!r) return std::nullopt;
    return r->integer(0);
}

std::vector<std::pair<int64_t, std::string>> set_groups(db::Connection& db, int64_t sample_set_id) {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const auto& r : db.query("SELECT g.id, g.role FROM auth_permission ap JOIN auth_group g ON g.id = ap.group_id "
                                  "WHERE ap.table_name = 'sample_set' AND ap.name = 'access' AND ap.record_id = ? "
                                  "ORDER BY ap.id",
                                  {sample_set_id})) {
        std::pair<int64_t, std::string> g(r.integer(0), r.str(1));
        if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
    }
    return out;
}

bool group_exists(db::Connection& db, int64_t group_id) {
    return db.query_one("SELECT id FROM auth_group WHERE id = ?", {group_id}).has_value();
}

std::vector<std::pair<int64_t, std::string>> groups_named(db::Connection& db, bool all_groups, const std::set<int64_t>& ids) {
    std::vector<std::pair<int64_t, std::string>> out;
    if (!all_groups && ids.empty()) return out;
    db::Params p;
    std::string sql = "SELECT id, role FROM auth_group";
    if (!all_groups) {
        sql += " WHERE id IN (" + placeholders(ids.size()) + ")";
        add_ids(p, ids);
    }
    for (const auto& r : db.query(sql + " ORDER BY id", p)) out.emplace_back(r.integer(0), r.str(1));
    return out;
}

bool toggle_set_access(db::Connection& db, int64_t sample_set_id, int64_t group_id) {
    uint64_t removed = db.exec("DELETE FROM auth_permission WHERE table_name = 'sample_set' AND name = 'access' AND "
                               "record_id = ? AND group_id = ?",
                               {sample_set_id, group_id});
    if (removed) return false;
    add_permission(db, group_id, "access", "sample_set", sample_set_id);
    return true;
}

std::vector<ConfigChoice> config_choices(db::Connection& db, bool see_all, const std::set<int64_t>& ids) {
    std::vector<ConfigChoice> out;
    if (!see_all && ids.empty()) return out;
    db::Params p;
    std::string sql = "SELECT c.id, c.name, COALESCE(cl.name, '') FROM config c LEFT JOIN classification cl ON "
                      "cl.id = c.classification";
    if (!see_all) {
        sql += " WHERE c.id IN (" + placeholders(ids.size()) + ")";
        add_ids(p, ids);
    }
    for (const auto& r : db.query(sql + " ORDER BY c.classification, c.id", p))
        out.push_back(ConfigChoice{r.integer(0), r.str(1), r.str(2)});
    return out;
}

std::optional<int64_t> most_used_config(db::Connection& db, int64_t sample_set_id) {
    auto r = db.query_one("SELECT config_id FROM fused_file WHERE sample_set_id = ? AND config_id IS NOT NULL "
                          "GROUP BY config_id ORDER BY COUNT(*) DESC, config_id LIMIT 1",
                          {sample_set_id});
    if (!r) return std::nullopt;
    return r->integer(0);
}

ResultFiles fused_files(db::Connection& db, int64_t sample_set_id, int64_t config_id) {
    ResultFiles f;
    for (const auto& r : db.query("SELECT fused_file FROM fused_file WHERE sample_set_id = ? AND config_id = ? "
                                  "ORDER BY fuse_date DESC, id DESC",
                                  {sample_set_id, config_id})) {
        if (f.count++ == 0) f.latest = r.str(0);
    }
    return f;
}

ResultFiles analysis_files(db::Connection& db, int64_t sample_set_id) {
    ResultFiles f;
    for (const auto& r : db.query("SELECT analysis_file FROM analysis_file WHERE sample_set_id = ? "
                                  "ORDER BY analyze_date DESC, id DESC",
                                  {sample_set_id})) {
        if (f.count++ == 0) f.latest = r.str(0);
    }
    return f;
}

std::map<int64_t, std::vector<int64_t>> sets_of_files(db::Connection& db, const std::vector<int64_t>& file_ids) {
    std::map<int64_t, std::vector<int64_t>> out;
    if (file_ids.empty()) return out;
    db::Params p;
    for (int64_t f : file_ids) p.emplace_back(static_cast<long long>(f));
    for (const auto& r : db.query("SELECT DISTINCT sequence_file_id, sample_set_id FROM sample_set_membership WHERE "
                                  "sequence_file_id IN (" + placeholders(file_ids.size()) + ") AND sample_set_id IS NOT "
                                  "NULL ORDER BY sequence_file_id, sample_set_id",
                                  p))
        out[r.integer(0)].push_back(r.integer(1));
    return out;
}

std::map<int64_t, std::vector<int64_t>> sets_of_set_files(db::Connection& db, int64_t sample_set_id) {
    std::map<int64_t, std::vector<int64_t>> out;
    for (const auto& r : db.query("SELECT DISTINCT o.sequence_file_id, o.sample_set_id FROM sample_set_membership m JOIN "
                                  "sample_set_membership o ON o.sequence_file_id = m.sequence_file_id WHERE "
                                  "m.sample_set_id = ? AND o.sample_set_id IS NOT NULL ORDER BY o.sequence_file_id, "
                                  "o.sample_set_id",
                                  {sample_set_id}))
        out[r.integer(0)].push_back(r.integer(1));
    return out;
}

std::optional<int64_t> first_admin_user(db::Connection& db) {
    auto r = db.query_one("SELECT MIN(m.user_id) FROM auth_membership m JOIN auth_group g ON g.id = m.group_id "
                          "WHERE g.role = 'admin'");
    if (!r || !r->at(0)) return std::nullopt;
    return r->integer(0);
}

std::optional<int64_t> set_with_label(db::Connection& db, const std::string& type, const std::string& id_label) {
    if (type != "patient" && type != "run") return std::nullopt;
    auto r = db.query_one("SELECT sample_set_id FROM " + type + " WHERE id_label = ? ORDER BY id LIMIT 1", {id_label});
    if (!r || !r->at(0)) return std::nullopt;
    return r->integer(0);
}

std::vector<SampleSet> sets_of_sequence_file(db::Connection& db, int64_t sequence_file_id) {
    std::vector<SampleSet> out;
    for (int64_t ss : sets_of_file(db, sequence_file_id))
        if (auto s = sample_set_by_id(db, ss)) out.push_back(*s);
    return out;
}

RemovedFiles delete_sample_set(db::Connection& db, const SampleSet& s) {
    FileRemoval removal;
    for (int64_t f : files_of_set(db, s.id)) {
        std::set<int64_t> sets = sets_of_file(db, f);
        sets.erase(s.id);
        if (sets.empty()) delete_sequence_file(db, f, removal);
        else remove_set_membership(db, s.id, f);  // shared with another set: it stays there
    }
    db.exec("DELETE FROM sample_set_membership WHERE sample_set_id = ?", {s.id});
    // No grant or tag may outlive the set: a reused id must not inherit them (model.md §9.2).
    db.exec("DELETE FROM auth_permission WHERE table_name = 'sample_set' AND record_id = ?", {s.id});
    if (is_set_type(s.type) && s.detail_id > 0) {
        db.exec("DELETE FROM auth_permission WHERE table_name = ? AND record_id = ?", {s.type, s.detail_id});
        db.exec("DELETE FROM tag_ref WHERE table_name = ? AND record_id = ?", {s.type, s.detail_id});
    }
    db.exec("DELETE FROM sample_set WHERE id = ?", {s.id});
    return RemovedFiles{removal.sequences, removal.results, removal.links};
}

}  // namespace vidjil::model
