// The fuse step of one (set, config) (see fuse_set.h).
#include "jobs/fuse_set.h"

#include <unistd.h>

#include "config.h"
#include "jobs/fuse_scripts.h"
#include "jobs/paths.h"
#include "jobs/result_cache.h"
#include "model/configs.h"
#include "model/results.h"
#include "model/upload_names.h"
#include "util/fs.h"
#include "vidjil/fuse.h"

namespace vidjil::jobs {

namespace {

files::FuseOptions fuse_options(const std::string& command, const std::string& tag, std::ostream* log) {
    files::FuseOptions options;
    try {
        options = files::parse_fuse_command(command);
    } catch (const files::FormatError& e) {
        throw files::FormatError("the fuse command '" + command + "' cannot be used: " + e.what());
    }
    if (log) {
        for (const std::string& problem : options.problems) *log << tag << problem << "\n";
        if (!options.unsupported.empty()) {
            *log << tag << "options not supported by the native fuse, ignored:";
            for (const auto& o : options.unsupported) *log << " " << o;
            *log << "\n";
        }
    }
    return options;
}

}  // namespace

static FuseReport fuse_set_once(const Config& cfg, db::Connection& db, int64_t ss, int64_t config_id,
                                std::ostream* log) {
    FuseReport report;
    std::string tag = "fuse of set " + std::to_string(ss) + " c" + std::to_string(config_id) + ": ";
    // Every statement of the transaction sees what other runners committed before it ran.
    model::next_transaction_read_committed(db);
    db::Transaction tx(db);
    if (!model::lock_sample_set(db, ss)) {
        report.message = tag + "the set no longer exists";
        return report;
    }
    auto config = model::config_by_id(db, config_id);
    // A fuse command that cannot be used fails the fuse: a fused file made with other options
    // (no normalisation script, another top) would be shown as if it were the configured one.
    files::FuseOptions options = fuse_options(config ? config->fuse_command : "-t 100", tag, log);
    std::vector<files::FuseInput> inputs;
    std::string list;
    for (const model::FuseSource& src : model::fuse_sources(db, ss, config_id)) {
        auto path = stored_result_path(cfg, src.data_file);
        std::optional<std::string> pre;
        if (src.pre_process_file) pre = stored_result_path(cfg, *src.pre_process_file);
        try {
            if (!path) throw files::FormatError("unsafe stored name " + src.data_file);
            inputs.push_back(files::load_fuse_input(*path, pre && fs::exists(*pre) ? *pre : ""));
            list += std::to_string(src.sequence_file_id) + "_";
        } catch (const std::exception& e) {
            if (log) *log << tag << "sample " << src.sequence_file_id << " skipped (result " << src.results_file_id
                          << "): " << e.what() << "\n";
        }
    }
    report.inputs = inputs.size();
    if (inputs.empty()) {
        tx.commit();
        report.message = tag + "no files to fuse";
        return report;
    }
    // Scripts fail the whole fuse (FuseScriptError): the previous fused file stays as it is.
    for (files::FuseInput& input : inputs)
        input.result = run_fuse_scripts(cfg, FuseStage::Pre, options.pre, input.result, log);
    Json::Value fused = files::fuse(inputs, options);
    fused = run_fuse_scripts(cfg, FuseStage::Post, options.post, fused, log);
    auto existing = model::latest_fused(db, ss, config_id);
    // The row keeps its file name: the new content replaces the old one atomically (rename), so
    // a reader sees either the previous fuse or the new one, and no stale copies pile up.
    std::string stored = existing && model::is_safe_stored_name(existing->fused_file)
                             ? existing->fused_file
                             : model::stored_name("fused_file", "fused_file",
                                                  std::to_string(ss) + "-" + std::to_string(config_id) + ".fused");
    std::string path = results_dir(cfg) + "/" + stored;
    fs::write_file_atomic(path, files::write_compact(fused));
    try {
        model::save_fused(db, existing ? std::optional<int64_t>(existing->id) : std::nullopt, ss, config_id, stored, list);
        tx.commit();
    } catch (...) {
        if (!existing) ::unlink(path.c_str());
        throw;
    }
    report.stored = true;
    // get_data answers built from the previous fuse are stale now.
    prune_result_cache(cfg, ss, config_id, 0);
    report.message = tag + std::to_string(inputs.size()) + " sample(s) fused into " + stored;
    if (log) *log << report.message << "\n";
    return report;
}

// Two runners (hosts) fusing sets that share a sample, or a fuse waiting on the set's lock
// longer than innodb_lock_wait_timeout: the whole fuse runs again (db::with_retry).
FuseReport fuse_set(const Config& cfg, db::Connection& db, int64_t ss, int64_t config_id, std::ostream* log) {
    return db::with_retry(db, [&] { return fuse_set_once(cfg, db, ss, config_id, log); });
}

}  // namespace vidjil::jobs
