// `vidjil-admin export` / `import` (model.md §7.3, the original's scripts/migrator.py): moves
// sample sets with their files' rows, results, analyses and fused files between servers in the
// original's format (export.json keyed by source row id as text, config.json and pprocess.json
// with link_local, files/ and files/pre/out-%06d/), so that an export of the original server
// loads here and the other way round.
#pragma once
#include <ostream>

#include "config.h"
#include "db/db.h"

namespace vidjil::tools {

// export sample_set {patient|run|generic} ID... DIR   (ID: ids of patient/run/generic rows)
// export group GID... DIR                            (every set the groups have access to)
int cmd_export(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);
// import [--dry-run] [--config config.json] [--pre-process pprocess.json] DIR GROUP_ID
int cmd_import(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);

// Copies `from` to `to` (temp file in the same directory + fsync + rename + fsync of the
// directory). With `exclusive`, an existing `to` is never replaced: returns false when it exists.
bool copy_file_atomic(const std::string& from, const std::string& to, bool exclusive);

}  // namespace vidjil::tools
