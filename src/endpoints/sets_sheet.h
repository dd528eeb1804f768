// Tabulated sheets (TSV or CSV, as spreadsheets export them) for the batch creation of sets:
// a header row naming the fields, then one set per row.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace vidjil::endpoints::sets {

struct Sheet {
    std::vector<std::string> header;             // as written in the sheet
    std::vector<std::vector<std::string>> rows;  // cells, one vector per non-empty row
    std::vector<int> lines;                      // row number in the sheet (header = 1)
};

// Parses a sheet. The separator is chosen from the header line: tab (TSV), else ';' when it
// has ';' but no ',', else ','. Quoted cells ("a, b", "say ""hi""", line breaks) are read as
// spreadsheets write them. Throws std::invalid_argument with a message for the user.
Sheet parse_sheet(const std::string& text, size_t max_rows = 10000);

// A header cell as a field name: "Birth date" -> "birth", "Last name" -> "last_name",
// "Label" -> "id_label"; other names lower-cased with '_' for spaces.
std::string sheet_field(const std::string& header);

}  // namespace vidjil::endpoints::sets
