// MariaDB access: one connection, prepared statements only (every value is a bound parameter),
// explicit transactions, and a clear split between "database unavailable" and other errors.
#pragma once
#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct st_mysql;
struct st_mysql_stmt;

namespace vidjil {
class Config;
}

namespace vidjil::db {

// Any database failure. The message is for the server log, never for the client.
class Error : public std::runtime_error {
public:
    Error(const std::string& m, unsigned code = 0) : std::runtime_error(m), code_(code) {}
    unsigned code() const { return code_; }

private:
    unsigned code_;
};
// The server cannot be reached or went away: the request gets a 503, the next one reconnects.
class Unavailable : public Error {
public:
    using Error::Error;
};

// A bound parameter: NULL, an integer or a string.
class Param {
public:
    Param(std::nullopt_t) : kind_(Null) {}
    Param(int v) : kind_(Int), i_(v) {}
    Param(long v) : kind_(Int), i_(v) {}
    Param(long long v) : kind_(Int), i_(v) {}
    Param(unsigned v) : kind_(Int), i_(v) {}
    Param(unsigned long v) : kind_(Int), i_(static_cast<int64_t>(v)) {}
    Param(const char* v) : kind_(Str), s_(v) {}
    Param(std::string v) : kind_(Str), s_(std::move(v)) {}
    Param(const std::optional<std::string>& v) : kind_(v ? Str : Null), s_(v.value_or("")) {}
    Param(const std::optional<int64_t>& v) : kind_(v ? Int : Null), i_(v.value_or(0)) {}
    enum Kind { Null, Int, Str };
    Kind kind() const { return kind_; }
    int64_t integer() const { return i_; }
    const std::string& str() const { return s_; }

private:
    Kind kind_;
    int64_t i_ = 0;
    std::string s_;
};
using Params = std::vector<Param>;

using Value = std::optional<std::string>;

// One result row; columns can be read by position or by name.
class Row {
public:
    Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values)
        : names_(std::move(names)), values_(std::move(values)) {}
    const Value& at(size_t i) const { return values_.at(i); }
    const Value& at(const std::string& name) const;
    bool is_null(const std::string& name) const { return !at(name).has_value(); }
    std::string str(const std::string& name) const { return at(name).value_or(""); }
    std::string str(size_t i) const { return at(i).value_or(""); }
    int64_t integer(const std::string& name, int64_t if_null = 0) const;
    int64_t integer(size_t i, int64_t if_null = 0) const;
    std::optional<int64_t> opt_int(const std::string& name) const;
    size_t size() const { return values_.size(); }
    const std::vector<std::string>& names() const { return *names_; }

private:
    std::shared_ptr<const std::vector<std::string>> names_;
    std::vector<Value> values_;
};
using Rows = std::vector<Row>;

// How with_retry() tries again (DB_LOCK_RETRIES, DB_LOCK_BACKOFF_MS in vidjil.conf).
struct RetryPolicy {
    int attempts = 5;          // runs of the whole transaction, the first included
    int base_delay_ms = 20;    // before the 2nd run; doubled each time, with random jitter
    int max_delay_ms = 1000;
    static RetryPolicy from_config(const Config& cfg);
};
struct ConnectOptions {
    std::string socket, host, user, password, database;
    unsigned port = 0;
    unsigned connect_timeout = 5;
    // Prepared statements kept open per connection (DB_STATEMENT_CACHE): the least recently
    // used is closed beyond it, so that a persistent process never holds an unbounded share of
    // the server-wide max_prepared_stmt_count.
    size_t statement_cache = 64;
    RetryPolicy retry;  // with_retry() on this connection
    static ConnectOptions from_config(const Config& cfg);
};

class Connection {
public:
    explicit Connection(ConnectOptions opts);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Connects if needed and checks the link is alive (persistent FastCGI processes call this
    // before each request). A link used less than a second ago is not pinged (one round trip
    // less per request): if it turns out to have been closed meanwhile, the first statement
    // reconnects and is sent again (it never reached the server). Throws Unavailable.
    void ensure();
    Rows query(const std::string& sql, const Params& params = {});
    std::optional<Row> query_one(const std::string& sql, const Params& params = {});
    // The same, with a statement prepared for this run alone and closed after it (still one
    // round trip, parameters still bound), never kept in the statement cache. For statements
    // whose re-execution MariaDB runs slower than a fresh one: the lists' visibility
    // semi-joins took 2-4 times as long, with the same rows examined, when a persistent
    // program executed its cached statement again (MariaDB 10.11; bench/README-sets, issue 13).
    Rows query_uncached(const std::string& sql, const Params& params = {});
    std::optional<Row> query_one_uncached(const std::string& sql, const Params& params = {});
    // For INSERT/UPDATE/DELETE: returns the number of affected rows.
    uint64_t exec(const std::string& sql, const Params& params = {});
    uint64_t last_insert_id() const { return last_insert_id_; }
    // Statements without parameters that cannot be prepared (DDL in migrations).
    void exec_raw(const std::string& sql);

    void begin();
    void commit();
    void rollback();
    bool in_transaction() const { return in_tx_; }
    // Prepared statements currently open on this connection (at most opts.statement_cache).
    size_t cached_statements() const { return statements_.size(); }
    const RetryPolicy& retry_policy() const { return opts_.retry; }

private:
    st_mysql_stmt* prepare(const std::string& sql);  // the cached statement, or nullptr
    st_mysql_stmt* new_statement();                  // a handle, room made in the cache
    void reset();
    [[noreturn]] void fail(const std::string& what, unsigned code, const std::string& message);
    Rows run(const std::string& sql, const Params& params, bool want_rows, uint64_t* affected, bool keep = true);
    Rows run_once(const std::string& sql, const Params& params, bool want_rows, uint64_t* affected, bool keep);

    ConnectOptions opts_;
    st_mysql* mysql_ = nullptr;
    // SQL text -> statement, and the texts from the most to the least recently used.
    struct Cached {
        st_mysql_stmt* stmt;
        std::list<std::string>::iterator use;
    };
    std::unordered_map<std::string, Cached> statements_;
    std::list<std::string> recent_;
    uint64_t last_insert_id_ = 0;
    bool in_tx_ = false;
    // When the link last answered, and whether ensure() trusted it without a ping since.
    std::chrono::steady_clock::time_point last_ok_{};
    bool unverified_ = false;
};

// Rolls back unless commit() was called: every multi-row change goes through one of these.
class Transaction {
public:
    explicit Transaction(Connection& c) : c_(c) { c_.begin(); }
    ~Transaction() {
        if (!done_) {
            try { c_.rollback(); } catch (...) {}
        }
    }
    void commit() { c_.commit(); done_ = true; }

private:
    Connection& c_;
    bool done_ = false;
};

// MariaDB deadlock (1213, ER_LOCK_DEADLOCK) or lock wait timeout (1205, ER_LOCK_WAIT_TIMEOUT):
// the transaction lost a lock race and may simply be run again.
bool is_lock_conflict(const Error& e);
// Logged (warning) when a transaction is run again; counted for tests and the figures.
void note_retry(const Error& e, int attempt);
uint64_t retries_so_far();

// Runs `work` (a WHOLE transaction: it begins and commits its own db::Transaction) and runs it
// again after a jittered back-off when MariaDB ends it with a deadlock or a lock wait timeout,
// up to retry_policy().attempts runs in all (DB_LOCK_RETRIES); then, and for every other error, the exception goes up. Inside an
// enclosing transaction (nested use) it runs `work` once: only the outermost level can retry.
// `work` must be safe to run again: everything it read or wrote was rolled back.
void sleep_before_retry(const RetryPolicy& p, int attempt);  // attempt: 1 after the first failure
template <class F>
auto with_retry(Connection& c, F&& work) -> decltype(work()) {
    if (c.in_transaction()) return work();
    const RetryPolicy p = c.retry_policy();
    for (int attempt = 1;; ++attempt) {
        try {
            return work();
        } catch (const Error& e) {
            if (!is_lock_conflict(e) || attempt >= p.attempts || c.in_transaction()) throw;
            note_retry(e, attempt);
        }
        sleep_before_retry(p, attempt);
    }
}

// The ? placeholders of a statement (outside quotes and comments): checked against the
// parameters before a statement is sent for the first time.
size_t count_placeholders(const std::string& sql);

// A name that may be written into SQL as an identifier (table or column names read from the
// catalogue or a file are checked with it even after a whitelist): [A-Za-z0-9_]{1,64}.
bool is_plain_identifier(const std::string& s);

// "T"/"F" booleans of the original schema.
inline const char* tf(bool b) { return b ? "T" : "F"; }

}  // namespace vidjil::db
