// Safe Markdown rendering with libcmark-gfm (see markdown.h).
//
// Safety does not rest on one mechanism: cmark's safe mode (CMARK_OPT_SAFE) already omits raw
// HTML and empties javascript:/vbscript:/file: and most data: URLs, but it keeps data:image/...
// URLs and silently drops what an administrator typed. So before rendering, every raw HTML node
// becomes plain text (visible, escaped) and every link or image URL outside an allow-list is
// emptied; safe mode stays on underneath.
#include "render/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "util/text.h"

namespace vidjil::render {

bool safe_link_target(const std::string& url) {
    // Browsers ignore blanks and control characters inside a scheme ("java\tscript:").
    std::string u;
    for (char c : url)
        if (static_cast<unsigned char>(c) > 0x20) u.push_back(c);
    size_t colon = u.find(':');
    if (colon == std::string::npos) return true;
    size_t first_other = u.find_first_of("/?#");
    if (first_other != std::string::npos && first_other < colon) return true;  // relative ("a/b:c")
    std::string scheme = text::to_lower(u.substr(0, colon));
    return scheme == "http" || scheme == "https" || scheme == "mailto";
}

namespace {

struct ParserDeleter {
    void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
    void operator()(cmark_node* n) const { cmark_node_free(n); }
};

constexpr int kOptions = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8;

void attach(cmark_parser* parser, const char* name) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
        cmark_parser_attach_syntax_extension(parser, ext);
}

// Raw HTML becomes what the author typed, shown as text (block HTML as a code block).
void neutralise_html(cmark_node* node) {
    bool block = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK;
    cmark_node* text = cmark_node_new(block ? CMARK_NODE_CODE_BLOCK : CMARK_NODE_TEXT);
    const char* literal = cmark_node_get_literal(node);
    cmark_node_set_literal(text, literal ? literal : "");
    cmark_node_replace(node, text);
    cmark_node_free(node);
}

void sanitise_tree(cmark_node* document) {
    std::vector<cmark_node*> raw_html;
    cmark_iter* iter = cmark_iter_new(document);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node* node = cmark_iter_get_node(iter);
        cmark_node_type type = cmark_node_get_type(node);
        if (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE) {
            raw_html.push_back(node);
        } else if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
            const char* url = cmark_node_get_url(node);
            if (url && !safe_link_target(url)) cmark_node_set_url(node, "");
        }
    }
    cmark_iter_free(iter);
    // Replaced after the walk: the iterator must not see nodes disappear under it.
    for (cmark_node* node : raw_html) neutralise_html(node);
}

}  // namespace

std::string markdown_to_html(const std::string& markdown) {
    cmark_gfm_core_extensions_ensure_registered();
    std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(kOptions));
    for (const char* name : {"table", "strikethrough", "autolink"}) attach(parser.get(), name);
    cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
    std::unique_ptr<cmark_node, NodeDeleter> document(cmark_parser_finish(parser.get()));
    sanitise_tree(document.get());
    char* html = cmark_render_html(document.get(), kOptions, cmark_parser_get_syntax_extensions(parser.get()));
    std::string out = html ? html : "";
    cmark_get_default_mem_allocator()->free(html);
    return out;
}

}  // namespace vidjil::render
