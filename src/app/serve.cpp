// The process side of the FastCGI programs: one CGI request (fcgiwrap) or a persistent
// FastCGI loop with pre-forked children (spawn-fcgi), writing answers, the work done after an
// answer is sent, and VIDJIL_DUMP_ROUTES. The request pipeline itself is app.cpp (dispatch).
#include "app/app.h"
#include <fcgiapp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <set>
#include "app/event_journal.h"
#include "db/change_counter.h"
#include "app/fcgi_body.h"
#include "db/schema_check.h"
#include "http/origin.h"
#include "model/events.h"
#include "model/metrics.h"
#include "model/users.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::app {

using http::Response;

namespace {

// Reads larger than this are a large body being streamed (an upload, a big form): the input
// is then read in pieces of up to 1 MiB (kFcgiInputBuffer) rather than 8 KiB.
constexpr size_t kLargeRead = 64 * 1024;

// CGI (fcgiwrap): stdin is a pipe. read(2) straight into the caller's buffer (stdio would
// copy through its own 4 KiB buffer for small reads), until n bytes or the end of the body;
// for a large body the pipe is enlarged so the writer can queue up to 1 MiB per read.
class StdinBody : public BodySource {
public:
    size_t read(char* buf, size_t n) override {
        if (!enlarged_ && n >= kLargeRead) {
            enlarged_ = true;
            struct stat st {};
            if (fstat(0, &st) == 0 && S_ISFIFO(st.st_mode)) fcntl(0, F_SETPIPE_SZ, static_cast<int>(kFcgiInputBuffer));
        }
        size_t got = 0;
        while (got < n) {
            ssize_t r = ::read(0, buf + got, n - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += static_cast<size_t>(r);
        }
        return got;
    }

private:
    bool enlarged_ = false;
};

class FcgiBody : public BodySource {
public:
    explicit FcgiBody(FCGX_Request& request) : request_(request) {}
    size_t read(char* buf, size_t n) override {
        // The buffer grows with the reads asked for (a 100 KB form: 100 KB), up to 1 MiB.
        if (n >= kLargeRead && buffer_ < kFcgiInputBuffer && n > buffer_) {
            buffer_ = std::min(n, kFcgiInputBuffer);
            if (!enlarge_fcgi_input(request_, buffer_)) buffer_ = kFcgiInputBuffer;  // as is: no retry
        }
        int got = FCGX_GetStr(buf, static_cast<int>(n > (1 << 30) ? (1 << 30) : n), request_.in);
        return got > 0 ? static_cast<size_t>(got) : 0;
    }

private:
    FCGX_Request& request_;
    size_t buffer_ = 0;  // size given to libfcgi's input buffer (0: its own 8 KiB)
};

using Writer = std::function<void(const char*, size_t)>;

// Sends a response; a file named by the internal header kStreamFile is sent in bounded chunks
// after the headers, whatever its size.
void write_response(Response& r, bool head_only, const Writer& out) {
    std::string file = r.get_header(kStreamFile);
    int fd = -1;
    if (!file.empty()) {
        std::vector<std::pair<std::string, std::string>> kept;
        for (auto& h : r.headers)
            if (text::to_lower(h.first) != text::to_lower(kStreamFile)) kept.push_back(h);
        r.headers = kept;
        fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            log::error("cannot open " + file + " to send it");
            r = Response::error("The file could not be read on the server.", 404);
            add_security_headers(r);
        }
    }
    std::string head = r.cgi_head();
    out(head.data(), head.size());
    if (fd < 0) {
        if (!head_only) out(r.body.data(), r.body.size());
        return;
    }
    std::vector<char> buf(256 * 1024);
    while (!head_only) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n <= 0) break;
        out(buf.data(), static_cast<size_t>(n));
    }
    ::close(fd);
}

bool is_head(const http::Env& env) {
    auto method = env.find("REQUEST_METHOD");
    return method && *method == "HEAD";
}

// Runs a response's after_sent tasks; nothing they leave half-done survives.
void run_after_sent(Response& r, db::Connection* db) {
    for (auto& task : r.after_sent) {
        try {
            task();
        } catch (const std::exception& e) {
            log::error(std::string("after the answer: ") + e.what());
        }
        try {
            if (db && db->in_transaction()) db->rollback();
        } catch (...) {
        }
    }
    r.after_sent.clear();
}

volatile sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

// VIDJIL_FCGI_CHILDREN: how many processes answer on the program's socket (persistent mode).
int children_wanted() {
    const char* v = std::getenv("VIDJIL_FCGI_CHILDREN");
    if (!v || !*v) return 1;
    char* end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (*end || n < 1 || n > 256) {
        log::error(std::string("VIDJIL_FCGI_CHILDREN must be a number from 1 to 256 (not \"") + v + "\"): using 1");
        return 1;
    }
    return static_cast<int>(n);
}

// Persistent mode with n > 1: this process forks n children that all accept on the listening
// socket (fd 0), starts a new child when one dies, passes SIGTERM/SIGINT/SIGHUP on to them and
// returns false once they are gone. Returns true in a child, which then serves requests.
bool prefork(int n) {
    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);  // no SA_RESTART: waitpid() returns on a signal
    for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaction(s, &sa, nullptr);
    const pid_t parent = getpid();
    std::set<pid_t> children;
    auto spawn = [&]() -> bool {
        pid_t p = fork();
        if (p == 0) {
            struct sigaction dfl {};
            dfl.sa_handler = SIG_DFL;
            sigemptyset(&dfl.sa_mask);
            for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaction(s, &dfl, nullptr);
            prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the supervisor
            if (getppid() != parent) _exit(0);
            return true;
        }
        if (p > 0)
            children.insert(p);
        else
            log::error(std::string("cannot start a worker process: ") + std::strerror(errno));
        return false;
    };
    for (int i = 0; i < n; ++i)
        if (spawn()) return true;
    time_t window = std::time(nullptr);
    int restarts = 0;
    while (!g_stop && !children.empty()) {
        int status = 0;
        pid_t p = waitpid(-1, &status, 0);
        if (p < 0) {
            if (errno == EINTR) continue;
            break;
        }
        children.erase(p);
        if (g_stop) break;
        log::error("worker " + std::to_string(p) +
                   (WIFSIGNALED(status) ? " killed by signal " + std::to_string(WTERMSIG(status))
                                        : " exited with status " + std::to_string(WEXITSTATUS(status))) +
                   ": starting another");
        if (std::time(nullptr) - window > 60) {
            window = std::time(nullptr);
            restarts = 0;
        }
        if (++restarts > 10) sleep(1);  // a crash loop does not eat the machine
        if (spawn()) return true;
    }
    for (pid_t c : children) kill(c, SIGTERM);
    while (!children.empty()) {
        pid_t p = waitpid(-1, nullptr, 0);
        if (p > 0)
            children.erase(p);
        else if (errno != EINTR)
            break;
    }
    return false;
}

}  // namespace

// VIDJIL_DUMP_ROUTES=1 <program>: the route table as JSON on stdout (tests walk it).
void dump_routes(const std::string& program, const std::vector<Route>& routes) {
    Json::Value out(Json::arrayValue);
    for (const Route& r : routes) {
        Json::Value v(Json::objectValue);
        v["program"] = program;
        v["path"] = r.path;
        Json::Value m(Json::arrayValue);
        if (r.methods & GET) m.append("GET");
        if (r.methods & POST) m.append("POST");
        v["methods"] = m;
        // "public", "user", "admin" or "<check>(<param>)"; then how a refusal is answered.
        v["access"] = r.access.describe();
        v["level"] = r.access.level == Access::Public ? "public" : r.access.level == Access::Admin ? "admin" : "user";
        if (r.access.check != Check::None) {
            v["check"] = check_name(r.access.check);
            v["check_param"] = r.access.param;
        }
        if (r.access.level == Access::Admin || r.access.check != Check::None) {
            v["refusal"] = refusal_name(r.access.refusal);
            if (r.access.refusal != Refusal::AdminOnly) v["refusal_message"] = r.access.text;
        }
        v["stream_body"] = r.stream_body;
        Json::Value params(Json::arrayValue);
        Json::Value types(Json::objectValue);
        for (const auto& p : r.params) {
            params.append(p.name);
            static const char* names[] = {"text", "int", "id", "bool", "email", "date", "json"};
            types[p.name] = names[static_cast<int>(p.type)];
        }
        v["params"] = params;
        v["param_types"] = types;  // {"id":"id","filter":"text",...}: tests build plausible requests
        out.append(v);
    }
    Json::StreamWriterBuilder w;
    w["indentation"] = "";
    std::string text = Json::writeString(w, out);
    fwrite(text.data(), 1, text.size(), stdout);
    fputc('\n', stdout);
}

int serve(const std::string& program, const std::vector<Route>& routes) {
    if (const char* d = getenv("VIDJIL_DUMP_ROUTES"); d && std::string(d) == "1") {
        dump_routes(program, routes);
        return 0;
    }
    log::set_program(program);
    std::optional<Config> cfg;
    std::string problem;
    try {
        cfg = Config::load();
    } catch (const std::exception& e) {
        problem = e.what();
        log::error(problem);
    }
    // Persistent mode: several processes on one socket when asked (before any connection exists).
    if (!FCGX_IsCGI()) {
        int n = children_wanted();
        if (n > 1 && !prefork(n)) return 0;
    }
    std::unique_ptr<db::Connection> db;
    if (cfg) db = std::make_unique<db::Connection>(db::ConnectOptions::from_config(*cfg));
    auto answer = [&](http::Env&& env, BodySource& body) {
        if (!cfg) {
            Response r = Response::error("The server is not configured correctly: see the server log.", 503);
            add_security_headers(r);
            return r;
        }
        return dispatch(*cfg, *db, routes, std::move(env), body);
    };
    if (FCGX_IsCGI()) {
        StdinBody body;
        auto env = http::Env::from_envp(environ);
        const bool head = is_head(env);
        Response r = answer(std::move(env), body);
        write_response(r, head, [](const char* d, size_t n) { fwrite(d, 1, n, stdout); });
        fflush(stdout);
        if (!r.after_sent.empty()) {
            fclose(stdout);  // the answer is complete for the web server
            run_after_sent(r, db.get());
        }
        return 0;
    }
    // Persistent processes record reads in batches through a journal (see event_journal.h);
    // the journals of processes that died are written first.
    std::unique_ptr<EventJournal> journal;
    if (cfg) {
        journal = std::make_unique<EventJournal>(EventJournal::options_from(*cfg));
        const bool batched = cfg->get_int("EVENT_BATCH_ROWS", 64) > 0;  // 0: every read written at once
        try {
            if (batched && !journal->open()) journal.reset();
            if (journal) journal->replay_orphans(*db);
        } catch (const std::exception& e) {
            log::error(std::string("event journal: ") + e.what());
        }
        if (journal && batched) {
            set_event_journal(journal.get());
            journal->start(db::ConnectOptions::from_config(*cfg));
        } else {
            journal.reset();
        }
    }
    // What this process reads under one value of the change counter is kept for the next
    // requests (db/change_counter.h).
    db::process_change_gate().enable();
    FCGX_Init();
    FCGX_Request request;
    FCGX_InitRequest(&request, 0, 0);
    while (FCGX_Accept_r(&request) >= 0) {
        FcgiBody body(request);
        auto env = http::Env::from_envp(request.envp);
        const bool head = is_head(env);
        Response r = answer(std::move(env), body);
        write_response(r, head,
                       [&](const char* d, size_t n) { FCGX_PutStr(d, static_cast<int>(n), request.out); });
        // Everything the web server will send has arrived: close without lingering (fcgi_body.h).
        if (fcgi_input_complete(request)) FCGX_Detach(&request);
        FCGX_Finish_r(&request);
        run_after_sent(r, db.get());
    }
    return 0;
}

}  // namespace vidjil::app
