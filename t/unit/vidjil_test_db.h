// The test database of the *DbTest suites: t/run-all names its configuration in
// VIDJIL_TEST_CONF once the database is up.
#pragma once

#include <cstdlib>
#include <stdexcept>

#include "config.h"
#include "db/db.h"

namespace vidjil_test {

inline vidjil::db::ConnectOptions db_options() {
    const char* conf = std::getenv("VIDJIL_TEST_CONF");
    if (!conf) throw std::runtime_error("VIDJIL_TEST_CONF is not set: run these tests through t/run-all");
    return vidjil::db::ConnectOptions::from_config(vidjil::Config::from_file(conf));
}

}  // namespace vidjil_test
