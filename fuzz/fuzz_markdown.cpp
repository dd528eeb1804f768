// libFuzzer harness for the Markdown sanitiser of the news. Oracles: the HTML never contains a
// raw tag from the source (no "<script", "<iframe", " on...=" attribute, "javascript:"
// target), and it is valid UTF-8.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

#include "fuzz/harnesses.h"
#include "render/markdown.h"
#include "util/text.h"

using namespace vidjil;

int vidjil::fuzz::markdown(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    std::string html = render::markdown_to_html(input);
    if (!text::valid_utf8(html)) __builtin_trap();
    std::string lower = text::to_lower(html);
    for (const char* bad : {"<script", "<iframe", "<object", "<embed", "<style", "<img src=\"javascript:",
                            "href=\"javascript:", "href=\"vbscript:", "href=\"data:", "src=\"data:"})
        if (lower.find(bad) != std::string::npos) __builtin_trap();
    // Every attribute of every tag is one cmark writes itself (no onerror=, style=...).
    for (size_t i = 0; i < lower.size(); ++i) {
        if (lower[i] != '<' || i + 1 >= lower.size() || !std::isalpha(static_cast<unsigned char>(lower[i + 1]))) continue;
        size_t j = i + 1;
        while (j < lower.size() && std::isalnum(static_cast<unsigned char>(lower[j]))) ++j;
        for (;;) {
            while (j < lower.size() && (lower[j] == ' ' || lower[j] == '\n')) ++j;
            if (j >= lower.size() || lower[j] == '>' || lower[j] == '/') break;
            size_t a = j;
            while (j < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[j])) || lower[j] == '-')) ++j;
            std::string attr = lower.substr(a, j - a);
            static const char* ok[] = {"href", "src", "title", "alt", "align", "class", "id", "checked",
                                       "disabled", "type", "start", "lang"};
            bool allowed = std::find(std::begin(ok), std::end(ok), attr) != std::end(ok) ||
                           attr.rfind("data-", 0) == 0 || attr.rfind("aria-", 0) == 0;
            if (!allowed) __builtin_trap();
            if (j < lower.size() && lower[j] == '=') {
                ++j;
                if (j >= lower.size() || lower[j] != '"') __builtin_trap();
                size_t close = lower.find('"', j + 1);
                if (close == std::string::npos) __builtin_trap();
                j = close + 1;
            }
        }
        i = j;
    }
    render::safe_link_target(input.substr(0, 256));
    return 0;
}

VIDJIL_FUZZ_ENTRY(markdown)
