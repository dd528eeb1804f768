// The --pre/--post scripts of a config's fuse command (model.md §3.5): each command names a
// script of the pre-fuse or post-fuse directory (never a path), run without a shell, with a time
// limit, as `<script> <args> -i <in.vidjil> -o <out.vidjil>`; `a && b` chains commands, the
// output of one being the input of the next. Every output must be a valid .vidjil.
#pragma once
#include <json/json.h>

#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "vidjil/fuse.h"

namespace vidjil {
class Config;
}

namespace vidjil::jobs {

// A script that cannot be used or did not produce a valid result: the fuse fails with what().
class FuseScriptError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class FuseStage { Pre, Post };

// DIR_FUSE_PRE (default DIR_VIDJIL/scripts/pre-fuse) or DIR_FUSE_POST (DIR_VIDJIL/scripts/post-fuse).
std::string fuse_script_dir(const Config& cfg, FuseStage stage);

// Runs `commands` on `input` (written to a private directory under DIR_TMP, which is also the
// scripts' working directory, removed afterwards) and returns the last script's output. Scripts
// get FUSE_SCRIPT_TIMEOUT seconds each (default 60; then SIGTERM to their process group, SIGKILL
// 2 s later); their stdout and stderr are copied to `log` when given. Throws FuseScriptError.
Json::Value run_fuse_scripts(const Config& cfg, FuseStage stage, const std::vector<files::FuseScript>& commands,
                             const Json::Value& input, std::ostream* log);

}  // namespace vidjil::jobs
