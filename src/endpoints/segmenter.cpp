// /vidjil/segmenter (= segmenter/index): the /analyze page's service. Runs the configured
// vidjil-algo (VIDJIL_PROGRAM, DIR_GERMLINE) on at most SEGMENTER_MAX_SEQUENCES pasted
// sequences and answers its .vidjil as application/json (api.md §3.14, §3.15). Unlike the
// original: logged-in users only, SEGMENTER_RATE_LIMIT calls a minute per user, and the program
// runs without a shell, under a wall-clock timeout and CPU, memory and file-size limits.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>

#include "endpoints/routes.h"
#include "jobs/command.h"
#include "jobs/spawn.h"
#include "model/segmenter_rate.h"
#include "util/fs.h"
#include "util/log.h"

namespace vidjil::endpoints {

namespace {

Response json_error(const Json::Value& v, int status) { return Response::json_api(v, status); }

Response error_key(const std::string& message, int status) {
    Json::Value v(Json::objectValue);
    v["error"] = message;
    return json_error(v, status);
}

Response processing_error(int status = 500) {
    Json::Value v(Json::objectValue);
    v["success"] = "false";
    v["message"] = "Error while processing the file";
    return json_error(v, status);
}

struct Limits {
    int64_t seconds, memory, file_size;
};

// The program through jobs::spawn (no shell; as RUNNER_USER when this process is root, like every
// program the server runs) under the segmenter's own limits; waits at most limits.seconds of
// wall-clock time. Returns the wait status, -1 when the program was killed for running too long,
// -2 when its status could not be collected.
int run_limited(const std::vector<std::string>& args, const std::string& cwd, const std::string& log_path,
                const Limits& lim, const jobs::Sandbox& identity) {
    jobs::Sandbox sb = identity;
    sb.cpu_seconds = lim.seconds;
    sb.address_space = lim.memory;
    sb.file_size = lim.file_size;
    int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0) throw std::runtime_error("cannot create " + log_path + ": " + std::strerror(errno));
    jobs::Invocation inv;
    inv.argv = args;
    inv.cwd = cwd;
    pid_t pid;
    try {
        pid = jobs::spawn(inv, log_fd, cwd, sb);
    } catch (...) {
        ::close(log_fd);
        throw;
    }
    ::close(log_fd);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(lim.seconds);
    int status = 0;
    for (;;) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) {  // not our child any more (SIGCHLD ignored?): give up on it
            if (::kill(-pid, SIGKILL) != 0) ::kill(pid, SIGKILL);
            return -2;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            if (::kill(-pid, SIGKILL) != 0) ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

// Number of records: FASTA '>' lines, FASTQ lines; nullopt when neither format.
std::optional<std::string> check_sequences(const std::string& s, int64_t max_sequences) {
    size_t records = 0, lines = 0;
    for (size_t i = 0; i < s.size(); ++i)
        if (i == 0 || s[i - 1] == '\n') {
            ++lines;
            if (s[i] == '>') ++records;
        }
    if (s[0] == '>') {
        if (static_cast<int64_t>(records) > max_sequences)
            return "too many sequences (limit : " + std::to_string(max_sequences) + ")";
        return std::nullopt;
    }
    if (s[0] == '@') {
        // 4 lines per read, plus the original's slack of one read (44 lines for 10 reads)
        if (static_cast<int64_t>(lines) > 4 * max_sequences + 4)
            return "too many sequences (limit : " + std::to_string(max_sequences) + ")";
        return std::nullopt;
    }
    return "invalid sequences, please use fasta or fastq format";
}

}  // namespace

Response segmenter_index(Context& c) {
    std::string seqs = c.params.get("sequences");
    if (seqs.empty()) {  // the original's empty answer
        Response r;
        r.set_header("Content-Type", "application/json");
        return r;
    }
    int64_t max_sequences = c.cfg.get_int("SEGMENTER_MAX_SEQUENCES", 10);
    if (auto problem = check_sequences(seqs, max_sequences))
        return error_key(*problem, problem->rfind("too many", 0) == 0 ? 413 : 400);

    int64_t rate = c.cfg.get_int("SEGMENTER_RATE_LIMIT", 10);
    int64_t now = std::time(nullptr);
    if (rate > 0 && model::segmenter_hit(c.db, c.user_id(), now - now % 60) > rate) {
        Json::Value v(Json::objectValue);
        v["success"] = "false";
        v["message"] = "too many analyses: at most " + std::to_string(rate) +
                       " segmenter calls a minute per user (SEGMENTER_RATE_LIMIT); try again in a minute";
        Response r = json_error(v, 429);
        r.set_header("Retry-After", std::to_string(60 - now % 60));
        return r;
    }

    std::string program;
    try {
        program = jobs::program_path(c.cfg, "vidjil", false);
    } catch (const std::exception& e) {
        program.clear();
    }
    if (program.empty() || ::access(program.c_str(), X_OK) != 0) {
        log::error("segmenter: the analysis program " + program + " is missing or not executable (VIDJIL_PROGRAM)");
        Json::Value v(Json::objectValue);
        v["success"] = "false";
        v["message"] = "the segmenter is not available on this server (vidjil-algo is not installed)";
        return json_error(v, 503);
    }
    jobs::Sandbox identity;
    try {
        identity = jobs::sandbox_from_config(c.cfg);
    } catch (const std::exception& e) {
        log::error(std::string("segmenter: ") + e.what());
        Json::Value v(Json::objectValue);
        v["success"] = "false";
        v["message"] = "the segmenter is not available on this server (the administrator must set RUNNER_USER)";
        return json_error(v, 503);
    }
    std::string germline = c.cfg.get("DIR_GERMLINE", c.cfg.get("DIR_VIDJIL", "/usr/share/vidjil") + "/germline");
    Limits lim{c.cfg.get_int("SEGMENTER_TIMEOUT", 30), c.cfg.get_int("SEGMENTER_MEMORY", int64_t(2) << 30),
               64 << 20};

    std::string tmpl = c.cfg.get("DIR_TMP", "/tmp") + "/segmenter-XXXXXX";
    if (!::mkdtemp(tmpl.data())) {
        log::error("segmenter: cannot create a directory in DIR_TMP: " + std::string(std::strerror(errno)));
        return processing_error();
    }
    std::string dir = tmpl;
    struct Cleanup {
        std::string d;
        ~Cleanup() { jobs::remove_tree(d); }
    } cleanup{dir};
    c.audit("segmenter", "", std::nullopt, std::to_string(seqs.size()) + " bytes");
    std::string input = dir + (seqs[0] == '>' ? "/input.fa" : "/input.fq");
    try {
        fs::write_file_atomic(input, seqs, 0600);
        jobs::hand_over(identity, dir);  // the program (RUNNER_USER) reads the input and writes there
        std::vector<std::string> args = {program, "-c", "designations", "-3", "-g", germline,
                                         "-o", dir, "-b", "segmenter", input};
        int st = run_limited(args, dir, dir + "/segmenter.log", lim, identity);
        if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            std::string why = st == -1 ? "killed after SEGMENTER_TIMEOUT (" + std::to_string(lim.seconds) + " s)"
                              : st == -2        ? "its exit status was lost"
                              : WIFSIGNALED(st) ? "killed by signal " + std::to_string(WTERMSIG(st))
                                                : "exit status " + std::to_string(WEXITSTATUS(st));
            log::warn("segmenter: " + program + " failed for user " + std::to_string(c.user_id()) + ": " + why);
            return processing_error(st == -1 ? 504 : 500);
        }
        std::string out = fs::read_file(dir + "/segmenter.vidjil", 64u << 20);
        Json::Value parsed;
        if (!http::json_parse(out, parsed)) {
            log::warn("segmenter: " + program + " wrote no valid .vidjil");
            return processing_error();
        }
        Response r;
        r.set_header("Content-Type", "application/json");
        r.body = std::move(out);
        return r;
    } catch (const std::exception& e) {
        log::warn(std::string("segmenter: ") + e.what());
        return processing_error();
    }
}

}  // namespace vidjil::endpoints
