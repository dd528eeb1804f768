// The change counter (sql/060-change-counter.sql): one number that triggers on the tables of
// rights, sets, files, results and configs increase at every write, whoever writes (a web
// request, the runner, vidjil-admin, another host). A persistent program reads it with the
// session, in the same statement, and keeps what it read from those tables (rights, get_data
// answers) only while the number has not moved: "never older than the last change the reader
// could see" with one statement per request instead of a dozen.
//
// The triggers are made by install_change_triggers() (vidjil-admin migrate). A table dropped
// and created again (a dump loaded by hand) loses its triggers: ChangeGate asks the database
// which exist and turns the caches off while one is missing.
#pragma once
#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "db/db.h"

namespace vidjil::db {

// The tables whose writes move the counter (user_log only for the logs of patients, runs and
// generic sets, which get_data shows: the reads it records itself do not move it).
const std::vector<std::string>& change_tables();
// Name -> CREATE TRIGGER statement, three per table, and the triggers that keep the sets'
// file counts (vidjil_chg_cnt_*, sql/062).
std::map<std::string, std::string> change_trigger_statements();
// Creates the missing triggers. Returns the number still missing (0 when all exist): a
// failure (no TRIGGER privilege; binary logging without log_bin_trust_function_creators) is
// written to `out` and does not stop a migration: the programs then run without the caches.
int install_change_triggers(Connection& db, std::ostream& out);
// Trigger names of change_trigger_statements() that the database lacks.
std::vector<std::string> missing_change_triggers(Connection& db);
// Drops every change-counter trigger (before a bulk load: restore). install_change_triggers()
// makes them again.
void drop_change_triggers(Connection& db);
// Makes every kept file count (patient/run/generic.file_count, sql/062) again from the
// memberships (rows already right are not written). install_change_triggers() calls it
// whenever it created a trigger; import-dump after its load.
void recount_set_files(Connection& db);
// True when the kept file counts can be trusted: every trigger exists (the process gate when
// enabled, else one question to the database). Otherwise a list counts the memberships itself.
bool set_file_counts_exact(Connection& db, std::time_t now);
// Moves the counter far (a random step of up to 2^40): after a restore or an import, a number
// already seen by a running process must not name different data.
void jump_change_counter(Connection& db);

// The per-process check: true while every trigger exists. Asks the database at most every
// `recheck_seconds`; logs a missing trigger once. Off (false, no question asked) until enabled:
// persistent processes enable it; a CGI process, which answers once, has nothing to keep.
class ChangeGate {
public:
    explicit ChangeGate(double recheck_seconds = 30, bool enabled = true)
        : recheck_(recheck_seconds), enabled_(enabled) {}
    void enable() { enabled_ = true; }
    bool enabled() const { return enabled_; }
    bool ready(Connection& db, std::time_t now);

private:
    double recheck_;
    bool enabled_;
    bool ok_ = false, logged_ = false;
    std::time_t last_ = 0;
};
ChangeGate& process_change_gate();

// A per-process map whose entries hold for one value of the counter: emptied when the value a
// request read differs from the one the entries were read under, when it holds `max_entries`,
// and `max_age` seconds after it was last emptied (a bound on how long a missed write could
// matter). No value (caches off) finds nothing and keeps nothing. Not thread-safe: used by the
// request thread of a program only.
template <class K, class V>
class ChangeCache {
public:
    explicit ChangeCache(size_t max_entries = 4096, std::time_t max_age = 300)
        : max_(max_entries), max_age_(max_age) {}
    const V* find(std::optional<uint64_t> change, const K& key) {
        if (!change || !sync(*change)) return nullptr;
        auto it = map_.find(key);
        return it == map_.end() ? nullptr : &it->second;
    }
    void put(std::optional<uint64_t> change, const K& key, V value) {
        if (!change) return;
        sync(*change);
        if (map_.size() >= max_) map_.clear();
        map_.insert_or_assign(key, std::move(value));
    }
    // The cached value, or read() kept and returned.
    template <class Read>
    V get(std::optional<uint64_t> change, const K& key, Read read) {
        if (const V* hit = find(change, key)) return *hit;
        V value = read();
        put(change, key, value);
        return value;
    }
    size_t size() const { return map_.size(); }

private:
    // Empties the map when `change` is not the value it holds for; false when it was emptied.
    bool sync(uint64_t change) {
        std::time_t now = std::time(nullptr);
        if (valid_ && at_ == change && now - since_ < max_age_) return true;
        map_.clear();
        valid_ = true;
        at_ = change;
        since_ = now;
        return false;
    }
    size_t max_;
    std::time_t max_age_;
    bool valid_ = false;
    uint64_t at_ = 0;
    std::time_t since_ = 0;
    std::map<K, V> map_;
};

}  // namespace vidjil::db
