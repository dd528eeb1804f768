// Reader of a data-only mysqldump of the original Vidjil database (`mysqldump -c
// --no-create-info`), for `vidjil-admin import-dump`. The dump is SQL text from another server,
// so it is never sent to our server as SQL: only INSERT statements of literal rows into known
// tables are accepted (their values are decoded here and later bound as parameters), together
// with the harmless statements mysqldump writes around them (SET of session/user variables,
// LOCK/UNLOCK TABLES, ALTER TABLE ... DISABLE/ENABLE KEYS, comments), which are skipped.
// Anything else stops the reading with the line number.
#pragma once
#include <cstddef>
#include <functional>
#include <istream>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace vidjil::tools {

class DumpError : public std::runtime_error {
public:
    DumpError(size_t line, const std::string& m) : std::runtime_error("line " + std::to_string(line) + ": " + m), line_(line) {}
    size_t line() const { return line_; }

private:
    size_t line_;
};

// One INSERT statement: rows of values (nullopt = NULL; numbers kept as their text).
struct DumpInsert {
    size_t line = 0;  // where the statement starts
    std::string table;
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
};

// Reads the whole dump, calling on_insert for each INSERT (at most `batch_rows` rows at a time:
// a long extended INSERT is handed over in pieces). `tables` are the accepted table names.
// Throws DumpError on any statement that is not allowed or not understood.
void read_dump(std::istream& in, const std::set<std::string>& tables,
               const std::function<void(DumpInsert&)>& on_insert, size_t batch_rows = 200);

// The tables of the original schema (model.md §1), those a dump of the original may fill.
const std::set<std::string>& original_tables();

}  // namespace vidjil::tools
