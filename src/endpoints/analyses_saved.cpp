// default/get_analysis and default/save_analysis: the users' annotations of a set (clones
// named, tagged, clustered), stored as append-only versions (model.md §4.3).
#include "endpoints/analyses.h"
#include "jobs/paths.h"
#include "model/analyses.h"
#include "model/events.h"
#include "model/upload_names.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"
#include "vidjil/analysis.h"
#include "vidjil/vidjil_file.h"

namespace vidjil::endpoints {

namespace {

Response analysis_answer(Context& c, const Json::Value& analysis) {
    Response r = Response::json_text(analysis);
    std::string filename = c.params.get("filename");
    if (!filename.empty()) {
        r.set_header("Content-Type", "application/json");
        r.set_header("Content-Disposition", http::content_disposition(filename));
    }
    return r;
}

// samples_id and samples_info, paired by position (both comma separated, as the original).
std::vector<std::pair<int64_t, std::string>> sample_infos(Context& c) {
    std::vector<std::pair<int64_t, std::string>> out;
    auto ids = text::split(c.params.get("samples_id"), ',');
    auto infos = text::split(c.params.get("samples_info"), ',');
    for (size_t i = 0; i < ids.size() && i < infos.size(); ++i)
        if (auto id = text::parse_int(text::trim(ids[i]))) out.emplace_back(*id, infos[i]);
    return out;
}

}  // namespace

Response get_analysis(Context& c) {
    if (c.params.has("custom") && !c.params.has("sample_set_id")) {
        Json::Value ok(Json::objectValue);
        ok["success"] = "true";
        return Response::json_text(ok);
    }
    auto ss = requested_set(c);
    if (!ss || !c.perm().can_view_sample_set(*ss))
        return Response::error("default/get_analysis : you do not have permission to consult this sample_set (" +
                               (ss ? std::to_string(*ss) : std::string("?")) + ")");
    Json::Value analysis = files::default_analysis();
    if (auto row = model::latest_analysis(c.db, *ss)) {
        auto path = jobs::stored_result_path(c.cfg, row->analysis_file);
        if (!path || !fs::exists(*path)) {
            log::error("get_analysis: " + row->analysis_file + " of set " + std::to_string(*ss) + " missing on disk");
            return Response::error("default/get_analysis : the analysis saved on " + row->analyze_date +
                                       " is missing on the server",
                                   404);
        }
        try {
            analysis = files::reduce_analysis(files::load_analysis(*path));
        } catch (const files::FormatError& e) {
            log::error(std::string("get_analysis: ") + e.what());
            return Response::error("default/get_analysis : the analysis saved on " + row->analyze_date + " is damaged");
        }
    }
    db::Transaction tx(c.db);
    model::user_log(c.db, c.user_id(), "load analysis", "sample_set", *ss);
    c.audit("get_analysis", "sample_set", *ss);
    tx.commit();
    return analysis_answer(c, analysis);
}

Response save_analysis(Context& c) {
    auto ss = requested_set(c);
    if (!ss || !c.perm().can_save_sample_set(*ss))
        return Response::error("you do not have permission to save changes on this sample set");
    const http::UploadedFile* upload = c.req.file("fileToUpload");
    std::string content = upload ? upload->data : c.params.get("fileToUpload");
    if (content.empty()) return Response::error("(" + std::to_string(*ss) + "): no analysis was sent (fileToUpload)");
    auto max = static_cast<size_t>(c.cfg.get_int("ANALYSIS_MAX_SIZE", 32 << 20));
    if (content.size() > max)
        return Response::error("(" + std::to_string(*ss) + "): the analysis is too large (" +
                                   std::to_string(content.size() >> 20) + " MB, at most " + std::to_string(max >> 20) + " MB)",
                               413);
    std::string why;
    try {
        if (!files::parse_json(content, "analysis").isObject()) why = "it is not a JSON object";
    } catch (const files::FormatError& e) {
        why = e.what();
    }
    if (!why.empty()) return Response::error("(" + std::to_string(*ss) + "): the analysis was not saved: " + why, 400);
    std::string stored = model::stored_name("analysis_file", "analysis_file", upload ? upload->filename : "blob");
    // The file is complete on disk before the row that makes it the newest analysis exists.
    fs::write_file_atomic(jobs::results_dir(c.cfg) + "/" + stored, content);
    db::Transaction tx(c.db);
    model::insert_analysis(c.db, *ss, stored);
    if (c.params.has("info"))
        if (auto set = model::set_info(c.db, *ss)) model::update_set_info(c.db, *set, c.params.get("info"));
    model::update_file_infos(c.db, *ss, sample_infos(c));
    model::user_log(c.db, c.user_id(), "save analysis", "sample_set", *ss);
    tx.commit();
    c.audit("save_analysis", "sample_set", *ss, stored);
    Json::Value ok(Json::objectValue);
    ok["success"] = "true";
    ok["message"] = "(" + std::to_string(*ss) + "): analysis saved";
    return Response::json_text(ok);
}

}  // namespace vidjil::endpoints
