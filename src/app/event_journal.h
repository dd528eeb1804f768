// The records of reads (get_data's user_log and audit rows) written in batches by persistent
// processes (issue 13). Each answered read is first appended to this process's journal file
// (a JSON line: it survives the death of the process; with EVENT_JOURNAL_SYNC on, the flusher
// thread fdatasyncs the lines of the last 20 ms together, a group sync off the request path, so
// that a power cut loses about what it did when each read was committed after its answer), then
// the pending rows go to the database in one transaction (multi-row INSERTs) by the flusher thread,
// with its own connection, once EVENT_BATCH_ROWS are pending or the oldest is EVENT_BATCH_MS old;
// the journal is emptied (or rewritten with the rows that came meanwhile: new file + fsync +
// rename) after the commit.
// A process that dies leaves its journal behind, locked by nobody: the next process that
// starts (any program, same EVENT_JOURNAL_DIR) replays it and removes it. A process killed
// between the commit and the emptying leaves rows that are replayed again (a duplicate, never a
// loss). CGI processes (fcgiwrap) do not use it: they write their rows at once.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include "config.h"
#include "db/db.h"
#include "model/events_batch.h"

namespace vidjil::app {

class EventJournal {
public:
    struct Options {
        std::string dir;
        size_t max_rows = 64;
        int max_ms = 1000;
        bool sync = true;
    };
    // EVENT_JOURNAL_DIR (default DIR_TMP/event-journal), EVENT_BATCH_ROWS, EVENT_BATCH_MS,
    // EVENT_JOURNAL_SYNC.
    static Options options_from(const Config& cfg);

    explicit EventJournal(Options o);
    ~EventJournal();
    EventJournal(const EventJournal&) = delete;
    EventJournal& operator=(const EventJournal&) = delete;

    // Creates and locks this process's journal; false (logged) when it cannot.
    bool open();
    // Starts the flusher thread, which connects with `connect` (persistent processes).
    void start(db::ConnectOptions connect);
    bool is_open() const { return fd_ >= 0; }
    const std::string& path() const { return path_; }
    // Appends a row; false when it could not be written (the caller writes it at once instead).
    bool add(const model::EventRow& row);
    size_t pending() const;
    // Milliseconds until the pending rows are due (0: now), -1 when nothing is pending.
    int ms_until_due() const;

    // Commits the pending rows and empties the journal; on a database error they stay pending
    // (and the error is thrown).
    void flush(db::Connection& db);
    // Replays the journals of processes that are gone; returns the rows written.
    size_t replay_orphans(db::Connection& db);

    static std::string encode(const model::EventRow& row);
    static std::optional<model::EventRow> decode(const std::string& line);

private:
    int ms_until_due_locked() const;
    bool rewrite_locked(const std::vector<model::EventRow>& rows);
    void run(db::ConnectOptions connect);

    Options opt_;
    std::string path_;
    int fd_ = -1;
    std::vector<model::EventRow> pending_;
    int64_t oldest_ms_ = 0;
    mutable std::mutex m_;
    std::condition_variable cv_;
    std::thread thread_;
    bool stop_ = false;
    bool unsynced_ = false;
    int64_t unsynced_ms_ = 0;
    static constexpr int64_t kSyncMs = 20;
};

// The process's journal (persistent mode), or null: rows are then written at once.
EventJournal* event_journal();
void set_event_journal(EventJournal* j);

// Records a read: through the journal when the process has one, else at once in a transaction.
void record_event(db::Connection& db, const model::EventRow& row);

}  // namespace vidjil::app
