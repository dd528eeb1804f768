// Reader of a data-only mysqldump (see sql_dump.h).
#include "tools/sql_dump.h"

#include <cctype>

namespace vidjil::tools {

const std::set<std::string>& original_tables() {
    static const std::set<std::string> t = {
        "auth_user", "auth_group", "auth_membership", "auth_permission", "group_assoc", "auth_event",
        "auth_cas", "auth_user_tag_groups", "sample_set", "patient", "run", "generic", "pre_process",
        "classification", "config", "sequence_file", "sample_set_membership", "results_file",
        "fused_file", "analysis_file", "scheduler_task", "scheduler_run", "scheduler_worker",
        "scheduler_task_deps", "notification", "user_preference", "user_log", "tag", "group_tag",
        "tag_ref"};
    return t;
}

namespace {

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

bool ident_char(int c) { return std::isalnum(c) || c == '_' || c == '$'; }

// Buffered reading with look-ahead and line numbers.
class Reader {
public:
    explicit Reader(std::istream& in) : in_(in) {}
    int peek(size_t k = 0) {
        if (!fill(k + 1)) return EOF;
        return static_cast<unsigned char>(buf_[pos_ + k]);
    }
    int get() {
        int c = peek();
        if (c == EOF) return EOF;
        ++pos_;
        if (c == '\n') ++line_;
        return c;
    }
    size_t line() const { return line_; }
    void skip_ws() {
        while (std::isspace(peek())) get();
    }
    // Skips blanks and comments (-- , #, and plain /* */ comments; not /*! */ ones).
    void skip_ws_and_comments() {
        for (;;) {
            skip_ws();
            int c = peek();
            if ((c == '-' && peek(1) == '-' && (peek(2) == ' ' || peek(2) == '\n' || peek(2) == '\t' || peek(2) == '\r' || peek(2) == EOF)) || c == '#') {
                while (peek() != EOF && peek() != '\n') get();
            } else if (c == '/' && peek(1) == '*' && peek(2) != '!' && !(peek(2) == 'M' && peek(3) == '!')) {
                size_t start = line_;
                get(), get();
                while (!(peek() == '*' && peek(1) == '/')) {
                    if (get() == EOF) throw DumpError(start, "unterminated comment");
                }
                get(), get();
            } else {
                return;
            }
        }
    }
    std::string word() {  // an identifier or keyword (possibly empty)
        std::string w;
        while (ident_char(peek())) w.push_back(static_cast<char>(get()));
        return w;
    }
    std::string name() {  // `quoted` or bare table/column name
        if (peek() == '`') {
            get();
            std::string n;
            for (;;) {
                int c = get();
                if (c == EOF) throw DumpError(line_, "unterminated `name`");
                if (c == '`') {
                    if (peek() != '`') break;
                    get();
                }
                n.push_back(static_cast<char>(c));
            }
            return n;
        }
        return word();
    }
    void expect(char c, const char* what) {
        skip_ws();
        if (get() != static_cast<unsigned char>(c)) throw DumpError(line_, std::string("expected ") + what);
    }

private:
    bool fill(size_t n) {
        if (buf_.size() - pos_ >= n) return true;
        if (pos_ > (1u << 16)) {
            buf_.erase(0, pos_);
            pos_ = 0;
        }
        char tmp[1 << 16];
        while (buf_.size() - pos_ < n) {
            in_.read(tmp, sizeof tmp);
            std::streamsize got = in_.gcount();
            if (got <= 0) return false;
            buf_.append(tmp, static_cast<size_t>(got));
        }
        return true;
    }
    std::istream& in_;
    std::string buf_;
    size_t pos_ = 0;
    size_t line_ = 1;
};

// Tokens of a small statement (SET, LOCK, ...): words, `names`, 'strings' and single symbols.
std::vector<std::string> tokens(const std::string& s, size_t line) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (std::isspace(c)) {
            ++i;
        } else if (ident_char(c) || c == '@') {
            size_t j = i;
            while (j < s.size() && (ident_char(static_cast<unsigned char>(s[j])) || s[j] == '@' || s[j] == '.')) ++j;
            out.push_back(s.substr(i, j - i));
            i = j;
        } else if (c == '`' || c == '\'' || c == '"') {
            size_t j = i + 1;
            while (j < s.size() && s[j] != static_cast<char>(c)) j += s[j] == '\\' ? 2 : 1;
            if (j >= s.size()) throw DumpError(line, "unterminated quoted text");
            out.push_back(s.substr(i, j + 1 - i));
            i = j + 1;
        } else {
            out.push_back(std::string(1, static_cast<char>(c)));
            ++i;
        }
    }
    return out;
}

std::string unquote_name(const std::string& t) {
    if (t.size() >= 2 && t.front() == '`') return t.substr(1, t.size() - 2);
    return t;
}

// Session variables a dump may set (never applied: the loader makes its own session).
bool harmless_variable(const std::string& target) {
    static const std::set<std::string> vars = {
        "NAMES", "TIME_ZONE", "SQL_MODE", "FOREIGN_KEY_CHECKS", "UNIQUE_CHECKS", "SQL_NOTES", "AUTOCOMMIT",
        "CHARACTER_SET_CLIENT", "CHARACTER_SET_RESULTS", "CHARACTER_SET_CONNECTION", "COLLATION_CONNECTION",
        "SQL_QUOTE_SHOW_CREATE", "CHARACTER", "SQL_LOG_BIN"};
    std::string u = upper(target);
    if (u.rfind("@@GLOBAL.", 0) == 0) return false;
    if (u.rfind("@@SESSION.", 0) == 0) u = u.substr(10);
    else if (u.rfind("@@", 0) == 0) u = u.substr(2);
    else if (u.rfind("@", 0) == 0) return u.size() > 1 && u.find('.') == std::string::npos;  // a user variable
    return vars.count(u) != 0;
}

// Checks a statement other than INSERT: accepted (and skipped) or DumpError.
void check_harmless(const std::string& stmt, size_t line, const std::set<std::string>& tables) {
    std::vector<std::string> t = tokens(stmt, line);
    if (t.empty()) return;
    std::string first = upper(t[0]);
    auto refuse = [&](const std::string& why) {
        std::string shown = stmt.substr(0, 80);
        for (char& c : shown)
            if (static_cast<unsigned char>(c) < 0x20) c = ' ';
        throw DumpError(line, why + ": " + shown);
    };
    if (first == "SET") {
        // SET a=x, b=y: each target (first token, and after each top-level comma) is checked.
        int depth = 0;
        bool expect_target = true;
        for (size_t i = 1; i < t.size(); ++i) {
            if (expect_target) {
                std::string target = t[i];
                if (upper(target) == "SESSION" && i + 1 < t.size()) target = t[++i];
                if (upper(target) == "GLOBAL" || !harmless_variable(target)) refuse("only SET of session or user variables is accepted");
                expect_target = false;
            } else if (t[i] == "(") {
                ++depth;
            } else if (t[i] == ")") {
                --depth;
            } else if (t[i] == "," && depth == 0) {
                expect_target = true;
            } else if (upper(t[i]) == "SELECT" || upper(t[i]) == "FROM") {
                refuse("statement not allowed in a dump");
            }
        }
        return;
    }
    if (first == "UNLOCK" && t.size() == 2 && upper(t[1]) == "TABLES") return;
    if (first == "COMMIT" && t.size() == 1) return;
    if (first == "LOCK" && t.size() >= 4 && upper(t[1]) == "TABLES") {
        for (size_t i = 2; i < t.size(); i += 3) {
            if (!tables.count(unquote_name(t[i]))) refuse("unknown table");
            if (i + 1 >= t.size() || (upper(t[i + 1]) != "WRITE" && upper(t[i + 1]) != "READ")) refuse("bad LOCK TABLES");
            if (i + 2 < t.size() && t[i + 2] != ",") refuse("bad LOCK TABLES");
        }
        return;
    }
    if (first == "ALTER" && t.size() == 5 && upper(t[1]) == "TABLE" && upper(t[4]) == "KEYS" &&
        (upper(t[3]) == "DISABLE" || upper(t[3]) == "ENABLE")) {
        if (!tables.count(unquote_name(t[2]))) refuse("unknown table");
        return;
    }
    if (first == "CREATE" || first == "DROP")
        refuse("statement not allowed in a dump (make it with mysqldump --no-create-info)");
    refuse("statement not allowed in a dump (only INSERT into the original tables)");
}

// A statement up to its ';' (quotes respected), for the non-INSERT statements.
std::string read_statement(Reader& r) {
    std::string s;
    size_t start = r.line();
    for (;;) {
        int c = r.get();
        if (c == EOF) throw DumpError(start, "statement without its final ';'");
        if (c == ';') return s;
        s.push_back(static_cast<char>(c));
        if (c == '\'' || c == '"' || c == '`') {
            for (;;) {
                int d = r.get();
                if (d == EOF) throw DumpError(start, "unterminated quoted text");
                s.push_back(static_cast<char>(d));
                if (d == '\\' && c != '`') {
                    int e = r.get();
                    if (e == EOF) throw DumpError(start, "unterminated quoted text");
                    s.push_back(static_cast<char>(e));
                } else if (d == c) {
                    break;
                }
            }
        }
    }
}

int hex_digit(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = std::tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::string read_string(Reader& r) {  // after the opening quote
    std::string v;
    size_t start = r.line();
    for (;;) {
        int c = r.get();
        if (c == EOF) throw DumpError(start, "unterminated string");
        if (c == '\'') {
            if (r.peek() != '\'') return v;
            r.get();
            v.push_back('\'');
        } else if (c == '\\') {
            int e = r.get();
            switch (e) {
                case EOF: throw DumpError(start, "unterminated string");
                case '0': v.push_back('\0'); break;
                case 'b': v.push_back('\b'); break;
                case 'n': v.push_back('\n'); break;
                case 'r': v.push_back('\r'); break;
                case 't': v.push_back('\t'); break;
                case 'Z': v.push_back('\x1a'); break;
                case '%': case '_': v.push_back('\\'); v.push_back(static_cast<char>(e)); break;
                default: v.push_back(static_cast<char>(e));
            }
        } else {
            v.push_back(static_cast<char>(c));
        }
    }
}

std::optional<std::string> read_value(Reader& r) {
    r.skip_ws();
    int c = r.peek();
    if (c == '\'') {
        r.get();
        return read_string(r);
    }
    if (c == '0' && (r.peek(1) == 'x' || r.peek(1) == 'X')) {
        r.get(), r.get();
        std::string v;
        while (hex_digit(r.peek()) >= 0) {
            int hi = hex_digit(r.get());
            int lo = hex_digit(r.peek());
            if (lo < 0) throw DumpError(r.line(), "odd number of hex digits");
            r.get();
            v.push_back(static_cast<char>(hi * 16 + lo));
        }
        return v;
    }
    if (c == '-' || c == '+' || c == '.' || std::isdigit(c)) {
        std::string v;
        if (c == '-' || c == '+') v.push_back(static_cast<char>(r.get()));
        size_t digits = 0;
        while (std::isdigit(r.peek())) v.push_back(static_cast<char>(r.get())), ++digits;
        if (r.peek() == '.') {
            v.push_back(static_cast<char>(r.get()));
            while (std::isdigit(r.peek())) v.push_back(static_cast<char>(r.get())), ++digits;
        }
        if (!digits) throw DumpError(r.line(), "malformed number");
        if (r.peek() == 'e' || r.peek() == 'E') {
            v.push_back(static_cast<char>(r.get()));
            if (r.peek() == '-' || r.peek() == '+') v.push_back(static_cast<char>(r.get()));
            if (!std::isdigit(r.peek())) throw DumpError(r.line(), "malformed number");
            while (std::isdigit(r.peek())) v.push_back(static_cast<char>(r.get()));
        }
        if (ident_char(r.peek())) throw DumpError(r.line(), "malformed number");
        return v;
    }
    std::string w = r.word();
    std::string u = upper(w);
    if (u == "NULL") return std::nullopt;
    if (u == "_BINARY" || u == "_UTF8" || u == "_UTF8MB4" || u == "_LATIN1") {
        r.skip_ws();
        if (r.get() != '\'') throw DumpError(r.line(), "expected a string after " + w);
        return read_string(r);
    }
    if (u == "X" && r.peek() == '\'') {
        r.get();
        std::string v;
        while (r.peek() != '\'') {
            int hi = hex_digit(r.get()), lo = hex_digit(r.get());
            if (hi < 0 || lo < 0) throw DumpError(r.line(), "malformed X'hex' value");
            v.push_back(static_cast<char>(hi * 16 + lo));
        }
        r.get();
        return v;
    }
    throw DumpError(r.line(), "only literal values (text, numbers, NULL) are accepted in an INSERT, found '" +
                                  (w.empty() ? std::string(1, c == EOF ? ' ' : static_cast<char>(c)) : w.substr(0, 40)) + "'");
}

void read_insert(Reader& r, size_t line, const std::set<std::string>& tables,
                 const std::function<void(DumpInsert&)>& on_insert, size_t batch_rows) {
    DumpInsert ins;
    ins.line = line;
    size_t bytes = 0;
    r.skip_ws();
    std::string into = upper(r.word());
    if (into != "INTO") throw DumpError(line, "only plain INSERT INTO statements are accepted (found INSERT " + into.substr(0, 20) + ")");
    r.skip_ws();
    ins.table = r.name();
    if (!tables.count(ins.table))
        throw DumpError(line, "table '" + ins.table.substr(0, 64) +
                                  "' is not a table of the original Vidjil schema (leave it out of the dump: "
                                  "mysqldump --ignore-table=DATABASE.TABLE)");
    r.skip_ws();
    if (r.peek() != '(')
        throw DumpError(line, "an INSERT without column names: make the dump with mysqldump -c (--complete-insert)");
    r.get();
    for (;;) {
        r.skip_ws();
        std::string col = r.name();
        if (col.empty()) throw DumpError(r.line(), "expected a column name");
        ins.columns.push_back(col);
        r.skip_ws();
        int c = r.get();
        if (c == ')') break;
        if (c != ',') throw DumpError(r.line(), "expected ',' or ')' in the column list");
    }
    r.skip_ws();
    std::string values = upper(r.word());
    if (values != "VALUES" && values != "VALUE") throw DumpError(r.line(), "expected VALUES");
    for (;;) {
        r.expect('(', "'(' opening a row");
        std::vector<std::optional<std::string>> row;
        for (;;) {
            row.push_back(read_value(r));
            r.skip_ws();
            int c = r.get();
            if (c == ')') break;
            if (c != ',') throw DumpError(r.line(), "expected ',' or ')' in a row of values");
        }
        if (row.size() != ins.columns.size())
            throw DumpError(r.line(), "a row has " + std::to_string(row.size()) + " values for " +
                                          std::to_string(ins.columns.size()) + " columns");
        for (const auto& v : row) bytes += v ? v->size() : 0;
        ins.rows.push_back(std::move(row));
        // Pieces of at most batch_rows rows and about 4 MB (the server's packet limit).
        if (ins.rows.size() >= batch_rows || bytes > (4u << 20)) {
            on_insert(ins);
            ins.rows.clear();
            bytes = 0;
        }
        r.skip_ws();
        int c = r.get();
        if (c == ';') break;
        if (c != ',') throw DumpError(r.line(), "expected ',' or ';' after a row");
    }
    if (!ins.rows.empty()) on_insert(ins);
}

}  // namespace

void read_dump(std::istream& in, const std::set<std::string>& tables,
               const std::function<void(DumpInsert&)>& on_insert, size_t batch_rows) {
    Reader r(in);
    for (;;) {
        r.skip_ws_and_comments();
        int c = r.peek();
        if (c == EOF) return;
        size_t line = r.line();
        if (c == ';') {  // empty statement
            r.get();
            continue;
        }
        if (c == '/' && r.peek(1) == '*') {
            // Executable comment /*!NNNNN statement */ or /*M!NNNNNN statement */.
            r.get(), r.get();
            std::string body;
            for (;;) {
                int d = r.get();
                if (d == EOF) throw DumpError(line, "unterminated comment");
                if (d == '*' && r.peek() == '/') {
                    r.get();
                    break;
                }
                body.push_back(static_cast<char>(d));
            }
            size_t i = body[0] == 'M' ? 2 : 1;
            while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i;
            std::string inner = body.substr(i);
            // MariaDB's first line: /*M!999999\- enable the sandbox mode */
            if (body[0] == 'M' && inner.rfind("\\-", 0) == 0) continue;
            check_harmless(inner, line, tables);
            r.skip_ws();
            if (r.peek() == ';') r.get();
            continue;
        }
        std::string w = upper(r.word());
        if (w == "INSERT") {
            read_insert(r, line, tables, on_insert, batch_rows);
        } else if (w.empty()) {
            throw DumpError(line, std::string("unexpected character '") + static_cast<char>(c) + "'");
        } else {
            check_harmless(w + read_statement(r), line, tables);
        }
    }
}

}  // namespace vidjil::tools
