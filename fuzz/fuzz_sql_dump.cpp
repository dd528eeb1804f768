// libFuzzer harness for the mysqldump reader of `vidjil-admin import-dump` (the dump is text
// from another server). Oracle: what is read, written back as INSERTs with hexadecimal values,
// is read again to the same tables, columns and values.
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/harnesses.h"
#include "tools/sql_dump.h"

using namespace vidjil;

namespace {
std::string hex(const std::string& s) {
    static const char* d = "0123456789abcdef";
    std::string out = "0x";
    for (unsigned char c : s) out += {d[c >> 4], d[c & 15]};
    return s.empty() ? "''" : out;
}
}  // namespace

int vidjil::fuzz::sql_dump(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    std::vector<tools::DumpInsert> got;
    try {
        tools::read_dump(in, tools::original_tables(), [&](tools::DumpInsert& ins) {
            for (const auto& row : ins.rows)
                if (row.size() != ins.columns.size()) __builtin_trap();
            got.push_back(ins);
        }, 3);
    } catch (const tools::DumpError&) {
        return 0;
    }
    std::string again;
    for (const auto& ins : got) {
        again += "INSERT INTO `" + ins.table + "` (";
        for (size_t i = 0; i < ins.columns.size(); ++i) {
            std::string c;
            for (char ch : ins.columns[i]) c += ch == '`' ? std::string("``") : std::string(1, ch);
            again += (i ? ",`" : "`") + c + "`";
        }
        again += ") VALUES ";
        for (size_t r = 0; r < ins.rows.size(); ++r) {
            again += r ? ",(" : "(";
            for (size_t i = 0; i < ins.rows[r].size(); ++i)
                again += (i ? "," : "") + (ins.rows[r][i] ? hex(*ins.rows[r][i]) : std::string("NULL"));
            again += ")";
        }
        again += ";\n";
    }
    std::istringstream in2(again);
    std::vector<tools::DumpInsert> reread;
    try {
        tools::read_dump(in2, tools::original_tables(), [&](tools::DumpInsert& ins) { reread.push_back(ins); }, 3);
    } catch (const tools::DumpError&) {
        __builtin_trap();
    }
    if (reread.size() != got.size()) __builtin_trap();
    for (size_t i = 0; i < got.size(); ++i)
        if (reread[i].table != got[i].table || reread[i].columns != got[i].columns || reread[i].rows != got[i].rows)
            __builtin_trap();
    return 0;
}

VIDJIL_FUZZ_ENTRY(sql_dump)
