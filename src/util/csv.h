// CSV output (RFC 4180) that is safe to open in a spreadsheet.
#pragma once
#include <string>
#include <vector>

namespace vidjil::csv {

// One cell: a value starting with = + - @ (or a tab / carriage return, which spreadsheets skip
// before such a character) gets a leading ' so that it is never read as a formula (CSV
// injection); then the value is quoted ("..." with "" for ") when it holds a comma, a quote, a
// line break.
std::string cell(const std::string& value);
// Cells joined by commas, ended by CRLF.
std::string line(const std::vector<std::string>& cells);

}  // namespace vidjil::csv
