// `vidjil-admin export` / `import` (see migrator.h).
#include "tools/migrator.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "jobs/paths.h"
#include "model/migrator_rows.h"
#include "model/upload_names.h"
#include "tools/backup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/text.h"

namespace vidjil::tools {

namespace {

const char* const kSetTypes[] = {"patient", "run", "generic"};

int64_t to_id(const std::string& s, const char* what) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
        throw std::runtime_error(std::string("not a valid ") + what + " id: '" + s + "'");
    return std::stoll(s);
}

std::string write_json(const Json::Value& v) {
    Json::StreamWriterBuilder b;
    b["indentation"] = "  ";
    b["emitUTF8"] = true;
    return Json::writeString(b, v) + "\n";
}

Json::Value read_json(const std::string& path) {
    std::string text = fs::read_file(path, size_t(2) << 30);
    Json::Value v;
    std::string err;
    if (!json::parse(text, v, &err) || !v.isObject()) throw std::runtime_error(path + ": not a JSON object" + (err.empty() ? "" : " (" + err + ")"));
    return v;
}

// A database row as the original's export writes it: no id, integers as numbers, the rest
// (dates included) as text, NULL as null.
Json::Value row_json(const db::Row& r, const std::set<std::string>& ints) {
    Json::Value o(Json::objectValue);
    for (size_t i = 0; i < r.size(); ++i) {
        const std::string& name = r.names()[i];
        if (name == "id") continue;
        const db::Value& v = r.at(i);
        if (!v) o[name] = Json::Value::null;
        else if (ints.count(name)) o[name] = Json::Int64(std::stoll(*v));
        else o[name] = *v;
    }
    return o;
}

std::vector<int64_t> ids_of(const db::Rows& rows, const std::string& column) {
    std::set<int64_t> s;
    for (const auto& r : rows)
        if (auto v = r.opt_int(column)) s.insert(*v);
    return {s.begin(), s.end()};
}

std::string six(int64_t id) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(id));
    return buf;
}

// Regular files of a directory tree, as paths relative to it.
void list_tree(const std::string& root, const std::string& rel, std::vector<std::string>& out) {
    std::string dir = rel.empty() ? root : root + "/" + rel;
    auto names = fs::list_dir(dir);
    if (!names) return;
    for (const std::string& n : *names) {
        std::string r = rel.empty() ? n : rel + "/" + n;
        struct stat st {};
        if (::lstat((root + "/" + r).c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) list_tree(root, r, out);
        else if (S_ISREG(st.st_mode)) out.push_back(r);
    }
}

// A JSON scalar of an export (ours or the original's) as a column value.
db::Value column_value(const Json::Value& v) {
    if (v.isNull()) return std::nullopt;
    if (v.isBool()) return std::string(v.asBool() ? "T" : "F");
    if (v.isString()) return v.asString();
    if (v.isIntegral()) return v.isUInt64() && !v.isInt64() ? std::to_string(v.asUInt64()) : std::to_string(v.asInt64());
    if (v.isDouble()) return Json::FastWriter().write(v).substr(0, Json::FastWriter().write(v).size() - 1);
    Json::StreamWriterBuilder b;
    b["indentation"] = "";
    return Json::writeString(b, v);
}

std::optional<int64_t> json_id(const Json::Value& v) {
    if (v.isIntegral() && v.asInt64() > 0) return v.asInt64();
    if (v.isString() && !v.asString().empty() && v.asString().find_first_not_of("0123456789") == std::string::npos &&
        v.asString().size() < 19) {
        int64_t n = std::stoll(v.asString());
        if (n > 0) return n;
    }
    return std::nullopt;
}

// config.json / pprocess.json: {"<old id>": {"description": ..., "link_local": <new id>}}; ids
// absent or with a falsy link_local are kept unchanged (as the original does).
std::map<int64_t, int64_t> read_mapping(const std::string& path) {
    std::map<int64_t, int64_t> m;
    if (path.empty()) return m;
    Json::Value v = read_json(path);
    for (const std::string& k : v.getMemberNames()) {
        auto from = json_id(Json::Value(k));
        if (!from) throw std::runtime_error(path + ": key '" + k + "' is not an id");
        const Json::Value& e = v[k];
        if (!e.isObject()) throw std::runtime_error(path + ": entry " + k + " is not an object");
        if (auto to = json_id(e.get("link_local", Json::Value::null))) m[*from] = *to;
    }
    return m;
}

// Members of a table of export.json, ordered by numeric key.
std::vector<std::pair<int64_t, Json::Value>> table_rows(const Json::Value& exp, const std::string& table) {
    std::vector<std::pair<int64_t, Json::Value>> out;
    const Json::Value& t = exp.isMember(table) ? exp[table] : Json::Value::null;
    if (t.isNull()) return out;
    if (!t.isObject()) throw std::runtime_error("export.json: " + table + " is not an object");
    for (const std::string& k : t.getMemberNames()) {
        auto id = json_id(Json::Value(k));
        if (!id) throw std::runtime_error("export.json: " + table + " key '" + k + "' is not an id");
        if (!t[k].isObject()) throw std::runtime_error("export.json: " + table + " " + k + " is not an object");
        out.emplace_back(*id, t[k]);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

void copy_stored(const Config& cfg, const std::string& stored, const std::string& files_dir, std::set<std::string>& done,
                 std::ostream& warn) {
    if (stored.empty() || done.count(stored)) return;
    done.insert(stored);
    auto src = jobs::stored_result_path(cfg, stored);
    if (!src) {
        warn << "warning: unsafe stored file name skipped\n";
        return;
    }
    if (!fs::exists(*src)) {
        auto seq = jobs::stored_sequence_path(cfg, stored);
        if (seq && fs::exists(*seq)) src = seq;
        else {
            warn << "warning: " << stored << " is missing from " << jobs::results_dir(cfg) << ": not exported\n";
            return;
        }
    }
    copy_file_atomic(*src, files_dir + "/" + stored, false);
}

}  // namespace

bool copy_file_atomic(const std::string& from, const std::string& to, bool exclusive) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw std::runtime_error("cannot read " + from + ": " + std::strerror(errno));
    std::string dir = fs::dirname(to);
    std::string tmp = dir + "/.copy-" + text::random_hex(8);
    int outfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (outfd < 0) {
        ::close(in);
        throw std::runtime_error("cannot write in " + dir + ": " + std::strerror(errno));
    }
    auto fail = [&](const std::string& m) {
        ::close(in);
        ::close(outfd);
        ::unlink(tmp.c_str());
        throw std::runtime_error(m);
    };
    std::vector<char> buf(1 << 16);
    for (;;) {
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("cannot read " + from + ": " + std::strerror(errno));
        if (n == 0) break;
        const char* p = buf.data();
        while (n > 0) {
            ssize_t w = ::write(outfd, p, static_cast<size_t>(n));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) fail("cannot write " + to + ": " + std::strerror(errno));
            p += w;
            n -= w;
        }
    }
    if (::fsync(outfd) != 0) fail("cannot write " + to + ": " + std::strerror(errno));
    ::close(in);
    if (::close(outfd) != 0) {
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot write " + to);
    }
    if (exclusive) {
        // link() never replaces an existing file.
        if (::link(tmp.c_str(), to.c_str()) != 0) {
            int e = errno;
            ::unlink(tmp.c_str());
            if (e == EEXIST) return false;
            throw std::runtime_error("cannot create " + to + ": " + std::strerror(e));
        }
        ::unlink(tmp.c_str());
    } else if (::rename(tmp.c_str(), to.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot create " + to + ": " + std::strerror(e));
    }
    fs::fsync_dir(dir);
    return true;
}

// ---------------------------------------------------------------------------------------------
int cmd_export(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    const char* usage = "usage: vidjil-admin export sample_set {patient|run|generic} ID... DIR | export group GID... DIR";
    if (argc < 5) return usage_error(usage);
    std::string mode = argv[2];
    std::string dir = argv[argc - 1];
    std::map<std::string, db::Rows> sets;
    if (mode == "sample_set") {
        std::string type = argv[3];
        if (type != "patient" && type != "run" && type != "generic") return usage_error(usage);
        if (argc < 6) return usage_error(usage);
        std::vector<int64_t> ids;
        for (int i = 4; i < argc - 1; ++i) ids.push_back(to_id(argv[i], type.c_str()));
        sets[type] = model::rows_where_in(db, type, "id", ids);
        std::set<int64_t> found;
        for (const auto& r : sets[type]) found.insert(r.integer("id"));
        for (int64_t id : ids)
            if (!found.count(id)) throw std::runtime_error("no " + type + " with id " + std::to_string(id));
    } else if (mode == "group") {
        std::vector<int64_t> groups;
        for (int i = 3; i < argc - 1; ++i) {
            groups.push_back(to_id(argv[i], "group"));
            if (!model::row_exists(db, "auth_group", groups.back())) throw std::runtime_error("no group with id " + std::string(argv[i]));
        }
        std::vector<int64_t> ss = model::sets_of_groups(db, groups);
        for (const char* t : kSetTypes) sets[t] = model::rows_where_in(db, t, "sample_set_id", ss);
    } else {
        return usage_error(usage);
    }
    struct stat st {};
    if (::stat((dir + "/export.json").c_str(), &st) == 0) throw std::runtime_error(dir + "/export.json already exists: not overwritten");

    std::vector<int64_t> ss_ids;
    for (const auto& [t, rows] : sets)
        for (const auto& r : rows)
            if (auto v = r.opt_int("sample_set_id")) ss_ids.push_back(*v);
    std::sort(ss_ids.begin(), ss_ids.end());
    db::Rows members = model::rows_where_in(db, "sample_set_membership", "sample_set_id", ss_ids);
    std::vector<int64_t> file_ids = ids_of(members, "sequence_file_id");
    db::Rows files = model::rows_where_in(db, "sequence_file", "id", file_ids);
    db::Rows results = model::rows_where_in(db, "results_file", "sequence_file_id", file_ids);
    std::vector<int64_t> task_ids = ids_of(results, "scheduler_task_id");
    db::Rows tasks = model::rows_where_in(db, "scheduler_task", "id", task_ids);
    db::Rows runs = model::rows_where_in(db, "scheduler_run", "task_id", task_ids);
    db::Rows analyses = model::rows_where_in(db, "analysis_file", "sample_set_id", ss_ids);
    db::Rows fused = model::rows_where_in(db, "fused_file", "sample_set_id", ss_ids);

    Json::Value exp(Json::objectValue);
    auto put = [&](const std::string& table, const db::Rows& rows, const std::map<std::string, Json::Value>& force) {
        std::set<std::string> ints = model::integer_columns(db, table);
        Json::Value& t = exp[table] = Json::Value(Json::objectValue);
        for (const auto& r : rows) {
            Json::Value o = row_json(r, ints);
            for (const auto& [k, v] : force)
                if (o.isMember(k)) o[k] = v;
            t[r.str("id")] = o;
        }
    };
    for (const char* t : kSetTypes)
        if (sets.count(t)) put(t, sets[t], {{"creator", Json::Value(1)}});
    put("sequence_file", files, {{"provider", Json::Value(1)}, {"patient_id", Json::Value::null}});
    Json::Value& mem = exp["membership"] = Json::Value(Json::objectValue);
    for (const auto& r : members) {
        Json::Value o(Json::objectValue);
        o["sample_set_id"] = Json::Int64(r.integer("sample_set_id"));
        o["sequence_file_id"] = Json::Int64(r.integer("sequence_file_id"));
        mem[r.str("id")] = o;
    }
    put("results_file", results, {});
    put("scheduler_task", tasks, {});
    put("scheduler_run", runs, {});
    put("analysis_file", analyses, {});
    put("fused_file", fused, {});

    // config.json / pprocess.json: identity mappings to be edited before an import elsewhere.
    std::set<int64_t> config_ids;
    for (const db::Rows* rows : {&results, &fused, &analyses})
        for (const auto& r : *rows)
            if (auto c = r.opt_int("config_id")) config_ids.insert(*c);
    Json::Value configs(Json::objectValue), pprocs(Json::objectValue);
    for (const auto& r : model::rows_where_in(db, "config", "id", {config_ids.begin(), config_ids.end()})) {
        Json::Value d(Json::objectValue);
        for (const char* k : {"name", "program", "command", "fuse_command", "info"}) d[k] = r.str(k);
        d["classification"] = r.opt_int("classification") ? Json::Value(Json::Int64(*r.opt_int("classification"))) : Json::Value::null;
        configs[r.str("id")]["description"] = d;
        configs[r.str("id")]["link_local"] = Json::Int64(r.integer("id"));
    }
    for (const auto& r : model::rows_where_in(db, "pre_process", "id", ids_of(files, "pre_process_id"))) {
        Json::Value d(Json::objectValue);
        for (const char* k : {"name", "command", "info"}) d[k] = r.str(k);
        pprocs[r.str("id")]["description"] = d;
        pprocs[r.str("id")]["link_local"] = Json::Int64(r.integer("id"));
    }

    // files/ (stored result names) and files/pre/out-%06d/ (pre-process work directories).
    fs::mkdirs(dir + "/files", 0750);
    std::set<std::string> done;
    for (const auto& r : results) copy_stored(cfg, r.str("data_file"), dir + "/files", done, std::cerr);
    for (const auto& r : analyses) copy_stored(cfg, r.str("analysis_file"), dir + "/files", done, std::cerr);
    for (const auto& r : fused) copy_stored(cfg, r.str("fused_file"), dir + "/files", done, std::cerr);
    for (const auto& r : files) copy_stored(cfg, r.str("pre_process_file"), dir + "/files", done, std::cerr);
    size_t pre_dirs = 0;
    for (int64_t fid : file_ids) {
        std::string src = jobs::pre_process_workdir(cfg, fid);
        std::vector<std::string> rel;
        list_tree(src, "", rel);
        if (rel.empty()) continue;
        ++pre_dirs;
        for (const std::string& f : rel) {
            std::string to = dir + "/files/pre/out-" + six(fid) + "/" + f;
            fs::mkdirs(fs::dirname(to), 0750);
            copy_file_atomic(src + "/" + f, to, false);
        }
    }
    fs::write_file_atomic(dir + "/config.json", write_json(configs), 0640);
    fs::write_file_atomic(dir + "/pprocess.json", write_json(pprocs), 0640);
    // export.json last: its presence means the export is complete.
    fs::write_file_atomic(dir + "/export.json", write_json(exp), 0640);
    for (const char* t : kSetTypes)
        if (sets.count(t))
            for (const auto& r : sets[t]) cli_audit(db, "admin_export", t, r.integer("id"), "to " + dir);
    for (const char* t : kSetTypes)
        if (sets.count(t)) out << t << ": " << sets[t].size() << "\n";
    out << "sequence_file: " << files.size() << "\nmembership: " << members.size() << "\nresults_file: " << results.size()
        << "\nscheduler_task: " << tasks.size() << "\nscheduler_run: " << runs.size() << "\nanalysis_file: "
        << analyses.size() << "\nfused_file: " << fused.size() << "\nconfigs: " << configs.size()
        << "\npre-processes: " << pprocs.size() << "\nfiles: " << done.size() << ", pre-process directories: " << pre_dirs
        << "\nexported to " << dir << "\n";
    return 0;
}

// ---------------------------------------------------------------------------------------------
int cmd_import(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    const char* usage =
        "usage: vidjil-admin import [--dry-run] [--config config.json] [--pre-process pprocess.json] DIR GROUP_ID";
    bool dry = false;
    std::string config_path, pprocess_path;
    std::vector<std::string> pos;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--dry-run") dry = true;
        else if (a == "--config" && i + 1 < argc) config_path = argv[++i];
        else if (a == "--pre-process" && i + 1 < argc) pprocess_path = argv[++i];
        else if (!a.empty() && a[0] != '-') pos.push_back(a);
        else return usage_error(usage);
    }
    if (pos.size() != 2) return usage_error(usage);
    const std::string dir = pos[0];
    const int64_t group = to_id(pos[1], "group");
    if (!model::row_exists(db, "auth_group", group)) throw std::runtime_error("no group with id " + pos[1]);
    Json::Value exp = read_json(dir + "/export.json");
    std::map<int64_t, int64_t> config_map = read_mapping(config_path), pre_map = read_mapping(pprocess_path);
    auto mapped = [](const std::map<int64_t, int64_t>& m, int64_t id) {
        auto it = m.find(id);
        return it == m.end() ? id : it->second;
    };

    std::map<std::string, size_t> counts;
    std::map<int64_t, int64_t> ss_map, file_map, task_map;
    std::vector<std::string> created;  // files written by this import (removed on failure)
    std::vector<std::string> created_dirs;
    std::map<std::string, std::set<std::string>> cols;
    auto columns = [&](const std::string& t) -> const std::set<std::string>& {
        auto it = cols.find(t);
        if (it == cols.end()) it = cols.emplace(t, model::columns_of(db, t)).first;
        return it->second;
    };
    // One row of export.json, with `force` overriding some of its columns.
    auto insert = [&](const std::string& table, const Json::Value& row, const std::map<std::string, db::Value>& force) {
        std::vector<std::string> c;
        std::vector<db::Value> v;
        for (const std::string& k : row.getMemberNames()) {
            if (k == "id" || force.count(k) || !columns(table).count(k)) continue;
            c.push_back(k);
            v.push_back(column_value(row[k]));
        }
        for (const auto& [k, val] : force)
            if (columns(table).count(k)) c.push_back(k), v.push_back(val);
        ++counts[table];
        return model::insert_one(db, table, c, v);
    };
    auto user_or_null = [&](const Json::Value& v) -> db::Value {
        auto id = json_id(v);
        if (id && model::row_exists(db, "auth_user", *id)) return std::to_string(*id);
        return std::nullopt;
    };
    auto id_text = [](int64_t id) -> db::Value { return std::to_string(id); };
    auto need = [](const std::map<int64_t, int64_t>& m, const Json::Value& v, const std::string& what) -> db::Value {
        auto id = json_id(v);
        if (!id) return std::nullopt;
        auto it = m.find(*id);
        if (it == m.end()) throw std::runtime_error("export.json refers to " + what + " " + std::to_string(*id) + ", which it does not contain");
        return std::to_string(it->second);
    };
    auto optional_map = [](const std::map<int64_t, int64_t>& m, const Json::Value& v) -> db::Value {
        auto id = json_id(v);
        if (!id) return std::nullopt;
        auto it = m.find(*id);
        return it == m.end() ? db::Value() : db::Value(std::to_string(it->second));
    };

    // Configs and pre-processes the rows will point to must exist here (after mapping).
    std::set<int64_t> need_configs, need_pre;
    for (const char* t : {"results_file", "fused_file"})
        for (const auto& [id, row] : table_rows(exp, t))
            if (auto c = json_id(row.get("config_id", Json::Value::null))) need_configs.insert(mapped(config_map, *c));
    for (const auto& [id, row] : table_rows(exp, "sequence_file"))
        if (auto p = json_id(row.get("pre_process_id", Json::Value::null))) need_pre.insert(mapped(pre_map, *p));
    for (int64_t c : need_configs)
        if (!model::row_exists(db, "config", c))
            throw std::runtime_error("config " + std::to_string(c) + " does not exist in this database: set its link_local in " +
                                     (config_path.empty() ? std::string("a config.json given with --config") : config_path) +
                                     " (nothing was imported)");
    for (int64_t p : need_pre)
        if (!model::row_exists(db, "pre_process", p))
            throw std::runtime_error("pre-process " + std::to_string(p) + " does not exist in this database: set its link_local in " +
                                     (pprocess_path.empty() ? std::string("a pprocess.json given with --pre-process") : pprocess_path) +
                                     " (nothing was imported)");

    try {
        db::Transaction tx(db);
        for (const char* type : kSetTypes) {
            for (const auto& [old_id, row] : table_rows(exp, type)) {
                int64_t ss = model::insert_one(db, "sample_set", {"sample_type"}, {std::string(type)});
                ++counts["sample_set"];
                if (auto o = json_id(row.get("sample_set_id", Json::Value::null))) ss_map[*o] = ss;
                int64_t detail = insert(type, row, {{"sample_set_id", id_text(ss)}, {"creator", user_or_null(row.get("creator", Json::Value::null))}});
                model::grant_access(db, group, type, detail);
                model::grant_access(db, group, "sample_set", ss);
                cli_audit(db, "admin_import", type, detail,
                          "from " + dir + " (" + std::string(type) + " " + std::to_string(old_id) + "), group " + std::to_string(group));
                out << type << " " << old_id << " -> " << detail << " (sample_set " << ss << ")\n";
            }
        }
        for (const auto& [old_id, row] : table_rows(exp, "sequence_file")) {
            db::Value pre;
            if (auto p = json_id(row.get("pre_process_id", Json::Value::null))) pre = std::to_string(mapped(pre_map, *p));
            file_map[old_id] = insert("sequence_file", row,
                                      {{"patient_id", std::nullopt},
                                       {"provider", user_or_null(row.get("provider", Json::Value::null))},
                                       {"pre_process_id", pre},
                                       {"pre_process_scheduler_task_id", std::nullopt}});
        }
        for (const auto& [old_id, row] : table_rows(exp, "membership")) {
            model::insert_one(db, "sample_set_membership", {"sample_set_id", "sequence_file_id"},
                              {need(ss_map, row.get("sample_set_id", Json::Value::null), "sample set"),
                               need(file_map, row.get("sequence_file_id", Json::Value::null), "sequence file")});
            ++counts["sample_set_membership"];
        }
        for (const auto& [old_id, row] : table_rows(exp, "scheduler_task")) task_map[old_id] = insert("scheduler_task", row, {});
        for (const auto& [old_id, row] : table_rows(exp, "scheduler_run"))
            insert("scheduler_run", row, {{"task_id", need(task_map, row.get("task_id", Json::Value::null), "scheduler task")}});
        for (const auto& [old_id, row] : table_rows(exp, "results_file")) {
            db::Value config;
            if (auto c = json_id(row.get("config_id", Json::Value::null))) config = std::to_string(mapped(config_map, *c));
            insert("results_file", row,
                   {{"sequence_file_id", need(file_map, row.get("sequence_file_id", Json::Value::null), "sequence file")},
                    {"scheduler_task_id", optional_map(task_map, row.get("scheduler_task_id", Json::Value::null))},
                    {"config_id", config}});
        }
        for (const auto& [old_id, row] : table_rows(exp, "analysis_file"))
            insert("analysis_file", row,
                   {{"sample_set_id", need(ss_map, row.get("sample_set_id", Json::Value::null), "sample set")},
                    {"patient_id", std::nullopt},
                    {"config_id", std::nullopt}});
        for (const auto& [old_id, row] : table_rows(exp, "fused_file")) {
            db::Value config;
            if (auto c = json_id(row.get("config_id", Json::Value::null))) config = std::to_string(mapped(config_map, *c));
            insert("fused_file", row,
                   {{"sample_set_id", need(ss_map, row.get("sample_set_id", Json::Value::null), "sample set")},
                    {"patient_id", std::nullopt},
                    {"config_id", config}});
        }

        // Files: created under their final names only where absent (an identical file already
        // there is fine, a different one is an error), before the commit; removed on failure.
        std::vector<std::string> names;
        list_tree(dir + "/files", "", names);
        size_t copied = 0, same = 0;
        std::string results = jobs::results_dir(cfg);
        for (const std::string& rel : names) {
            std::string target;
            if (rel.rfind("pre/", 0) == 0) {
                // pre/out-%06d/<path>: the work directory of the old file id, moved to the new one.
                auto parts = text::split(rel, '/');
                if (parts.size() < 3 || parts[1].rfind("out-", 0) != 0) continue;
                int64_t old_file = to_id(parts[1].substr(4), "pre-process directory");
                auto it = file_map.find(old_file);
                if (it == file_map.end()) continue;
                auto inside = rel.substr(4 + parts[1].size() + 1);
                if (!text::split(inside, '/').empty())
                    for (const auto& p : text::split(inside, '/'))
                        if (p.empty() || p == "." || p == "..") throw std::runtime_error("unsafe path in files/: " + rel);
                target = jobs::pre_process_workdir(cfg, it->second) + "/" + inside;
            } else {
                if (!model::is_safe_stored_name(rel)) {
                    std::cerr << "warning: files/" << rel << " is not a stored file name: not imported\n";
                    continue;
                }
                target = results + "/" + rel;
            }
            if (dry) {
                out << (fs::exists(target) ? "would keep " : "would copy ") << "files/" << rel << " -> " << target << "\n";
                continue;
            }
            std::string parent = fs::dirname(target);
            if (!fs::exists(parent)) {
                // Every level created here is removed again on failure (deepest first).
                std::vector<std::string> levels;
                for (std::string d = parent; !d.empty() && d != "/" && !fs::exists(d); d = fs::dirname(d)) levels.push_back(d);
                fs::mkdirs(parent, 0750);
                created_dirs.insert(created_dirs.end(), levels.rbegin(), levels.rend());
            }
            if (copy_file_atomic(dir + "/files/" + rel, target, true)) {
                created.push_back(target);
                ++copied;
            } else if (fs::read_file(target, size_t(4) << 30) == fs::read_file(dir + "/files/" + rel, size_t(4) << 30)) {
                ++same;
            } else {
                throw std::runtime_error(target + " already exists with another content: not replaced");
            }
        }
        for (const auto& [t, n] : counts) out << t << ": " << n << "\n";
        if (dry) {
            out << "dry run: nothing was imported (" << names.size() << " files would be considered)\n";
            return 0;  // the Transaction rolls back
        }
        tx.commit();
        out << "imported into group " << group << "; files copied: " << copied << ", already present: " << same << "\n";
    } catch (...) {
        for (auto it = created.rbegin(); it != created.rend(); ++it) ::unlink(it->c_str());
        for (auto it = created_dirs.rbegin(); it != created_dirs.rend(); ++it) ::rmdir(it->c_str());
        throw;
    }
    return 0;
}

}  // namespace vidjil::tools
