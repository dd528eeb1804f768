// Unit tests of the Slurm backend's pure parts (src/runner/slurm.h): sbatch's argument vector
// and batch script built from ids and vidjil.conf only, SLURM_EXTRA_ARGS split without a shell,
// sbatch --parsable answers, and how each way Slurm ends a job is reported.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "config.h"
#include "jobs/status.h"
#include "runner/slurm.h"

using namespace vidjil;
using Words = std::vector<std::string>;

namespace {
Config conf(const std::string& extra) {
    return Config::from_text("DIR_RESULTS = /srv/r\nDIR_SEQUENCES = /srv/s\nSLURM_SBATCH = /opt/sbatch\n"
                             "SLURM_SQUEUE = /opt/squeue\nSLURM_SACCT = /opt/sacct\nSLURM_SCANCEL = /opt/scancel\n"
                             "SLURM_RUNNER = /usr/sbin/vidjil-runner\n" + extra,
                             "/etc/vidjil/vidjil.conf");
}
bool has(const Words& w, const std::string& x) { return std::find(w.begin(), w.end(), x) != w.end(); }
}  // namespace

class SlurmTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SlurmTest);
    CPPUNIT_TEST(sbatch_arguments);
    CPPUNIT_TEST(extra_args_are_words_not_shell);
    CPPUNIT_TEST(batch_script_round_trip);
    CPPUNIT_TEST(parsable_ids);
    CPPUNIT_TEST(settlements);
    CPPUNIT_TEST(run_capture_without_shell);
    CPPUNIT_TEST_SUITE_END();

public:
    void sbatch_arguments() {
        runner::SlurmSettings s = runner::slurm_settings(conf("SLURM_PARTITION = short\nSLURM_ACCOUNT = lab1\n"));
        Words a = runner::sbatch_argv(s, 42, 2048, 30);
        CPPUNIT_ASSERT_EQUAL(std::string("/opt/sbatch"), a[0]);
        CPPUNIT_ASSERT(has(a, "--parsable") && has(a, "--job-name=vidjil-42") && has(a, "--mem=2048") &&
                       has(a, "--time=30") && has(a, "--partition=short") && has(a, "--account=lab1") &&
                       has(a, "--no-requeue") && has(a, "--output=/srv/r/work/slurm/slurm-%j.out"));
        CPPUNIT_ASSERT_THROW(runner::slurm_settings(conf("SLURM_PARTITION = a;b\n")), ConfigError);
        CPPUNIT_ASSERT_THROW(runner::slurm_settings(conf("SLURM_ACCOUNT = $(id)\n")), ConfigError);
    }
    void extra_args_are_words_not_shell() {
        runner::SlurmSettings s =
            runner::slurm_settings(conf("SLURM_EXTRA_ARGS = --qos=normal  --comment='vidjil jobs; $(id)'\n"));
        CPPUNIT_ASSERT(s.extra_args == (Words{"--qos=normal", "--comment=vidjil jobs; $(id)"}));
        Words a = runner::sbatch_argv(s, 1, 1, 1);
        CPPUNIT_ASSERT(has(a, "--comment=vidjil jobs; $(id)"));
        CPPUNIT_ASSERT_THROW(runner::slurm_settings(conf("SLURM_EXTRA_ARGS = --qos 'open\n")), ConfigError);
        CPPUNIT_ASSERT_THROW(runner::slurm_settings(conf("SLURM_EXTRA_ARGS = --wrap=x script.sh\n")), ConfigError);
    }
    void batch_script_round_trip() {
        runner::SlurmSettings s = runner::slurm_settings(conf(""));
        std::string script = runner::batch_script(s, 1234);
        CPPUNIT_ASSERT(script.rfind("#!/usr/sbin/vidjil-runner --slurm-script\n", 0) == 0);
        auto [task, path] = runner::read_batch_script(script);
        CPPUNIT_ASSERT_EQUAL(int64_t(1234), task);
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/vidjil/vidjil.conf"), path);
        CPPUNIT_ASSERT_THROW(runner::read_batch_script("#!/bin/sh\necho hi\n"), std::runtime_error);
    }
    void parsable_ids() {
        CPPUNIT_ASSERT(runner::parse_sbatch_id("123\n") == std::optional<int64_t>(123));
        CPPUNIT_ASSERT(runner::parse_sbatch_id("77;cluster\n") == std::optional<int64_t>(77));
        CPPUNIT_ASSERT(!runner::parse_sbatch_id("sbatch: error: invalid partition"));
        CPPUNIT_ASSERT(!runner::parse_sbatch_id(""));
        CPPUNIT_ASSERT(!runner::parse_sbatch_id("12abc"));
    }
    void settlements() {
        using runner::settle_state;
        auto s = settle_state("CANCELLED", "None", 9, "n1", 100, 5, "");
        CPPUNIT_ASSERT(s.status == jobs::FAILED && s.message.find("cancelled") != std::string::npos);
        s = settle_state("TIMEOUT", "TimeLimit", 9, "n1", 100, 5, "");
        CPPUNIT_ASSERT(s.status == jobs::TIMEOUT && s.message.find("5 min") != std::string::npos);
        s = settle_state("OUT_OF_MEMORY", "", 9, "n1", 100, 5, "");
        CPPUNIT_ASSERT(s.status == jobs::FAILED && s.message.find("memory") != std::string::npos &&
                       s.message.find("100 MB") != std::string::npos);
        // Without cgroups Slurm 22.05 reports FAILED/JobLaunchFailure; the step's output says why.
        s = settle_state("FAILED", "JobLaunchFailure", 9, "n1", 100, 5,
                         "slurmstepd-n1: error: StepId=9.batch exceeded memory limit (3 > 1), being killed\n");
        CPPUNIT_ASSERT(s.status == jobs::FAILED && s.message.find("memory") != std::string::npos);
        s = settle_state("NODE_FAIL", "", 9, "n1", 100, 5, "");
        CPPUNIT_ASSERT(s.status == jobs::FAILED && s.message.find("node") != std::string::npos);
        s = settle_state("COMPLETED", "None", 9, "n1", 100, 5, "");
        CPPUNIT_ASSERT(s.status == jobs::FAILED && s.message.find("without reporting") != std::string::npos);
        s = settle_state("UNKNOWN", "", 9, "", 100, 5, "");
        CPPUNIT_ASSERT(s.status == jobs::FAILED && s.message.find("no longer knows") != std::string::npos);
        CPPUNIT_ASSERT(settle_state("PENDING", "Priority", 9, "", 100, 5, "").status.empty());
        CPPUNIT_ASSERT(settle_state("RUNNING", "None", 9, "n1", 100, 5, "").status.empty());
        CPPUNIT_ASSERT(settle_state("PREEMPTED", "None", 9, "n1", 100, 5, "").status.empty());
    }
    void run_capture_without_shell() {
        auto c = runner::run_capture({"/bin/cat"}, "a; $(id)\n", 10);
        CPPUNIT_ASSERT_EQUAL(0, c.status);
        CPPUNIT_ASSERT_EQUAL(std::string("a; $(id)\n"), c.out);
        c = runner::run_capture({"/bin/sh", "-c", "exit 3"}, "", 10);
        CPPUNIT_ASSERT_EQUAL(3, c.status);
        c = runner::run_capture({"/nonexistent/sbatch"}, "", 10);
        CPPUNIT_ASSERT(c.status != 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SlurmTest);
