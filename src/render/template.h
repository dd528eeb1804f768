// HTML rendering: every page is a mustache template (templates/*.html, compiled into the
// programs) and every value goes through mustache's HTML escaping, the one place where output
// is escaped. Values placed inside inline JavaScript go through js_string() first.
#pragma once
#include <json/json.h>
#include <kainjow/mustache.hpp>

#include <map>
#include <string>

namespace vidjil::render {

using Data = kainjow::mustache::data;
using List = kainjow::mustache::data;

const std::map<std::string, std::string>& templates();
// Renders templates/<name>.html; throws std::runtime_error for an unknown template. The
// templates/partials/*.html are available to it as {{> partials/<name>}}.
std::string render(const std::string& name, const Data& data);
// A JSON string literal safe inside an HTML attribute's JavaScript once HTML-escaped:
// quotes, backslashes, '<', '>', '&' and line separators are \u-escaped.
std::string js_string(const std::string& s);
// The same escaping as {{ }} in templates, for the few fragments built in code (tag links, the
// news poll's JSON): '&', '<', '>', '"', '\'' and friends as entities.
// The one HTML escaper: every {{ }} of render() and of render::Compiled goes through it.
std::string html_escape(const std::string& s);
// The same, appended to `out` (no string per value).
void html_escape_append(std::string& out, const std::string& s);
inline Data list() { return Data(Data::type::list); }
// The one adapter from a page's view-model (a Json::Value) to mustache data: object -> map,
// array -> list, string -> string, number -> its decimal text, true/false -> a mustache boolean
// (a section shows or not; {{x}} prints nothing), null -> false (empty and falsy, never looked
// up in an enclosing context).
Data from_json(const Json::Value& v);

}  // namespace vidjil::render
