// admin/showlog (a log file of DIR_LOG, newest lines first) and admin/clean_workers_status (the
// runner hosts and their heartbeats; jobs of dead runners set to FAILED). Administrators only.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <ctime>

#include "endpoints/routes.h"
#include "jobs/hosts.h"
#include "model/jobs.h"
#include "model/runner_hosts.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

namespace {

constexpr size_t kMaxLines = 500;
constexpr off_t kTailBytes = 8 << 20;  // the lines are searched in the last 8 MiB of the file

std::string log_dir(Context& c) { return c.cfg.get("DIR_LOG", "/var/log/vidjil"); }

// A path below DIR_LOG, or "" when `rel` leaves it (absolute, "..", or a symbolic link that
// points out of it): the original opened DIR_LOG + "/" + file, whatever file was.
std::string confined_path(const std::string& dir, const std::string& rel) {
    if (rel.empty() || rel.size() > 1024 || rel[0] == '/' || rel.find('\0') != std::string::npos) return "";
    for (const auto& part : text::split(rel, '/'))
        if (part == "..") return "";
    char root[PATH_MAX], full[PATH_MAX];
    if (!::realpath(dir.c_str(), root)) return "";
    if (!::realpath((dir + "/" + rel).c_str(), full)) return "";
    std::string r(root), f(full);
    if (f.size() <= r.size() + 1 || f.compare(0, r.size(), r) != 0 || f[r.size()] != '/') return "";
    return f;
}

std::string printable(std::string s) {
    if (!text::valid_utf8(s))
        for (char& ch : s)
            if (static_cast<unsigned char>(ch) >= 0x80) ch = '?';
    return s;
}

// The last lines of a file (at most kTailBytes), oldest first. False when it cannot be read.
bool tail_lines(const std::string& path, std::vector<std::string>& lines) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return false;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return false;
    }
    off_t start = st.st_size > kTailBytes ? st.st_size - kTailBytes : 0;
    std::string data;
    data.resize(static_cast<size_t>(st.st_size - start));
    size_t got = 0;
    while (got < data.size()) {
        ssize_t n = ::pread(fd, &data[got], data.size() - got, start + static_cast<off_t>(got));
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    data.resize(got);
    size_t pos = 0;
    if (start > 0) {  // the first line is cut
        pos = data.find('\n');
        pos = pos == std::string::npos ? data.size() : pos + 1;
    }
    while (pos < data.size()) {
        size_t nl = data.find('\n', pos);
        if (nl == std::string::npos) nl = data.size();
        lines.push_back(data.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return true;
}

std::vector<std::string> log_files(const std::string& dir) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        struct stat st {};
        if (n[0] == '.' || ::fstatat(::dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
        out.push_back(n);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// "[pid] YYYY-MM-DD HH:MM:SS,mmm LEVEL - message" (the original's vidjil.log), else the whole
// line as the message.
Json::Value parse_vidjil_line(const std::string& line) {
    Json::Value e(Json::objectValue);
    e["line"] = line;
    std::string rest = line;
    if (!rest.empty() && rest[0] == '[') {
        size_t close = rest.find("] ");
        if (close != std::string::npos && all_digits(rest.substr(1, close - 1))) {
            e["pid"] = rest.substr(1, close - 1);
            rest = rest.substr(close + 2);
        }
    }
    auto words = text::split(rest, ' ');
    if (words.size() >= 3 && text::is_date(words[0]) && words[1].size() >= 8 && words[1][2] == ':') {
        e["date"] = words[0];
        e["time"] = words[1];
        size_t i = 2;
        while (i < words.size() && words[i].empty()) ++i;
        std::string level = i < words.size() ? words[i] : "";
        if (!level.empty() && level.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos) {
            e["level"] = level;
            ++i;
        }
        while (i < words.size() && (words[i].empty() || words[i] == "-")) ++i;
        std::string msg;
        for (; i < words.size(); ++i) msg += (msg.empty() ? "" : " ") + words[i];
        e["message"] = msg;
    } else {
        e["message"] = rest;
    }
    return e;
}

}  // namespace

Response admin_showlog(Context& c) {
    std::string dir = log_dir(c);
    std::string rel = c.params.get("file");
    std::string format = c.params.get("format", "vidjil");
    std::string filter = c.params.get("filter");
    if (rel.empty()) {
        Json::Value d(Json::objectValue), files(Json::arrayValue), list(Json::arrayValue);
        for (const auto& f : log_files(dir)) {
            files.append(f);
            Json::Value e(Json::objectValue);
            e["name"] = f;
            e["name_js"] = render::js_string(f);
            list.append(e);
        }
        d["files"] = files;  // the names (format=json)
        d["listing"] = true;
        d["entries"] = list;
        d["dir"] = dir;
        return c.page("admin/showlog", d);
    }
    std::string path = confined_path(dir, rel);
    std::vector<std::string> all;
    if (path.empty() || !tail_lines(path, all))
        return Response::error("no such log file: " + printable(rel) + " (files are read from DIR_LOG, " + dir + ")", 404);
    c.audit("showlog", "", std::nullopt, rel);
    std::vector<std::string> lines;
    for (auto it = all.rbegin(); it != all.rend() && lines.size() < kMaxLines; ++it)
        if (filter.empty() || it->find(filter) != std::string::npos) lines.push_back(printable(*it));

    Json::Value v(Json::objectValue);
    v["file"] = rel;
    v["format"] = format == "raw" ? "raw" : "vidjil";
    if (format == "raw") {
        std::string raw;
        for (const auto& l : lines) raw += l + "\n";
        v["raw"] = raw;
    } else {
        Json::Value parsed(Json::arrayValue);
        for (const auto& l : lines) parsed.append(parse_vidjil_line(l));
        v["lines"] = parsed;
    }
    v["file_js"] = render::js_string(rel);
    v["filter"] = filter;
    v["raw_format"] = format == "raw";
    v["count"] = std::to_string(lines.size());
    return c.page("admin/showlog", v);
}

Response admin_clean_workers_status(Context& c) {
    int64_t now = std::time(nullptr);
    int64_t stale = jobs::heartbeat_timeout(c.cfg);
    bool clear = c.req.method == "POST";
    Json::Value hosts(Json::arrayValue);
    for (const auto& h : model::runner_hosts(c.db)) {
        Json::Value e(Json::objectValue);
        e["host"] = h.host;
        e["pid"] = h.pid ? Json::Value(static_cast<Json::Int64>(*h.pid)) : Json::Value();
        e["heartbeat"] = h.heartbeat ? Json::Value(static_cast<Json::Int64>(*h.heartbeat)) : Json::Value();
        e["seconds_since_heartbeat"] = h.heartbeat ? Json::Value(static_cast<Json::Int64>(now - *h.heartbeat)) : Json::Value();
        e["running"] = static_cast<Json::Int64>(h.running);
        e["alive"] = h.heartbeat && now - *h.heartbeat <= stale;
        hosts.append(e);
    }
    // Dangling: RUNNING jobs whose runner has not beaten for RUNNER_HEARTBEAT_TIMEOUT seconds, and
    // RUNNING tasks of the original server (no vidjil_job row), which nothing will ever end.
    Json::Value dangling(Json::arrayValue);
    for (const model::Job& j : model::running_jobs(c.db)) {
        if (j.heartbeat && now - *j.heartbeat <= stale) continue;
        if (clear) {
            std::string why = "set to failed by an administrator (admin/clean_workers_status): no heartbeat from the runner on " +
                              j.host + " for more than " + std::to_string(stale) + " s";
            if (model::recover_job(c.db, j, 0, why) != "FAILED") continue;
        }
        dangling.append(static_cast<Json::Int64>(j.task_id));
    }
    for (int64_t t : model::orphan_running_tasks(c.db))
        if (!clear || model::fail_orphan_task(c.db, t)) dangling.append(static_cast<Json::Int64>(t));
    std::string ids;
    for (const auto& t : dangling) ids += (ids.empty() ? "" : ", ") + t.asString();
    Json::Value v(Json::objectValue);
    v["hosts"] = hosts;
    v["dangling"] = dangling;
    if (clear) {
        c.audit("clean_workers_status", "scheduler_task", std::nullopt, "[" + ids + "]");
        if (!dangling.empty()) log::warn("admin/clean_workers_status: tasks set to failed: [" + ids + "]");
        v["redirect"] = "reload";
        v["success"] = "true";
        v["message"] = "Dangling tasks set to failed: [" + ids + "]";
    } else {
        v["message"] = "Dangling tasks (POST to set them to failed): [" + ids + "]";
    }
    return Response::json_text(v);
}

}  // namespace vidjil::endpoints
