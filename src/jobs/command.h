// Command-line templates of configs and pre-processes, turned into an argument vector that is
// executed without a shell. The original pasted file names into shell text and ran it with
// shell=True (model.md §9.1-3); here a template is split into words once, and a placeholder
// (&file1&, &result&...) is replaced inside its word: a value never creates, splits or joins
// arguments and nothing is ever interpreted by a shell.
#pragma once
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace vidjil {
class Config;
}

namespace vidjil::jobs {

// A template that cannot be used; what() is shown to the administrator or written to the job log.
class CommandError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Template { Config, PreProcess };

// Words of a template: blanks separate words, '...' and "..." group (quotes removed, no escape
// sequences). Throws CommandError on an unbalanced quote or a control character.
std::vector<std::string> split_words(const std::string& text);

// "" when an administrator may save `text` as a template of that kind, else why not: unknown
// placeholder, bad quoting, a '>' that is not "> &result&" at the very end, shell syntax that
// would silently not work without a shell (|, ;, &&, $(...), backquotes).
std::string check_template(const std::string& text, Template kind);

// Replaces every &name& of each word by values.at(name); throws CommandError for an unknown one.
std::vector<std::string> substitute(const std::vector<std::string>& words,
                                    const std::map<std::string, std::string>& values);

// What the runner executes.
struct Invocation {
    std::vector<std::string> argv;  // argv[0] is an absolute path
    std::string stdout_path;        // "" : stdout goes to the job log
    std::string cwd;
};

// The analysis program of a config (model.md §3.4). program_name is config.program ("vidjil"
// or a name the sysadmin mapped with PROGRAM_<NAME> in vidjil.conf). Keys: VIDJIL_PROGRAM
// (default DIR_VIDJIL/vidjil-algo, DIR_VIDJIL default /usr/share/vidjil), DIR_GERMLINE (default
// DIR_VIDJIL/germline), and VIDJIL_NEXT_PROGRAM / DIR_GERMLINE_NEXT for commands saying `next`.
Invocation analysis_invocation(const Config& cfg, const std::string& program_name, const std::string& command,
                               const std::string& workdir, const std::string& basename, const std::string& input,
                               const std::string& grep_reads);

// A pre-process (model.md §3.3): the first word is the name of a program declared in vidjil.conf
// (PROGRAM_<NAME> = /path: `cat` is PROGRAM_CAT, `flash2.py` PROGRAM_FLASH2_PY), run with
// DIR_PREPROCESS as its working directory when that exists; `values` holds file1, file2, result,
// workdir; pear, flash2 and binaries come from DIR_PEAR, DIR_FLASH2, DIR_BINARIES. A final
// "> &result&" sends the program's standard output to the result file.
Invocation pre_process_invocation(const Config& cfg, const std::string& command,
                                  std::map<std::string, std::string> values);

// The program path for config.program, or throws CommandError ("none" has no program).
// "vidjil" is VIDJIL_PROGRAM; any other name must be declared as PROGRAM_<NAME>.
std::string program_path(const Config& cfg, const std::string& program_name, bool next);
// The vidjil.conf key declaring a program: PROGRAM_ + the name in capitals, other characters '_'.
std::string program_key(const std::string& name);
// The path of the program a pre-process command starts with (its first word), or throws
// CommandError naming the allowed programs.
std::string pre_process_program(const Config& cfg, const std::string& first_word);
// The declared programs (PROGRAM_<NAME> keys), as names for an error message.
std::string declared_programs(const Config& cfg);
// "" when the programs of a config (its `program`) or of a pre-process command (its first word)
// are declared in vidjil.conf, else why not (naming the allowed programs). Checked when a config
// or a pre-process is saved; the runner checks again when it runs.
std::string check_programs(const Config& cfg, const std::string& command, Template kind,
                           const std::string& program = "");

// The name of the merged file of a pre-process (model.md §3.3): common suffix of the two names
// plus their longest common substring, e.g. x_S1_R1.fastq.gz + x_S1_R2.fastq.gz -> x_S1_R.fastq.gz;
// reduced to a safe basename.
std::string merged_name(const std::string& name1, const std::string& name2);

// One line for the job log: the argument vector with shell-like quoting (never executed).
std::string printable(const std::vector<std::string>& argv);

}  // namespace vidjil::jobs
