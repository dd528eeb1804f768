// Markdown to HTML for the news (notification messages), with libcmark-gfm in safe mode.
#pragma once
#include <string>

namespace vidjil::render {

// Renders GitHub-flavoured Markdown (tables, strikethrough, autolinks) to an HTML fragment that
// is safe to insert into a page: raw HTML in the source is shown as text, never interpreted, and
// link or image targets other than http:, https:, mailto: or relative ones are emptied
// (javascript:, vbscript:, data:, file:...). Invalid UTF-8 is replaced.
std::string markdown_to_html(const std::string& markdown);

// True for a link target markdown_to_html keeps (exposed for the tests).
bool safe_link_target(const std::string& url);

}  // namespace vidjil::render
