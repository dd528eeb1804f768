// Server log: one line per event on stderr (nginx/fcgiwrap or the service manager collect it),
// with control characters escaped so that no client text can forge a log line.
#pragma once
#include <string>
#include <string_view>

namespace vidjil::log {

enum class Level { Debug = 10, Info = 20, Warning = 30, Error = 40, Critical = 50 };

void write(Level level, std::string_view message);
inline void info(std::string_view m) { write(Level::Info, m); }
inline void warn(std::string_view m) { write(Level::Warning, m); }
inline void error(std::string_view m) { write(Level::Error, m); }
// The program name shown in every line (e.g. "vidjil-auth").
void set_program(std::string name);

}  // namespace vidjil::log
