// Handlers of file/confirm, file/delete, file/filesystem and the sequence-file downloads
// (sample_set/download_sequence_file, and the sequence-file part of default/download).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "endpoints/files.h"
#include "model/acl.h"
#include "model/upload_names.h"
#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

namespace {

const char* kNoFile = "you need admin permission to delete this file";

std::optional<model::SequenceFile> modifiable_file(Context& c, int64_t id) {
    return c.perm().can_modify_file(id) ? model::sequence_file_get(c.db, id) : std::nullopt;
}

Response not_found() { return Response::error("file not found", 404); }

// The file as an attachment (app::attach_file): nginx sends it when X_ACCEL_SEQUENCES names an
// `internal` location mapped to DIR_SEQUENCES; otherwise app::serve streams it from disk in
// bounded chunks. The body never goes through memory whole.
Response send_file(Context& c, const std::string& stored, const std::string& download_name) {
    Response r;
    r.set_header("Content-Type", "application/octet-stream");
    r.set_header("Content-Disposition", http::content_disposition(download_name));
    if (!app::attach_file(r, sequences_dir(c) + "/" + stored, sequences_dir(c), c.cfg.get("X_ACCEL_SEQUENCES")))
        return not_found();
    return r;
}

}  // namespace

Response file_confirm(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto f = modifiable_file(c, id);
    if (!f) return Response::error(kNoFile);
    std::set<int64_t> sets = model::sets_of_file(c.db, id);
    size_t others = 0;
    for (int64_t s : sets)
        if (!c.perm().can_modify_sample_set(s)) ++others;
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(id);
    d["filename"] = f->filename;
    d["redirect"] = std::to_string(c.params.get_int("redirect_sample_set_id", sets.empty() ? 0 : *sets.begin()));
    d["shared_elsewhere"] = others > 0;
    d["trash"] = !c.cfg.get("DIR_TRASH", "").empty();
    d["only_sequence"] = c.params.get("delete_only_sequence") == "True";
    return c.page("file/confirm", d);
}

Response file_delete(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto f = modifiable_file(c, id);
    if (!f) return Response::error(kNoFile);
    std::set<int64_t> sets = model::sets_of_file(c.db, id);
    std::vector<int64_t> mine, others;
    for (int64_t s : sets) (c.perm().can_modify_sample_set(s) ? mine : others).push_back(s);
    int64_t back = c.params.get_int("redirect_sample_set_id", mine.empty() ? 0 : mine.front());
    model::FileRemoval removal;
    std::string what;
    // Its results rows are the job table's too: a deadlock with a runner runs it again.
    db::with_retry(c.db, [&] {
        removal = model::FileRemoval{};
        db::Transaction tx(c.db);
        if (!others.empty()) {
            // Other groups' sets keep their sample: only the user's own sets let it go.
            for (int64_t s : mine) model::remove_set_membership(c.db, s, id);
            what = "removed from " + std::to_string(mine.size()) + " set(s), kept in sets of other groups";
        } else if (c.params.get("delete_results") == "True") {
            model::delete_sequence_file(c.db, id, removal);
            what = "deleted with its results";
        } else {
            model::clear_data_files(c.db, id, removal);
            what = "data deleted, results kept";
        }
        log_change(c, "delete", "sequence_file", id, "sequence file (" + std::to_string(id) + ") " + what);
        tx.commit();
    });
    dispose_files(c, removal);
    Json::Value v(Json::objectValue);
    v["redirect"] = "sample_set/index";
    Json::Value args(Json::objectValue);
    args["id"] = std::to_string(back);
    v["args"] = args;
    v["message"] = "sequence file (" + std::to_string(id) + ") deleted";
    return Response::json_text(v);
}

Response file_filesystem(Context& c) {
    if (!c.params.has("node")) {
        Json::Value root(Json::arrayValue);
        Json::Value n(Json::objectValue);
        n["text"] = "/";
        n["id"] = "/";
        n["children"] = true;
        root.append(n);
        return Response::json_api(root);
    }
    std::string node = c.params.get("node");
    std::string problem;
    auto dir = resolve_source(c.cfg, node, problem);
    struct stat st;
    if (!dir || ::stat(dir->c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return Response::error(problem.empty() ? "not a directory: " + node : problem, 404);
    std::vector<std::string> names;
    if (DIR* d = ::opendir(dir->c_str())) {
        while (dirent* e = ::readdir(d))
            if (e->d_name[0] != '.' && names.size() < 10000) names.push_back(e->d_name);
        ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    std::string prefix = node.empty() || node.back() != '/' ? node + "/" : node;
    Json::Value out(Json::arrayValue);
    for (const auto& name : names) {
        std::string why;
        auto p = resolve_source(c.cfg, prefix + name, why);  // every entry is confined, symlinks included
        if (!p || ::stat(p->c_str(), &st) != 0) continue;
        bool is_dir = S_ISDIR(st.st_mode);
        if (!is_dir && !(S_ISREG(st.st_mode) && allowed_source_type(c.cfg, name))) continue;
        Json::Value n(Json::objectValue);
        n["text"] = name;
        n["li_attr"]["id"] = prefix + name;
        n["li_attr"]["title"] = name;
        if (is_dir) n["children"] = true;
        else n["icon"] = "jstree-file";
        out.append(n);
    }
    return Response::json_api(out);
}

std::optional<Response> download_sequence_file(Context& c, const std::string& stored) {
    if (!text::starts_with(stored, "sequence_file.")) return std::nullopt;
    if (!model::is_safe_stored_name(stored)) return not_found();
    std::optional<int64_t> allowed;
    for (int64_t id : model::files_with_stored_name(c.db, stored))
        if (c.perm().can_view_file(id)) allowed = id;
    // Unknown names and files of other groups get the same answer.
    if (!allowed) return not_found();
    std::string path = sequences_dir(c) + "/" + stored;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return not_found();
    c.audit("download", "sequence_file", *allowed, stored);
    std::string name = model::original_name(stored).value_or(stored);
    return send_file(c, stored, name);
}

Response sample_set_download_sequence_file(Context& c) {
    auto r = download_sequence_file(c, c.req.env.get(app::kPathTail));
    return r ? *r : not_found();
}

}  // namespace vidjil::endpoints
