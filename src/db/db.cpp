// Implementation of the MariaDB layer (see db.h) on MariaDB Connector/C prepared statements.
#include "db/db.h"

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <openssl/crypto.h>
#include <dlfcn.h>
#include <netdb.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "config.h"
#include "util/log.h"
#include "util/text.h"

// MariaDB Connector/C's library initialisation (the first mysql_init of a process) asks NSS for
// the "mysql" TCP service, only to learn the default port of a TCP connection given port 0:
// with Debian's nsswitch.conf ("services: db files") that is about 80 failed opens of
// libnss_db, then /etc/services read and parsed, in every CGI process (~0.2 ms of a whoami
// request, issue 13). Defined in the program, this definition is the one the library binds to;
// "mysql" is answered "unknown" (the default port, 3306, or $MYSQL_TCP_PORT, as Connector/C
// documents; a TCP connection takes DB_PORT from vidjil.conf anyway); any other service is
// looked up by the C library as usual.
extern "C" struct servent* getservbyname(const char* name, const char* proto) {
    if (name && std::strcmp(name, "mysql") == 0) return nullptr;
    using Lookup = struct servent* (*)(const char*, const char*);
    static Lookup next = reinterpret_cast<Lookup>(dlsym(RTLD_NEXT, "getservbyname"));
    return next ? next(name, proto) : nullptr;
}

namespace vidjil::db {

const Value& Row::at(const std::string& name) const {
    for (size_t i = 0; i < names_->size(); ++i)
        if ((*names_)[i] == name) return values_[i];
    throw Error("no column named " + name);
}

static int64_t to_int(const Value& v, int64_t if_null, const std::string& what) {
    if (!v) return if_null;
    auto n = text::parse_int(*v);
    if (!n) throw Error("column " + what + " is not an integer");
    return *n;
}

int64_t Row::integer(const std::string& name, int64_t if_null) const { return to_int(at(name), if_null, name); }
int64_t Row::integer(size_t i, int64_t if_null) const { return to_int(at(i), if_null, std::to_string(i)); }
std::optional<int64_t> Row::opt_int(const std::string& name) const {
    const Value& v = at(name);
    if (!v) return std::nullopt;
    return to_int(v, 0, name);
}

ConnectOptions ConnectOptions::from_config(const Config& cfg) {
    ConnectOptions o;
    o.socket = cfg.get("DB_SOCKET");
    o.host = cfg.get("DB_HOST", o.socket.empty() ? "127.0.0.1" : "localhost");
    o.port = static_cast<unsigned>(cfg.get_int("DB_PORT", 0));
    o.user = cfg.get("DB_USER", "vidjil");
    o.password = cfg.get("DB_PASSWORD");
    o.database = cfg.get("DB_NAME", "vidjil");
    o.connect_timeout = static_cast<unsigned>(cfg.get_int("DB_CONNECT_TIMEOUT", 5));
    int64_t cache = cfg.get_int("DB_STATEMENT_CACHE", 64);
    o.statement_cache = static_cast<size_t>(cache < 1 ? 1 : cache);
    o.retry = RetryPolicy::from_config(cfg);
    return o;
}

Connection::Connection(ConnectOptions opts) : opts_(std::move(opts)) {}

Connection::~Connection() { reset(); }

void Connection::reset() {
    // The link first: the server frees a session's statements when it ends, and Connector/C
    // detaches the statement handles from a closed link, so mysql_stmt_close below only frees
    // client memory instead of sending one COM_STMT_CLOSE per statement (a CGI process ends
    // with every statement it ran still open: 4 commands less for whoami, issue 13).
    if (mysql_) mysql_close(mysql_);
    mysql_ = nullptr;
    for (auto& kv : statements_) mysql_stmt_close(kv.second.stmt);
    statements_.clear();
    recent_.clear();
    in_tx_ = false;
}

static bool is_connection_error(unsigned code) {
    switch (code) {
        case CR_CONNECTION_ERROR: case CR_CONN_HOST_ERROR: case CR_SERVER_GONE_ERROR:
        case CR_SERVER_LOST: case CR_SERVER_LOST_EXTENDED: case CR_UNKNOWN_HOST:
        case ER_SERVER_SHUTDOWN: case ER_CON_COUNT_ERROR: case ER_CONNECTION_KILLED:
        case CR_COMMANDS_OUT_OF_SYNC:
            return true;
        default:
            return false;
    }
}

void Connection::fail(const std::string& what, unsigned code, const std::string& message) {
    std::string m = what + ": " + message + " (" + std::to_string(code) + ")";
    if (is_connection_error(code)) {
        reset();
        throw Unavailable(m, code);
    }
    throw Error(m, code);
}

void Connection::ensure() {
    if (mysql_) {
        auto now = std::chrono::steady_clock::now();
        if (!in_tx_ && now - last_ok_ < std::chrono::seconds(1)) {
            unverified_ = true;
            return;
        }
        if (mysql_ping(mysql_) == 0) {
            last_ok_ = now;
            unverified_ = false;
            return;
        }
        reset();
    }
    unverified_ = false;
    if (!opts_.socket.empty()) {
        // A unix socket carries no TLS: OpenSSL's configuration file (read by mysql_init, about a
        // third of a CGI request's start-up, issue 13) is of no use to this connection. Nothing
        // else in the programs reads OpenSSL settings (digests, random bytes). Nor does anything
        // look a cipher up by name (only TLS would, through libssl's cipher lists): mysql_init's
        // OPENSSL_init_ssl would otherwise register every cipher name (~0.35 M instructions),
        // and freeing it all again at exit (OPENSSL_cleanup, ~0.35 M) is no use to a process
        // that ends. Digests stay registered: legacy password hashes look them up by name.
        static bool once = (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
                                                    OPENSSL_INIT_NO_ATEXIT,
                                                nullptr),
                            true);
        (void)once;
    }
    mysql_ = mysql_init(nullptr);
    if (!mysql_) throw Unavailable("mysql_init failed");
    unsigned timeout = opts_.connect_timeout;
    mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    my_bool reconnect = 0;  // reconnecting silently would lose transactions and session state
    mysql_optionsv(mysql_, MYSQL_OPT_RECONNECT, &reconnect);
    const char* host = opts_.host.empty() ? nullptr : opts_.host.c_str();
    const char* sock = opts_.socket.empty() ? nullptr : opts_.socket.c_str();
    if (!mysql_real_connect(mysql_, host, opts_.user.c_str(), opts_.password.c_str(),
                            opts_.database.c_str(), opts_.port, sock, 0)) {
        std::string m = std::string("cannot connect to the database: ") + mysql_error(mysql_);
        unsigned code = mysql_errno(mysql_);
        mysql_close(mysql_);
        mysql_ = nullptr;
        // Bad credentials or unknown database are configuration errors, but for the client the
        // answer is the same: the service is unavailable.
        throw Unavailable(m, code);
    }
    if (mysql_query(mysql_, "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'") != 0)
        fail("set sql_mode", mysql_errno(mysql_), mysql_error(mysql_));
}

st_mysql_stmt* Connection::prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) return nullptr;
    recent_.splice(recent_.begin(), recent_, it->second.use);
    return it->second.stmt;
}

st_mysql_stmt* Connection::new_statement() {
    // Room for the new one: close the least recently used.
    while (!recent_.empty() && statements_.size() >= std::max<size_t>(opts_.statement_cache, 1)) {
        auto old = statements_.find(recent_.back());
        mysql_stmt_close(old->second.stmt);
        statements_.erase(old);
        recent_.pop_back();
    }
    MYSQL_STMT* st = mysql_stmt_init(mysql_);
    if (!st) fail("stmt_init", mysql_errno(mysql_), mysql_error(mysql_));
    return st;
}

size_t count_placeholders(const std::string& sql) {
    size_t n = 0;
    char quote = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (quote) {
            if (c == '\\' && i + 1 < sql.size()) ++i;
            else if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"' || c == '`') {
            quote = c;
        } else if (c == '#' || (c == '-' && i + 2 < sql.size() && sql[i + 1] == '-' &&
                                static_cast<unsigned char>(sql[i + 2]) <= ' ')) {
            while (i < sql.size() && sql[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            size_t end = sql.find("*/", i + 2);
            i = end == std::string::npos ? sql.size() : end + 1;
        } else if (c == '?') {
            ++n;
        }
    }
    return n;
}

namespace {
// Result buffers: a small inline buffer per column; longer values are fetched again in full.
struct ColumnBuffer {
    char small[256];
    unsigned long length = 0;
    my_bool is_null = 0;
    my_bool error = 0;
};
}  // namespace

Rows Connection::run(const std::string& sql, const Params& params, bool want_rows, uint64_t* affected, bool keep) {
    if (!unverified_) {
        Rows rows = run_once(sql, params, want_rows, affected, keep);
        last_ok_ = std::chrono::steady_clock::now();
        return rows;
    }
    // The first statement on a link ensure() did not ping: if the link was already closed when
    // the statement was sent (server restarted, connection killed), nothing ran, so connect
    // again and run it once more. A link lost while the server worked (CR_SERVER_LOST) is not
    // retried: the statement may have run.
    unverified_ = false;
    const bool in_tx = in_tx_;
    try {
        Rows rows = run_once(sql, params, want_rows, affected, keep);
        last_ok_ = std::chrono::steady_clock::now();
        return rows;
    } catch (const Unavailable& e) {
        if (in_tx || (e.code() != CR_SERVER_GONE_ERROR && e.code() != ER_CONNECTION_KILLED)) throw;
        ensure();
        Rows rows = run_once(sql, params, want_rows, affected, keep);
        last_ok_ = std::chrono::steady_clock::now();
        return rows;
    }
}

Rows Connection::run_once(const std::string& sql, const Params& params, bool want_rows, uint64_t* affected,
                          bool keep) {
    if (!mysql_) ensure();
    // A statement this connection has not prepared yet is prepared and executed in one round
    // trip (mariadb_stmt_execute_direct: COM_STMT_PREPARE and COM_STMT_EXECUTE sent together,
    // the parameters still bound, never written into the SQL); it is then kept for the next
    // runs like any prepared statement. A CGI process runs each statement once: this halves its
    // round trips (issue 13).
    MYSQL_STMT* st = keep ? prepare(sql) : nullptr;
    const bool fresh = !st;
    // A statement not kept (query_uncached) is closed on every way out of this function.
    struct Closer {
        MYSQL_STMT* st = nullptr;
        ~Closer() {
            if (st) mysql_stmt_close(st);
        }
    } closer;
    if (fresh) {
        if (count_placeholders(sql) != params.size())
            throw Error("wrong number of parameters for [" + sql.substr(0, 200) + "]");
        if (keep) {
            st = new_statement();
        } else {
            st = mysql_stmt_init(mysql_);
            if (!st) fail("stmt_init", mysql_errno(mysql_), mysql_error(mysql_));
        }
        unsigned long n = params.size();
        mysql_stmt_attr_set(st, STMT_ATTR_PREBIND_PARAMS, &n);
    } else if (mysql_stmt_param_count(st) != params.size()) {
        throw Error("wrong number of parameters for [" + sql.substr(0, 200) + "]");
    }
    std::vector<MYSQL_BIND> pb(params.size());
    std::vector<long long> ints(params.size());
    std::vector<unsigned long> lens(params.size());
    std::vector<my_bool> nulls(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
        MYSQL_BIND& b = pb[i];
        std::memset(&b, 0, sizeof b);
        const Param& p = params[i];
        if (p.kind() == Param::Null) {
            b.buffer_type = MYSQL_TYPE_NULL;
            nulls[i] = 1;
            b.is_null = &nulls[i];
        } else if (p.kind() == Param::Int) {
            ints[i] = p.integer();
            b.buffer_type = MYSQL_TYPE_LONGLONG;
            b.buffer = &ints[i];
        } else {
            b.buffer_type = MYSQL_TYPE_STRING;
            b.buffer = const_cast<char*>(p.str().data());
            lens[i] = p.str().size();
            b.buffer_length = lens[i];
            b.length = &lens[i];
        }
    }
    if (fresh) {
        // Until it is in the cache, the statement is ours to close on every way out.
        auto give_up = [&](const char* what) {
            unsigned code = mysql_stmt_errno(st);
            std::string m = mysql_stmt_error(st);
            mysql_stmt_close(st);
            closer.st = nullptr;
            fail(what + (" [" + sql.substr(0, 200) + "]"), code, m);
        };
        if (!keep) closer.st = st;
        if (!params.empty() && mysql_stmt_bind_param(st, pb.data()) != 0) give_up("bind");
        if (mariadb_stmt_execute_direct(st, sql.c_str(), sql.size()) != 0) give_up("prepare/execute");
        if (keep) {
            recent_.push_front(sql);
            statements_[sql] = Cached{st, recent_.begin()};
        }
    } else {
        if (!params.empty() && mysql_stmt_bind_param(st, pb.data()) != 0)
            fail("bind", mysql_stmt_errno(st), mysql_stmt_error(st));
        if (mysql_stmt_execute(st) != 0) fail("execute [" + sql.substr(0, 200) + "]", mysql_stmt_errno(st), mysql_stmt_error(st));
    }
    last_insert_id_ = mysql_stmt_insert_id(st);
    if (affected) *affected = mysql_stmt_affected_rows(st);
    Rows rows;
    MYSQL_RES* meta = mysql_stmt_result_metadata(st);
    // No COM_STMT_RESET after a statement: results are always read in full and freed on the
    // client, so the statement is ready again, and a reset would be one more round trip each time.
    if (!meta) return rows;
    unsigned ncols = mysql_num_fields(meta);
    auto names = std::make_shared<std::vector<std::string>>();
    MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    for (unsigned i = 0; i < ncols; ++i) names->push_back(fields[i].name);
    std::vector<ColumnBuffer> cols(ncols);
    std::vector<MYSQL_BIND> rb(ncols);
    for (unsigned i = 0; i < ncols; ++i) {
        std::memset(&rb[i], 0, sizeof(MYSQL_BIND));
        rb[i].buffer_type = MYSQL_TYPE_STRING;
        rb[i].buffer = cols[i].small;
        rb[i].buffer_length = sizeof cols[i].small;
        rb[i].length = &cols[i].length;
        rb[i].is_null = &cols[i].is_null;
        rb[i].error = &cols[i].error;
    }
    // A statement whose results could not be read is reset before it is used again.
    auto fetch_failed = [&](const char* what) {
        unsigned code = mysql_stmt_errno(st);
        std::string message = mysql_stmt_error(st);
        mysql_free_result(meta);
        mysql_stmt_free_result(st);
        mysql_stmt_reset(st);
        fail(what, code, message);
    };
    if (mysql_stmt_bind_result(st, rb.data()) != 0 || mysql_stmt_store_result(st) != 0) fetch_failed("fetch");
    for (;;) {
        int rc = mysql_stmt_fetch(st);
        if (rc == MYSQL_NO_DATA) break;
        if (rc == 1) fetch_failed("fetch");
        std::vector<Value> values(ncols);
        for (unsigned i = 0; i < ncols; ++i) {
            if (cols[i].is_null) continue;
            if (cols[i].length <= sizeof cols[i].small) {
                values[i] = std::string(cols[i].small, cols[i].length);
                continue;
            }
            std::string full(cols[i].length, '\0');
            MYSQL_BIND b;
            std::memset(&b, 0, sizeof b);
            unsigned long len = 0;
            b.buffer_type = MYSQL_TYPE_STRING;
            b.buffer = full.data();
            b.buffer_length = full.size();
            b.length = &len;
            if (mysql_stmt_fetch_column(st, &b, i, 0) != 0) fetch_failed("fetch_column");
            values[i] = std::move(full);
        }
        if (want_rows) rows.emplace_back(names, std::move(values));
    }
    mysql_free_result(meta);
    mysql_stmt_free_result(st);
    return rows;
}

Rows Connection::query(const std::string& sql, const Params& params) { return run(sql, params, true, nullptr); }

Rows Connection::query_uncached(const std::string& sql, const Params& params) {
    return run(sql, params, true, nullptr, false);
}

std::optional<Row> Connection::query_one_uncached(const std::string& sql, const Params& params) {
    Rows r = run(sql, params, true, nullptr, false);
    if (r.empty()) return std::nullopt;
    return std::move(r.front());
}

std::optional<Row> Connection::query_one(const std::string& sql, const Params& params) {
    Rows r = run(sql, params, true, nullptr);
    if (r.empty()) return std::nullopt;
    return std::move(r.front());
}

uint64_t Connection::exec(const std::string& sql, const Params& params) {
    uint64_t affected = 0;
    run(sql, params, false, &affected);
    return affected;
}

void Connection::exec_raw(const std::string& sql) {
    if (unverified_) {  // first statement on a link ensure() did not ping: check it now
        unverified_ = false;
        if (mysql_ping(mysql_) != 0) reset();
    }
    if (!mysql_) ensure();
    if (mysql_real_query(mysql_, sql.c_str(), sql.size()) != 0)
        fail("query [" + sql.substr(0, 200) + "]", mysql_errno(mysql_), mysql_error(mysql_));
    // Drain any result so the connection stays usable.
    do {
        MYSQL_RES* r = mysql_store_result(mysql_);
        if (r) mysql_free_result(r);
    } while (mysql_next_result(mysql_) == 0);
    last_ok_ = std::chrono::steady_clock::now();
}

void Connection::begin() {
    exec_raw("START TRANSACTION");
    in_tx_ = true;
}

void Connection::commit() {
    exec_raw("COMMIT");
    in_tx_ = false;
}

void Connection::rollback() {
    in_tx_ = false;
    if (mysql_) exec_raw("ROLLBACK");
}

// --- retries of transactions that lost a lock race --------------------------------------------

bool is_lock_conflict(const Error& e) { return e.code() == ER_LOCK_DEADLOCK || e.code() == ER_LOCK_WAIT_TIMEOUT; }

namespace {
std::atomic<uint64_t> g_retries{0};
}  // namespace

RetryPolicy RetryPolicy::from_config(const Config& cfg) {
    RetryPolicy p;
    p.attempts = static_cast<int>(std::clamp<int64_t>(cfg.get_int("DB_LOCK_RETRIES", 5), 1, 100));
    p.base_delay_ms = static_cast<int>(std::clamp<int64_t>(cfg.get_int("DB_LOCK_BACKOFF_MS", 20), 0, 10000));
    p.max_delay_ms = std::max(p.base_delay_ms, 1000);
    return p;
}

void note_retry(const Error& e, int attempt) {
    ++g_retries;
    log::warn(std::string(e.code() == ER_LOCK_DEADLOCK ? "deadlock" : "lock wait timeout") +
              ": transaction run again (attempt " + std::to_string(attempt + 1) + ")");
}

uint64_t retries_so_far() { return g_retries.load(); }

void sleep_before_retry(const RetryPolicy& p, int attempt) {
    if (p.base_delay_ms <= 0) return;
    // Exponential back-off with full jitter: two transactions that deadlocked do not collide
    // again at once.
    int64_t cap = std::min<int64_t>(p.max_delay_ms, int64_t(p.base_delay_ms) << std::min(attempt - 1, 16));
    thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_int_distribution<int64_t> d(cap / 2, cap);
    std::this_thread::sleep_for(std::chrono::milliseconds(d(rng)));
}

bool is_plain_identifier(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

}  // namespace vidjil::db
