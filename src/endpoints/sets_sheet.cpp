// Tabulated sheet parsing (see sets_sheet.h).
#include "endpoints/sets_sheet.h"

#include <map>

#include "util/text.h"

namespace vidjil::endpoints::sets {

namespace {

char separator_of(const std::string& text) {
    std::string first = text.substr(0, text.find('\n'));
    if (first.find('\t') != std::string::npos) return '\t';
    if (first.find(';') != std::string::npos && first.find(',') == std::string::npos) return ';';
    return ',';
}

}  // namespace

std::string sheet_field(const std::string& header) {
    std::string h;
    for (char c : text::to_lower(text::trim(header))) h.push_back(c == ' ' || c == '-' ? '_' : c);
    static const std::map<std::string, std::string> aliases = {
        {"birth_date", "birth"},    {"birthdate", "birth"},        {"date_of_birth", "birth"}, {"dob", "birth"},
        {"first", "first_name"},    {"firstname", "first_name"},   {"given_name", "first_name"},
        {"last", "last_name"},      {"lastname", "last_name"},     {"surname", "last_name"},
        {"family_name", "last_name"}, {"label", "id_label"},      {"identifier", "id_label"},
        {"date", "run_date"},       {"information", "info"},       {"notes", "info"},
        {"comment", "info"},        {"comments", "info"},
    };
    auto it = aliases.find(h);
    return it == aliases.end() ? h : it->second;
}

Sheet parse_sheet(const std::string& input, size_t max_rows) {
    std::string text = input.compare(0, 3, "\xEF\xBB\xBF") == 0 ? input.substr(3) : input;
    if (!text::valid_utf8(text)) throw std::invalid_argument("the sheet is not UTF-8 text (save it as UTF-8 CSV or TSV)");
    const char sep = separator_of(text);
    Sheet sheet;
    std::vector<std::string> row;
    std::string cell;
    bool in_quotes = false, was_quoted = false, after_quote = false;
    int line = 1, row_line = 1;
    auto end_cell = [&]() {
        row.push_back(was_quoted ? cell : text::trim(cell));
        cell.clear();
        was_quoted = after_quote = false;
    };
    auto end_row = [&]() {
        bool empty = true;
        for (const auto& c : row) empty = empty && c.empty();
        if (!empty && sheet.header.empty()) {
            sheet.header = row;
        } else if (!empty) {
            if (sheet.rows.size() >= max_rows)
                throw std::invalid_argument("the sheet has more than " + std::to_string(max_rows) + " rows");
            sheet.rows.push_back(row);
            sheet.lines.push_back(row_line);
        }
        row.clear();
        row_line = line + 1;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (in_quotes) {
            if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell.push_back('"');
                ++i;
            } else if (ch == '"') {
                in_quotes = false;
                after_quote = true;
            } else {
                if (ch == '\n') ++line;
                cell.push_back(ch);
            }
        } else if (ch == '"' && !after_quote && text::trim(cell).empty()) {
            in_quotes = was_quoted = true;
            cell.clear();
        } else if (ch == sep) {
            end_cell();
        } else if (ch == '\n') {
            end_cell();
            end_row();
            ++line;
        } else if (ch == '\r') {
            continue;
        } else if (after_quote) {
            if (ch != ' ' && ch != '\t')
                throw std::invalid_argument("row " + std::to_string(line) + ": text after the closing quote of a cell");
        } else {
            cell.push_back(ch);
        }
    }
    if (in_quotes) throw std::invalid_argument("row " + std::to_string(row_line) + ": a quoted cell is not closed");
    if (!cell.empty() || !row.empty() || was_quoted) {
        end_cell();
        end_row();
    }
    if (sheet.header.empty()) throw std::invalid_argument("the sheet is empty");
    return sheet;
}

}  // namespace vidjil::endpoints::sets
