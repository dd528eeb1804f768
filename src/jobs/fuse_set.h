// The fuse step of model.md §3.5, natively: the fused .vidjil of one (sample set, config) rebuilt
// from the newest completed result of each of its files, written durably, and recorded in the
// one fused_file row of the pair. Called by vidjil-runner after each completed result, and by
// anything that changes which results a set holds.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>

#include "db/db.h"

namespace vidjil {
class Config;
}

namespace vidjil::jobs {

struct FuseReport {
    bool stored = false;
    size_t inputs = 0;
    std::string message;  // one line for the job log
};

// Holds the sample set's row lock from reading the inputs to committing the row, so concurrent
// fuses of a set (two runners completing two of its samples) run one after the other and the
// last one sees both results; the row is updated, never duplicated. The file is written with
// temp + fsync + rename before the row is committed. Details go to `log` when given.
FuseReport fuse_set(const Config& cfg, db::Connection& db, int64_t sample_set_id, int64_t config_id,
                    std::ostream* log = nullptr);

}  // namespace vidjil::jobs
