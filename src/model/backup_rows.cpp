// SQL of backup/restore (see backup_rows.h).
#include "model/backup_rows.h"

#include <cctype>

#include "model/dump_load.h"

namespace vidjil::model {

uint64_t count_rows(db::Connection& db, const std::string& table) {
    if (table.empty() || table.size() > 64) throw db::Error("unexpected table name");
    for (char c : table)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) throw db::Error("unexpected table name");
    auto r = db.query_one("SELECT COUNT(*) FROM `" + table + "`");
    return r ? static_cast<uint64_t>(r->integer(0)) : 0;
}

std::vector<std::string> applied_migrations(db::Connection& db) {
    std::vector<std::string> out;
    if (!db.query_one("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND "
                      "table_name = 'vidjil_schema_version'"))
        return out;
    for (const auto& r : db.query("SELECT version, name FROM vidjil_schema_version ORDER BY version"))
        out.push_back(r.str(0) + " " + r.str(1));
    return out;
}

}  // namespace vidjil::model
