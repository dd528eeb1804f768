// A `pre_process` job (model.md §3.3): e.g. merging paired reads R1 + R2 into one file that the
// analyses of that sequence file then use. Unlike the original, the uploads are kept on disk
// (their stored names are remembered in vidjil_sequence_file_origin) unless the administrator
// sets PRE_PROCESS_DELETE_ORIGINALS = true, and a non-zero exit status is a failure.
#include <sys/wait.h>
#include <unistd.h>

#include <tuple>

#include "jobs/paths.h"
#include "jobs/status.h"
#include "model/jobs.h"
#include "model/results.h"
#include "model/upload_names.h"
#include "runner/child.h"
#include "runner/runner.h"
#include "util/fs.h"
#include "util/log.h"
#include "vidjil/inject.h"

namespace vidjil::runner {

namespace {

class PreProcess : public Execution {
public:
    using Execution::Execution;
    std::optional<jobs::Invocation> start() override;
    void finish(const Outcome& outcome) override;

private:
    bool fail(const std::string& status, const std::string& why);
    void delete_originals();

    int64_t sf_ = 0;
    model::SequenceFileRow file_;
    std::string file1_, file2_, workdir_, result_;
};

bool PreProcess::fail(const std::string& status, const std::string& why) {
    model::set_pre_process_flag(ctx_.db, sf_, "FAILED");
    end(status, why);
    model::release_waiting_runs(ctx_.db, sf_, false);
    return false;
}

std::string original_of(const std::string& stored, const std::string& fallback) {
    auto name = model::original_name(stored);
    return name ? *name : fallback;
}

std::optional<jobs::Invocation> PreProcess::start() {
    sf_ = job_.sequence_file_id.value_or(0);
    time_limit_ = ctx_.cfg.get_int("PRE_PROCESS_TIMEOUT", ctx_.cfg.get_int("JOB_TIMEOUT", 86400));
    auto file = model::sequence_file_by_id(ctx_.db, sf_);
    if (!file) return end(jobs::FAILED, "the sequence file was deleted"), std::nullopt;
    file_ = *file;
    auto pp = model::pre_process_command(ctx_.db, job_.pre_process_id.value_or(0));
    if (!pp) return fail(jobs::FAILED, "the pre-process was deleted"), std::nullopt;
    model::set_pre_process_flag(ctx_.db, sf_, "RUNNING");
    // A re-run starts again from the real uploads, not from the previous merge.
    std::string d1 = file_.data_file.value_or(""), d2 = file_.data_file2.value_or("");
    if (auto orig = model::original_uploads(ctx_.db, sf_)) {
        auto p1 = jobs::stored_sequence_path(ctx_.cfg, orig->first);
        if (p1 && fs::exists(*p1)) std::tie(d1, d2) = *orig;
    }
    auto p1 = jobs::stored_sequence_path(ctx_.cfg, d1);
    auto p2 = jobs::stored_sequence_path(ctx_.cfg, d2);
    if (!p1 || !fs::exists(*p1)) return fail(jobs::FAILED, "the first file of the sample is missing"), std::nullopt;
    bool needs2 = pp->command.find("&file2&") != std::string::npos;
    if (needs2 && (!p2 || !fs::exists(*p2)))
        return fail(jobs::FAILED, "the second file of the sample (R2) is missing"), std::nullopt;
    file1_ = *p1;
    if (p2) file2_ = *p2;
    workdir_ = jobs::pre_process_workdir(ctx_.cfg, sf_);
    reset_dir(workdir_);
    std::string name = jobs::merged_name(original_of(d1, file_.filename), original_of(d2, file_.filename));
    result_ = workdir_ + "/" + name;
    open_log(result_ + ".pre.log");
    note("vidjil-runner on " + ctx_.host + ": pre-process '" + pp->name + "' of file " + std::to_string(sf_));
    // The program may read copies (RUNNER_USER without access to DIR_SEQUENCES); file1_ and
    // file2_ stay the uploads themselves.
    std::string in1 = file1_, in2 = file2_;
    if (std::string why = prepare_sandbox(workdir_, {&in1, &in2}); !why.empty())
        return fail(jobs::FAILED, why), std::nullopt;
    try {
        jobs::Invocation inv = jobs::pre_process_invocation(
            ctx_.cfg, pp->command, {{"file1", in1}, {"file2", in2}, {"result", result_}, {"workdir", workdir_}});
        note("command: " + jobs::printable(inv.argv) + (inv.stdout_path.empty() ? "" : " > " + inv.stdout_path));
        return inv;
    } catch (const jobs::CommandError& e) {
        return fail(jobs::FAILED, e.what()), std::nullopt;
    }
}

void PreProcess::finish(const Outcome& out) {
    note("program ended (" + describe_exit(out.wait_status) + ") after " + std::to_string(out.seconds) + " s");
    if (out.timed_out)
        return void(fail(jobs::TIMEOUT, "the pre-process did not finish within " + std::to_string(time_limit_) + " s"));
    if (!WIFEXITED(out.wait_status) || WEXITSTATUS(out.wait_status) != 0)
        return void(fail(jobs::FAILED, "the pre-process failed (" + describe_exit(out.wait_status) + "): see its log"));
    if (!fs::exists(result_)) return void(fail(jobs::FAILED, "the pre-process produced no output file"));
    std::string merged = model::stored_name("sequence_file", "data_file", fs::basename(result_));
    std::optional<std::string> stats;
    try {
        copy_atomic(result_, jobs::sequences_dir(ctx_.cfg) + "/" + merged);
        if (fs::exists(workdir_ + "/pre_process.vidjil")) {
            stats = model::stored_name("sequence_file", "pre_process_file", "pre_process.vidjil");
            copy_atomic(workdir_ + "/pre_process.vidjil", jobs::results_dir(ctx_.cfg) + "/" + *stats);
        }
    } catch (const std::exception& e) {
        return void(fail(jobs::FAILED, std::string("the merged file could not be stored: ") + e.what()));
    }
    auto before = model::sequence_file_by_id(ctx_.db, sf_);
    if (!before) return void(end(jobs::FAILED, "the sequence file was deleted while it was pre-processed"));
    model::store_pre_process_output(ctx_.db, sf_, merged, stats);
    // A previous merge (not an upload) that this one replaces is our own output: removed.
    auto orig = model::original_uploads(ctx_.db, sf_);
    if (orig && before->data_file && *before->data_file != orig->first && *before->data_file != orig->second)
        if (auto old = jobs::stored_sequence_path(ctx_.cfg, *before->data_file)) ::unlink(old->c_str());
    ::unlink(result_.c_str());
    if (ctx_.cfg.get_bool("PRE_PROCESS_DELETE_ORIGINALS", false)) delete_originals();
    note("merged reads stored as " + merged);
    end(jobs::COMPLETED);
    model::release_waiting_runs(ctx_.db, sf_, true);
}

void PreProcess::delete_originals() {
    for (const std::string& f : {file1_, file2_})
        if (!f.empty() && ::unlink(f.c_str()) == 0) note("original upload deleted (PRE_PROCESS_DELETE_ORIGINALS): " + f);
}

}  // namespace

std::unique_ptr<Execution> make_pre_process(Context& ctx, model::Job job) {
    return std::make_unique<PreProcess>(ctx, std::move(job));
}

}  // namespace vidjil::runner
