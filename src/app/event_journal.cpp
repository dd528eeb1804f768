// Implementation of the read-record journal (see event_journal.h).
#include "app/event_journal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <json/json.h>

#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::app {

namespace {

EventJournal* g_journal = nullptr;

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool write_all(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

std::string read_fd(int fd) {
    std::string out;
    char buf[65536];
    ::lseek(fd, 0, SEEK_SET);
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::optional<int64_t> opt_of(const Json::Value& v) {
    if (v.isNull()) return std::nullopt;
    return static_cast<int64_t>(v.asInt64());
}

// A new locked file in `dir` holding `rows`, renamed to `final_path`; returns its descriptor.
int locked_file(const std::string& dir, const std::string& final_path, const std::string& content, bool sync) {
    std::string tmp = dir + "/.events-" + std::to_string(::getpid()) + "-" + text::random_hex(6) + ".tmp";
    int fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_RDWR | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || !write_all(fd, content) || (sync && ::fdatasync(fd) != 0) ||
        ::rename(tmp.c_str(), final_path.c_str()) != 0) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return -1;
    }
    if (sync) fs::fsync_dir(dir);
    return fd;
}

}  // namespace

EventJournal* event_journal() { return g_journal; }
void set_event_journal(EventJournal* j) { g_journal = j; }

EventJournal::Options EventJournal::options_from(const Config& cfg) {
    Options o;
    o.dir = cfg.get("EVENT_JOURNAL_DIR", cfg.get("DIR_TMP", "/tmp") + "/event-journal");
    int64_t rows = cfg.get_int("EVENT_BATCH_ROWS", 64);
    o.max_rows = static_cast<size_t>(rows < 1 ? 1 : rows);
    int64_t ms = cfg.get_int("EVENT_BATCH_MS", 1000);
    o.max_ms = static_cast<int>(ms < 0 ? 0 : ms > 60000 ? 60000 : ms);
    o.sync = cfg.get_bool("EVENT_JOURNAL_SYNC", true);
    return o;
}

EventJournal::EventJournal(Options o) : opt_(std::move(o)) {}

EventJournal::~EventJournal() {
    if (thread_.joinable()) {
        {
            std::lock_guard<std::mutex> l(m_);
            stop_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    if (g_journal == this) g_journal = nullptr;
    if (fd_ >= 0) ::close(fd_);
}

bool EventJournal::open() {
    try {
        fs::mkdirs(opt_.dir);
    } catch (const std::exception& e) {
        log::error("event journal: cannot create " + opt_.dir + " (EVENT_JOURNAL_DIR): " + e.what() +
                   "; reads are recorded at once");
        return false;
    }
    path_ = opt_.dir + "/events-" + std::to_string(::getpid()) + "-" + text::random_hex(6) + ".journal";
    fd_ = locked_file(opt_.dir, path_, "", opt_.sync);
    if (fd_ < 0) {
        log::error("event journal: cannot create a journal in " + opt_.dir + ": " + std::strerror(errno) +
                   "; reads are recorded at once");
        path_.clear();
        return false;
    }
    return true;
}

size_t EventJournal::pending() const {
    std::lock_guard<std::mutex> l(m_);
    return pending_.size();
}

std::string EventJournal::encode(const model::EventRow& r) {
    // One JSON object per line, written by hand (strings escaped: no newline inside).
    auto num = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("null"); };
    return "{\"t\":" + std::to_string(r.time) + ",\"u\":" + num(r.user_id) + ",\"i\":" + num(r.impersonator_id) +
           ",\"ip\":" + json::quote(r.client_ip) + ",\"a\":" + json::quote(r.action) +
           ",\"tb\":" + json::quote(r.table_name) + ",\"r\":" + num(r.record_id) + ",\"d\":" + json::quote(r.detail) +
           ",\"m\":" + json::quote(r.log_msg) + "}";
}

std::optional<model::EventRow> EventJournal::decode(const std::string& line) {
    Json::Value v;
    if (!json::parse(line, v) || !v.isObject()) return std::nullopt;
    try {
        model::EventRow r;
        if (!v["t"].isIntegral() || !v["a"].isString()) return std::nullopt;
        r.time = v["t"].asInt64();
        r.user_id = opt_of(v["u"]);
        r.impersonator_id = opt_of(v["i"]);
        r.client_ip = v["ip"].asString();
        r.action = v["a"].asString();
        r.table_name = v["tb"].asString();
        r.record_id = opt_of(v["r"]);
        r.detail = v["d"].asString();
        r.log_msg = v["m"].asString();
        return r;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool EventJournal::add(const model::EventRow& row) {
    std::string line = encode(row) + "\n";
    {
        std::lock_guard<std::mutex> l(m_);
        if (fd_ < 0) return false;
        off_t before = ::lseek(fd_, 0, SEEK_END);
        if (!write_all(fd_, line)) {
            log::error(std::string("event journal: cannot write ") + path_ + ": " + std::strerror(errno));
            if (before >= 0 && ::ftruncate(fd_, before) != 0) {
            }
            return false;
        }
        // The flusher is woken only when it has something new to do: a first pending row (its
        // timer), a full batch, a first line to sync.
        bool wake = pending_.empty() || pending_.size() + 1 == opt_.max_rows || (opt_.sync && !unsynced_);
        if (pending_.empty()) oldest_ms_ = now_ms();
        pending_.push_back(row);
        if (opt_.sync && !unsynced_) {
            unsynced_ = true;
            unsynced_ms_ = now_ms();
        }
        if (!wake) return true;
    }
    cv_.notify_all();
    return true;
}

int EventJournal::ms_until_due_locked() const {
    if (pending_.empty()) return -1;
    if (pending_.size() >= opt_.max_rows) return 0;
    int64_t left = oldest_ms_ + opt_.max_ms - now_ms();
    return left <= 0 ? 0 : static_cast<int>(left);
}

int EventJournal::ms_until_due() const {
    std::lock_guard<std::mutex> l(m_);
    return ms_until_due_locked();
}

// The journal holds exactly `rows` afterwards (the ones still pending after a commit).
bool EventJournal::rewrite_locked(const std::vector<model::EventRow>& rows) {
    if (rows.empty()) return ::ftruncate(fd_, 0) == 0;
    std::string content;
    for (const auto& r : rows) content += encode(r) + "\n";
    int fd = locked_file(opt_.dir, path_, content, opt_.sync);
    if (fd < 0) return false;
    ::close(fd_);
    fd_ = fd;
    return true;
}

void EventJournal::flush(db::Connection& db) {
    std::vector<model::EventRow> batch;
    {
        std::lock_guard<std::mutex> l(m_);
        batch = pending_;
    }
    if (batch.empty()) return;
    db.ensure();
    db::Transaction tx(db);
    model::insert_events(db, batch);
    tx.commit();
    std::lock_guard<std::mutex> l(m_);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
    if (!pending_.empty()) oldest_ms_ = now_ms();
    if (!rewrite_locked(pending_))
        log::error("event journal: cannot empty " + path_ + " after writing " + std::to_string(batch.size()) +
                   " rows: they may be written twice if this process dies");
}

void EventJournal::start(db::ConnectOptions connect) {
    if (fd_ < 0 || thread_.joinable()) return;
    thread_ = std::thread([this, connect]() { run(connect); });
}

void EventJournal::run(db::ConnectOptions connect) {
    db::Connection db(connect);
    int64_t retry_at = 0;  // after a failed write: not before this time
    std::unique_lock<std::mutex> l(m_);
    for (;;) {
        // Group sync: the lines appended within kSyncMs of the first unsynced one reach the disk
        // together, off the request path (the answer is sent before the line is written anyway).
        int64_t sync_in = unsynced_ ? unsynced_ms_ + kSyncMs - now_ms() : -1;
        if (unsynced_ && fd_ >= 0 && (stop_ || sync_in <= 0)) {
            unsynced_ = false;
            int fd = fd_;  // only this thread replaces fd_
            l.unlock();
            if (::fdatasync(fd) != 0) log::error(std::string("event journal: fdatasync ") + path_ + ": " + std::strerror(errno));
            l.lock();
            continue;
        }
        int ms = ms_until_due_locked();
        if (stop_ && pending_.empty()) return;
        int64_t retry_in = retry_at - now_ms();
        if (!stop_ && (ms != 0 || retry_in > 0)) {
            int64_t wait = ms;
            if (retry_in > 0 && ms >= 0 && retry_in > wait) wait = retry_in;  // the database is away
            if (sync_in > 0 && (wait < 0 || sync_in < wait)) wait = sync_in;
            if (wait < 0)
                cv_.wait(l);
            else
                cv_.wait_for(l, std::chrono::milliseconds(wait));
            continue;
        }
        l.unlock();
        try {
            flush(db);
        } catch (const std::exception& e) {
            log::error(std::string("event journal: the pending read records could not be written yet (kept in ") + path_ +
                       "): " + e.what());
            retry_at = now_ms() + 2000;
            l.lock();
            if (stop_) return;  // the journal stays: the next process replays it
            continue;
        }
        l.lock();
    }
}

size_t EventJournal::replay_orphans(db::Connection& db) {
    size_t written = 0;
    DIR* d = ::opendir(opt_.dir.c_str());
    if (!d) return 0;
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (text::starts_with(n, "events-") && text::ends_with(n, ".journal")) names.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : names) {
        std::string p = opt_.dir + "/" + n;
        if (p == path_) continue;
        int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {  // its process is alive
            ::close(fd);
            continue;
        }
        struct stat st {};
        // Renamed over by its owner meanwhile (a rewrite): that file is someone else's now.
        struct stat now {};
        if (::fstat(fd, &st) != 0 || ::stat(p.c_str(), &now) != 0 || st.st_ino != now.st_ino) {
            ::close(fd);
            continue;
        }
        std::vector<model::EventRow> rows;
        size_t bad = 0;
        for (const auto& line : text::split(read_fd(fd), '\n')) {
            if (line.empty()) continue;
            if (auto r = decode(line)) rows.push_back(*r);
            else ++bad;  // a line cut by the death of its process
        }
        try {
            if (!rows.empty()) {
                db.ensure();
                db::Transaction tx(db);
                model::insert_events(db, rows);
                tx.commit();
            }
            ::unlink(p.c_str());
            written += rows.size();
            log::info("event journal: " + std::to_string(rows.size()) + " read records of a stopped process written from " +
                      p + (bad ? " (" + std::to_string(bad) + " incomplete lines skipped)" : ""));
        } catch (const std::exception& e) {
            log::error("event journal: cannot replay " + p + " yet: " + e.what());
        }
        ::close(fd);
    }
    return written;
}

void record_event(db::Connection& db, const model::EventRow& row) {
    if (EventJournal* j = event_journal(); j && j->add(row)) return;
    db::Transaction tx(db);
    model::insert_events(db, {row});
    tx.commit();
}

}  // namespace vidjil::app
