// A `process` job: the analysis program of a config on one sequence file (model.md §3.4), or
// the import of a precomputed result for program `none`, then the fuse of every set holding
// the file (§3.5).
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "jobs/fuse_set.h"
#include "jobs/paths.h"
#include "jobs/status.h"
#include "model/configs.h"
#include "model/results.h"
#include "model/upload_names.h"
#include "runner/child.h"
#include "runner/runner.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"
#include "vidjil/airr.h"
#include "vidjil/inject.h"
#include "vidjil/vidjil_file.h"

namespace vidjil::runner {

namespace {

class Process : public Execution {
public:
    using Execution::Execution;
    std::optional<jobs::Invocation> start() override;
    void finish(const Outcome& outcome) override;

private:
    bool load_rows();
    void import_result();
    void store(Json::Value result, const std::string& original_name);
    void store_reads(const std::string& path);
    void complete();
    void fuse_sets();

    int64_t rid_ = 0;
    model::SequenceFileRow file_;
    model::ConfigRow config_;
    std::string workdir_, base_, input_, stored_;
};

bool Process::load_rows() {
    rid_ = job_.results_file_id.value_or(0);
    auto result = model::result_by_id(ctx_.db, rid_);
    if (!result) return end(jobs::FAILED, "the result was deleted before it could run"), false;
    auto file = model::sequence_file_by_id(ctx_.db, result->sequence_file_id);
    if (!file) return end(jobs::FAILED, "the sequence file was deleted"), false;
    file_ = *file;
    auto config = model::config_by_id(ctx_.db, job_.config_id.value_or(result->config_id.value_or(0)));
    if (!config) return end(jobs::FAILED, "the config was deleted"), false;
    config_ = *config;
    time_limit_ = config_.time_limit.value_or(ctx_.cfg.get_int("JOB_TIMEOUT", 86400));
    return true;
}

std::optional<jobs::Invocation> Process::start() {
    if (!load_rows()) return std::nullopt;
    const std::string& flag = file_.pre_process_flag;
    if (flag == "FAILED") return end(jobs::FAILED, "the pre-process of this file failed"), std::nullopt;
    if (flag == "WAIT" || flag == "RUNNING" || flag == "RUN") {
        end(jobs::WAITING, "waiting for the pre-process of the file");
        return std::nullopt;
    }
    workdir_ = jobs::result_workdir(ctx_.cfg, rid_);
    base_ = jobs::result_basename(rid_);
    reset_dir(workdir_);
    open_log(workdir_ + "/" + base_ + ".vidjil.log");
    note("vidjil-runner on " + ctx_.host + ": result " + std::to_string(rid_) + " of file " +
         std::to_string(file_.id) + " with config " + std::to_string(config_.id) + " '" + config_.name + "'");
    if (!file_.data_file) return end(jobs::FAILED, "the sequence file has no data (it was never uploaded or was deleted)"), std::nullopt;
    auto input = jobs::stored_sequence_path(ctx_.cfg, *file_.data_file);
    if (!input || !fs::exists(*input))
        return end(jobs::FAILED, "the sequence file is missing on the server's disk"), std::nullopt;
    input_ = *input;
    if (config_.program == "none") {
        model::set_child_pid(ctx_.db, job_.task_id, 0, log_path_);
        import_result();
        return std::nullopt;
    }
    if (std::string why = prepare_sandbox(workdir_, {&input_}); !why.empty())
        return end(jobs::FAILED, why), std::nullopt;
    try {
        jobs::Invocation inv = jobs::analysis_invocation(ctx_.cfg, config_.program, config_.command, workdir_, base_,
                                                         input_, job_.grep_reads);
        note("command: " + jobs::printable(inv.argv));
        return inv;
    } catch (const jobs::CommandError& e) {
        end(jobs::FAILED, e.what());
        return std::nullopt;
    }
}

void Process::finish(const Outcome& out) {
    note("program ended (" + describe_exit(out.wait_status) + ") after " + std::to_string(out.seconds) + " s");
    if (out.timed_out)
        return void(end(jobs::TIMEOUT, "the program did not finish within the time limit of " +
                                           std::to_string(time_limit_) + " s"));
    if (!WIFEXITED(out.wait_status) || WEXITSTATUS(out.wait_status) != 0)
        return void(end(jobs::FAILED, "the program failed (" + describe_exit(out.wait_status) + "): see its log"));
    if (!job_.grep_reads.empty()) {
        std::string reads = workdir_ + "/seq/clone.fa-1";
        if (!fs::exists(reads)) return void(end(jobs::FAILED, "the program wrote no reads file (seq/clone.fa-1)"));
        return store_reads(reads);
    }
    std::string output = workdir_ + "/" + base_ + ".vidjil";
    if (!fs::exists(output)) return void(end(jobs::FAILED, "the program produced no result file (" + base_ + ".vidjil)"));
    Json::Value result;
    try {
        result = files::load_vidjil(output);
    } catch (const files::FormatError& e) {
        return void(end(jobs::FAILED, std::string("the program's result is not a valid .vidjil file: ") + e.what()));
    }
    store(std::move(result), base_ + ".vidjil");
    if (!stored_.empty()) ::unlink(output.c_str());  // the stored copy is the result now
}

void Process::import_result() {
    std::string name = file_.filename.empty() ? "result" : files::base_name(file_.filename);
    if (!text::ends_with(name, ".vidjil")) name += ".vidjil";
    stored_ = model::stored_name("results_file", "data_file", name);
    Json::Value result;
    try {
        files::Kind kind = files::sniff_file(input_);
        if (kind == files::Kind::Vidjil) {
            result = files::load_vidjil(input_);
            // The fused file names each sample by its result, so that get_data finds it again.
            if (files::sample_count(result) == 1) result["samples"]["original_names"][0] = stored_;
        } else if (kind == files::Kind::AirrTsv) {
            result = files::airr_to_vidjil(files::read_file(input_), stored_);
        } else {
            return void(end(jobs::FAILED, std::string("program 'none' imports a precomputed result (.vidjil or AIRR "
                                                      ".tsv), and this file looks like ") +
                                              files::kind_name(kind)));
        }
    } catch (const files::FormatError& e) {
        return void(end(jobs::FAILED, std::string("the file cannot be imported: ") + e.what()));
    }
    note("imported as a .vidjil result with " + std::to_string(result["clones"].size()) + " clone(s)");
    store(std::move(result), name);
}

// The result is written durably before the row that points to it.
void Process::store(Json::Value result, const std::string& original_name) {
    files::compute_distribution(result);
    if (stored_.empty()) stored_ = model::stored_name("results_file", "data_file", original_name);
    try {
        fs::write_file_atomic(jobs::results_dir(ctx_.cfg) + "/" + stored_, files::write_compact(result));
    } catch (const std::exception& e) {
        return void(end(jobs::FAILED, std::string("the result could not be stored: ") + e.what()));
    }
    complete();
}

void Process::store_reads(const std::string& path) {
    stored_ = model::stored_name("results_file", "data_file", "reads-" + job_.grep_reads.substr(0, 40) + ".fa");
    try {
        copy_atomic(path, jobs::results_dir(ctx_.cfg) + "/" + stored_);
    } catch (const std::exception& e) {
        return void(end(jobs::FAILED, std::string("the reads could not be stored: ") + e.what()));
    }
    if (!model::complete_result(ctx_.db, rid_, stored_)) {
        ::unlink((jobs::results_dir(ctx_.cfg) + "/" + stored_).c_str());
        return void(end(jobs::FAILED, "the result was deleted while the program ran"));
    }
    end(jobs::COMPLETED);
}

void Process::complete() {
    if (!model::complete_result(ctx_.db, rid_, stored_)) {
        ::unlink((jobs::results_dir(ctx_.cfg) + "/" + stored_).c_str());
        return void(end(jobs::FAILED, "the result was deleted while the program ran"));
    }
    note("result stored as " + stored_);
    fuse_sets();
    end(jobs::COMPLETED);
}

// A failed fuse does not fail the analysis: the result is there, and the next fuse of the set
// (any completed sample) retries. The reason is in the job log and the server log.
void Process::fuse_sets() {
    for (int64_t ss : model::sets_holding_file(ctx_.db, file_.id)) {
        std::ostringstream details;
        try {
            jobs::FuseReport r = jobs::fuse_set(ctx_.cfg, ctx_.db, ss, config_.id, &details);
            if (!r.stored) details << r.message << "\n";
        } catch (const db::Unavailable&) {
            throw;
        } catch (const std::exception& e) {
            details << "fuse of set " << ss << " FAILED: " << e.what() << "\n";
            log::error("fuse of set " + std::to_string(ss) + " c" + std::to_string(config_.id) + ": " + e.what());
        }
        for (const std::string& line : text::split(details.str(), '\n'))
            if (!line.empty()) note(line);
    }
}

}  // namespace

std::unique_ptr<Execution> make_process(Context& ctx, model::Job job) {
    return std::make_unique<Process>(ctx, std::move(job));
}

}  // namespace vidjil::runner
