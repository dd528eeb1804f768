// Running the --pre/--post scripts of a fuse (see fuse_scripts.h).
#include "jobs/fuse_scripts.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "config.h"
#include "jobs/spawn.h"
#include "util/fs.h"
#include "util/text.h"
#include "vidjil/vidjil_file.h"

namespace vidjil::jobs {

namespace {

using Clock = std::chrono::steady_clock;

const char* stage_name(FuseStage stage) { return stage == FuseStage::Pre ? "pre-fuse" : "post-fuse"; }

// The private directory of one run of the scripts, removed with everything the scripts left.
class ScratchDir {
public:
    explicit ScratchDir(const std::string& parent) {
        fs::mkdirs(parent);
        std::string pattern = parent + (parent.empty() || parent.back() != '/' ? "/" : "") + "vidjil-fuse-XXXXXX";
        if (!::mkdtemp(pattern.data()))
            throw FuseScriptError("cannot create a temporary directory in " + parent + ": " + std::strerror(errno));
        path_ = pattern;
    }
    ~ScratchDir() { remove_tree(path_); }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// The script's path in the directory of its stage; the name was checked by parse_fuse_command,
// checked again here since commands may come from elsewhere.
std::string script_path(const std::string& dir, const std::string& name, const char* stage) {
    if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos ||
        name[0] == '.' || name[0] == '-')
        throw FuseScriptError(std::string(stage) + " script '" + name + "' refused: a script is named without a path");
    std::string path = dir + (dir.empty() || dir.back() != '/' ? "/" : "") + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw FuseScriptError(std::string(stage) + " script '" + name + "' not found in " + dir);
    if (::access(path.c_str(), X_OK) != 0)
        throw FuseScriptError(std::string(stage) + " script " + path + " is not executable");
    return path;
}

// Waits for the script; at the time limit its process group gets SIGTERM, then SIGKILL.
// Returns the wait status, or -1 when the time limit was reached.
int wait_script(pid_t pid, double limit_seconds) {
    auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limit_seconds));
    bool timed_out = false;
    Clock::time_point kill_at{};
    auto step = std::chrono::milliseconds(5);
    for (;;) {
        int status = 0;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            ::kill(-pid, SIGKILL);  // whatever the script left running in its group
            return timed_out ? -1 : status;
        }
        if (r < 0 && errno != EINTR) throw FuseScriptError(std::string("cannot wait for the script: ") + std::strerror(errno));
        auto now = Clock::now();
        if (!timed_out && now >= deadline) {
            timed_out = true;
            signal_group(pid, SIGTERM);
            kill_at = now + std::chrono::seconds(2);
        } else if (timed_out && now >= kill_at) {
            signal_group(pid, SIGKILL);
            kill_at = now + std::chrono::hours(1);
        }
        std::this_thread::sleep_for(step);
        if (step < std::chrono::milliseconds(100)) step *= 2;
    }
}

// The end of the script's output (a chatty script must not flood the job log), line by line.
void copy_log(const std::string& path, const std::string& prefix, std::ostream* log) {
    if (!log) return;
    constexpr std::streamoff kMax = 16384;
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return;
    std::streamoff size = in.tellg();
    std::streamoff from = size > kMax ? size - kMax : 0;
    in.seekg(from);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (from > 0) *log << prefix << "[" << from << " bytes of output not shown]\n";
    for (const std::string& line : text::split(text, '\n'))
        if (!line.empty()) *log << prefix << text::escape_for_log(line, 1000) << "\n";
}

std::string describe(int status, double limit) {
    if (status == -1) return "did not finish within " + std::to_string(static_cast<long long>(limit)) + " s";
    if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
    return "failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")";
}

}  // namespace

std::string fuse_script_dir(const Config& cfg, FuseStage stage) {
    std::string vidjil = cfg.get("DIR_VIDJIL", "/usr/share/vidjil");
    if (!vidjil.empty() && vidjil.back() == '/') vidjil.pop_back();
    return stage == FuseStage::Pre ? cfg.get("DIR_FUSE_PRE", vidjil + "/scripts/pre-fuse")
                                   : cfg.get("DIR_FUSE_POST", vidjil + "/scripts/post-fuse");
}

Json::Value run_fuse_scripts(const Config& cfg, FuseStage stage, const std::vector<files::FuseScript>& commands,
                             const Json::Value& input, std::ostream* log) {
    const char* stage_text = stage_name(stage);
    if (commands.empty()) return input;
    std::string dir = fuse_script_dir(cfg, stage);
    // Every script is looked up before anything runs: a missing one fails at once.
    std::vector<std::string> paths;
    for (const files::FuseScript& c : commands) paths.push_back(script_path(dir, c.script, stage_text));
    double limit = static_cast<double>(cfg.get_int("FUSE_SCRIPT_TIMEOUT", 60));
    if (limit <= 0) limit = 60;
    Sandbox sandbox;
    try {
        sandbox = sandbox_from_config(cfg);
    } catch (const CommandError& e) {
        throw FuseScriptError(std::string(stage_text) + " scripts cannot run: " + e.what());
    }
    ScratchDir scratch(cfg.get("DIR_TMP", "/tmp"));
    std::string in = scratch.path() + "/in-0.vidjil";
    try {
        fs::write_file_atomic(in, files::write_compact(input));
        hand_over(sandbox, scratch.path());  // the scripts run as RUNNER_USER and write there
    } catch (const std::exception& e) {
        throw FuseScriptError(std::string("cannot write the input of the ") + stage_text + " scripts: " + e.what());
    }
    if (sandbox.drop && !user_can_access(sandbox, scratch.path(), W_OK | X_OK))
        throw FuseScriptError(std::string(stage_text) + " scripts cannot run: RUNNER_USER " + sandbox.user +
                              " cannot use " + scratch.path() + " (every parent directory of DIR_TMP must be searchable by that user)");
    Json::Value result;
    for (size_t k = 0; k < commands.size(); ++k) {
        std::string out = scratch.path() + "/out-" + std::to_string(k + 1) + ".vidjil";
        std::string log_path = scratch.path() + "/script-" + std::to_string(k + 1) + ".log";
        Invocation inv;
        inv.argv.push_back(paths[k]);
        for (const std::string& a : commands[k].args) inv.argv.push_back(a);
        for (const std::string& a : {std::string("-i"), in, std::string("-o"), out}) inv.argv.push_back(a);
        inv.cwd = scratch.path();
        std::string prefix = std::string("  ") + stage_text + " " + commands[k].script + ": ";
        if (log) *log << stage_text << " script: " << printable(inv.argv) << "\n";
        int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        if (fd < 0) throw FuseScriptError("cannot create " + log_path + ": " + std::strerror(errno));
        pid_t pid;
        try {
            pid = spawn(inv, fd, scratch.path(), sandbox);
        } catch (const std::exception& e) {
            ::close(fd);
            throw FuseScriptError(std::string(stage_text) + " script " + commands[k].script + ": " + e.what());
        }
        ::close(fd);
        int status = wait_script(pid, limit);
        copy_log(log_path, prefix, log);
        if (status != 0)
            throw FuseScriptError(std::string(stage_text) + " script " + commands[k].script + " " + describe(status, limit));
        if (!fs::exists(out))
            throw FuseScriptError(std::string(stage_text) + " script " + commands[k].script + " wrote no output (" +
                                  fs::basename(out) + ")");
        try {
            result = files::load_vidjil(out);
        } catch (const files::FormatError& e) {
            throw FuseScriptError(std::string(stage_text) + " script " + commands[k].script +
                                  " did not write a valid .vidjil: " + e.what());
        }
        in = out;
    }
    return result;
}

}  // namespace vidjil::jobs
