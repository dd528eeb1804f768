// Command-line templates to argument vectors (see command.h).
#include "jobs/command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

#include "config.h"
#include "util/fs.h"
#include "util/text.h"

namespace vidjil::jobs {

namespace {

const std::set<std::string>& allowed_placeholders(Template kind) {
    static const std::set<std::string> config = {"file1", "workdir", "basename", "germline"};
    static const std::set<std::string> pre = {"file1", "file2", "result", "workdir", "pear", "flash2", "binaries"};
    return kind == Template::Config ? config : pre;
}

// Names of the &name& placeholders of a word, in order.
std::vector<std::string> placeholders_of(const std::string& word) {
    std::vector<std::string> out;
    size_t pos = 0;
    while ((pos = word.find('&', pos)) != std::string::npos) {
        size_t end = word.find('&', pos + 1);
        if (end == std::string::npos) break;
        std::string name = word.substr(pos + 1, end - pos - 1);
        bool ident = !name.empty();
        for (char c : name) ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (ident) {
            out.push_back(name);
            pos = end + 1;
        } else {
            pos = end;  // "&&" or "a & b": not a placeholder, look again from the second '&'
        }
    }
    return out;
}

bool is_executable(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string join_path(const std::string& dir, const std::string& name) {
    if (dir.empty()) return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string dir_vidjil(const Config& cfg) { return cfg.get("DIR_VIDJIL", "/usr/share/vidjil"); }

// `germline/homo-sapiens.g` (the default configs) becomes DIR_GERMLINE/homo-sapiens.g: the
// original's textual ' germline' replacement, applied to whole words only.
std::string germline_word(const std::string& word, const std::string& germline_dir) {
    if (word == "germline") return germline_dir;
    if (text::starts_with(word, "germline/")) return join_path(germline_dir, word.substr(9));
    return word;
}

}  // namespace

std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> words;
    std::string current;
    bool in_word = false;
    char quote = 0;
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') throw CommandError("the command contains a control character");
        if (quote) {
            if (c == quote) quote = 0;
            else current.push_back(c);
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word) words.push_back(current);
            current.clear();
            in_word = false;
        } else {
            current.push_back(c);
            in_word = true;
        }
    }
    if (quote) throw CommandError(std::string("the command has an unbalanced ") + quote + " quote");
    if (in_word) words.push_back(current);
    return words;
}

std::string check_template(const std::string& s, Template kind) {
    std::vector<std::string> words;
    try {
        words = split_words(s);
    } catch (const CommandError& e) {
        return e.what();
    }
    if (kind == Template::PreProcess && words.empty()) return "the command is empty";
    const auto& allowed = allowed_placeholders(kind);
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w == "|" || w == ";" || w == "&&" || w == "||" || w == "<" || w.find("$(") != std::string::npos ||
            w.find('`') != std::string::npos)
            return "'" + w + "': commands run without a shell (no pipes, lists, substitutions)";
        if (w == ">" || (w.size() > 1 && w[0] == '>')) {
            bool ok = kind == Template::PreProcess && w == ">" && i + 2 == words.size() && words[i + 1] == "&result&";
            if (!ok) return "'>' is only allowed as a final '> &result&' in a pre-process command";
        }
        for (const std::string& p : placeholders_of(w))
            if (!allowed.count(p)) return "unknown placeholder &" + p + "&";
    }
    return "";
}

std::vector<std::string> substitute(const std::vector<std::string>& words,
                                    const std::map<std::string, std::string>& values) {
    std::vector<std::string> out;
    out.reserve(words.size());
    for (const std::string& w : words) {
        std::string result;
        size_t pos = 0;
        while (pos < w.size()) {
            size_t amp = w.find('&', pos);
            size_t end = amp == std::string::npos ? std::string::npos : w.find('&', amp + 1);
            if (end == std::string::npos) {
                result += w.substr(pos);
                break;
            }
            std::string name = w.substr(amp + 1, end - amp - 1);
            auto v = values.find(name);
            bool ident = !name.empty();
            for (char c : name) ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
            if (!ident) {
                result += w.substr(pos, end - pos);
                pos = end;
                continue;
            }
            if (v == values.end()) throw CommandError("the command uses &" + name + "&, which has no value here");
            result += w.substr(pos, amp - pos) + v->second;
            pos = end + 1;
        }
        out.push_back(result);
    }
    return out;
}

std::string program_path(const Config& cfg, const std::string& name, bool next) {
    if (name == "vidjil") {
        if (next) {
            std::string p = cfg.get("VIDJIL_NEXT_PROGRAM");
            if (p.empty() && cfg.has("DIR_VIDJIL_NEXT")) p = join_path(cfg.get("DIR_VIDJIL_NEXT"), "vidjil-algo");
            if (p.empty()) throw CommandError("the config asks for the 'next' vidjil-algo, which is not installed here "
                                              "(VIDJIL_NEXT_PROGRAM in vidjil.conf)");
            return p;
        }
        return cfg.get("VIDJIL_PROGRAM", join_path(dir_vidjil(cfg), "vidjil-algo"));
    }
    std::string key = program_key(name);
    std::string p = cfg.get(key);
    if (p.empty())
        throw CommandError("program '" + name + "' is not declared on this server (the administrator can set " + key +
                           " in vidjil.conf); allowed programs: " + declared_programs(cfg));
    if (p[0] != '/') throw CommandError(key + " in vidjil.conf must be an absolute path");
    return p;
}

std::string program_key(const std::string& name) {
    std::string key = "PROGRAM_";
    for (char c : name) key.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_');
    return key;
}

std::string declared_programs(const Config& cfg) {
    std::string out;
    for (const std::string& key : cfg.keys_with_prefix("PROGRAM_")) {
        if (cfg.get(key).empty() || key.size() == 8) continue;
        out += (out.empty() ? "" : ", ") + text::to_lower(key.substr(8));
    }
    return out.empty() ? "none (no PROGRAM_<NAME> in vidjil.conf)" : out;
}

std::string check_programs(const Config& cfg, const std::string& command, Template kind, const std::string& program) {
    try {
        if (kind == Template::Config) {
            if (program == "none") return "";
            program_path(cfg, program, command.find("next") != std::string::npos);
            return "";
        }
        std::vector<std::string> words = split_words(command);
        if (words.empty()) return "the command is empty";
        pre_process_program(cfg, words[0]);
    } catch (const CommandError& e) {
        return e.what();
    }
    return "";
}

std::string pre_process_program(const Config& cfg, const std::string& first_word) {
    bool plain = !first_word.empty();
    for (char c : first_word) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (!plain)
        throw CommandError("the pre-process program must be the name of a program declared in vidjil.conf "
                           "(PROGRAM_<NAME> = /path), not '" + first_word + "'; allowed programs: " + declared_programs(cfg));
    std::string key = program_key(first_word);
    std::string p = cfg.get(key);
    if (p.empty())
        throw CommandError("the pre-process program '" + first_word + "' is not declared in vidjil.conf (" + key +
                           " = /path); allowed programs: " + declared_programs(cfg));
    if (p[0] != '/') throw CommandError(key + " in vidjil.conf must be an absolute path");
    return p;
}

Invocation analysis_invocation(const Config& cfg, const std::string& program_name, const std::string& command,
                               const std::string& workdir, const std::string& basename, const std::string& input,
                               const std::string& grep_reads) {
    // The original's rule: a command mentioning `next` uses the next vidjil-algo and germlines.
    bool next = command.find("next") != std::string::npos;
    std::string cmd = next ? text::replace_all(command, "next", "") : command;
    std::string germline = next ? cfg.get("DIR_GERMLINE_NEXT", cfg.get("DIR_GERMLINE", join_path(dir_vidjil(cfg), "germline")))
                                : cfg.get("DIR_GERMLINE", join_path(dir_vidjil(cfg), "germline"));
    if (auto problem = check_template(cmd, Template::Config); !problem.empty()) throw CommandError(problem);
    Invocation inv;
    inv.cwd = workdir;
    std::string program = program_path(cfg, program_name, next);
    if (!is_executable(program)) throw CommandError("the analysis program " + program + " is missing or not executable");
    inv.argv.push_back(program);
    if (program_name == "vidjil") {
        for (const char* a : {"-o", workdir.c_str(), "-b", basename.c_str()}) inv.argv.push_back(a);
    }
    std::map<std::string, std::string> values = {
        {"file1", input}, {"workdir", workdir}, {"basename", basename}, {"germline", germline}};
    bool input_placed = false;
    for (const std::string& w : split_words(cmd)) {
        if (!placeholders_of(w).empty()) {
            for (const std::string& p : placeholders_of(w)) input_placed = input_placed || p == "file1";
            inv.argv.push_back(substitute({w}, values).front());
        } else {
            inv.argv.push_back(germline_word(w, germline));
        }
    }
    if (!grep_reads.empty())
        for (const std::string& a : {std::string("--out-clone-files"), std::string("--grep-reads"), grep_reads})
            inv.argv.push_back(a);
    if (!input_placed) inv.argv.push_back(input);
    return inv;
}

Invocation pre_process_invocation(const Config& cfg, const std::string& command,
                                  std::map<std::string, std::string> values) {
    if (auto problem = check_template(command, Template::PreProcess); !problem.empty()) throw CommandError(problem);
    values["pear"] = cfg.get("DIR_PEAR", "/usr/bin");
    values["flash2"] = cfg.get("DIR_FLASH2", "/usr/bin");
    values["binaries"] = cfg.get("DIR_BINARIES", "/usr/bin");
    std::vector<std::string> words = split_words(command);
    Invocation inv;
    if (words.size() >= 2 && words[words.size() - 2] == ">") {
        inv.stdout_path = values.at("result");
        words.resize(words.size() - 2);
    }
    inv.argv = substitute(words, values);
    std::string dir = cfg.get("DIR_PREPROCESS", "/usr/share/vidjil/preprocess");
    // The program is the first word of the template itself (never a substituted value).
    std::string found = pre_process_program(cfg, words.at(0));
    if (!is_executable(found))
        throw CommandError("the pre-process program " + found + " (" + program_key(words[0]) +
                           " in vidjil.conf) is missing or not executable");
    inv.argv[0] = found;
    inv.cwd = fs::exists(dir) ? dir : values.at("workdir");
    return inv;
}

namespace {

std::string common_suffix(const std::string& a, const std::string& b) {
    size_t n = 0;
    while (n < a.size() && n < b.size() && a[a.size() - 1 - n] == b[b.size() - 1 - n]) ++n;
    return a.substr(a.size() - n);
}

std::string longest_common_substring(const std::string& a, const std::string& b) {
    size_t best = 0, end = 0;
    std::vector<size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : 0;
            if (cur[j] > best) {
                best = cur[j];
                end = i;
            }
        }
        std::swap(prev, cur);
    }
    return a.substr(end - best, best);
}

std::string safe_basename(const std::string& name) {
    std::string out;
    for (char c : fs::basename(name))
        out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_');
    while (!out.empty() && out[0] == '.') out.erase(0, 1);  // no hidden file, no "..", never ""
    return out;
}

}  // namespace

std::string merged_name(const std::string& name1, const std::string& name2) {
    std::string a = safe_basename(name1), b = safe_basename(name2);
    std::string name;
    if (a == b) {
        name = a;
    } else {
        std::string suffix = common_suffix(a, b);
        std::string ra = a.substr(0, a.size() - suffix.size()), rb = b.substr(0, b.size() - suffix.size());
        std::string common = longest_common_substring(ra, rb);
        name = (common.empty() ? ra + "_" + rb : common) + suffix;
    }
    name = safe_basename(name);
    // Room for the suffixes added to it (".pre.log") within NAME_MAX: long names keep their
    // beginning and their extensions (".fastq.gz" says how to read the file).
    constexpr size_t kMaxMerged = 200;
    if (name.size() > kMaxMerged) {
        size_t dot = name.find('.', name.size() - 20);
        std::string ext = dot == std::string::npos ? "" : name.substr(dot);
        name = name.substr(0, kMaxMerged - ext.size()) + ext;
    }
    return name.empty() ? "merged.fastq.gz" : name;
}

std::string printable(const std::vector<std::string>& argv) {
    std::string out;
    for (const std::string& a : argv) {
        bool plain = !a.empty();
        for (char c : a) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_./:=,+@%", c));
        if (!out.empty()) out += ' ';
        out += plain ? a : "'" + text::replace_all(a, "'", "'\\''") + "'";
    }
    return out;
}

}  // namespace vidjil::jobs
