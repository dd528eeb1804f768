// `vidjil-admin clonedb-export GROUP_ID... OUT.fa` (model.md §7.4, the original's
// create_clone_db.py): one FASTA record per clone of the latest result of each file and config
// of the patient sets the groups can access, with "sample_set=<id> patient=<id>
// sequence_file=<id> results_file=<id> config_id=<id>" in each header; OUT.fa is replaced
// atomically (temp + fsync + rename). CloneDB expects it named clonedb_<group id>.fa.
#pragma once
#include <ostream>

#include "config.h"
#include "db/db.h"

namespace vidjil::tools {

int cmd_clonedb_export(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out);

}  // namespace vidjil::tools
