// Implementation of the server log (see log.h).
#include "util/log.h"

#include "util/text.h"

#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace vidjil::log {

static std::string program = "vidjil";

void set_program(std::string name) { program = std::move(name); }

static const char* level_name(Level l) {
    switch (l) {
        case Level::Debug: return "DEBUG";
        case Level::Info: return "INFO";
        case Level::Warning: return "WARNING";
        case Level::Error: return "ERROR";
        case Level::Critical: return "CRITICAL";
    }
    return "INFO";
}

void write(Level level, std::string_view message) {
    char stamp[32];
    time_t now = time(nullptr);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tmv);
    std::string line = std::string(stamp) + " " + program + "[" + std::to_string(getpid()) + "] " +
                       level_name(level) + ": " + text::escape_for_log(message) + "\n";
    fwrite(line.data(), 1, line.size(), stderr);
    fflush(stderr);
}

}  // namespace vidjil::log
