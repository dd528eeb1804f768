// Demo data for a new local server: a patient, a run and a set sharing a small sample that
// the project generates itself (no file from outside the repository is needed).
#pragma once
#include <ostream>

#include "config.h"
#include "db/db.h"

namespace vidjil::tools {

// Creates the demo rows and files unless they exist already; prints what it did.
void load_demo_data(db::Connection& db, const Config& cfg, std::ostream& out);

}  // namespace vidjil::tools
