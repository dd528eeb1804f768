// Handlers of the sample-set, sequence-file and tag routes (api.md §3.3, §3.4, §3.14), and the
// helpers they share: names as the user may see them (anonymisation, model.md §2.6), set
// tokens, tag links, user_log lines, and moving deleted files to the trash.
#pragma once
#include <json/json.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/app.h"
#include "model/sample_sets.h"
#include "model/sequence_files.h"
#include "render/compiled.h"

namespace vidjil::endpoints {

using app::Context;
using http::Response;

// sample_set/* (sets_list.cpp, sets_index.cpp, sets_form.cpp, sets_batch.cpp, sets_admin.cpp)
Response sample_set_all(Context& c);
Response sample_set_by_id(Context& c);
Response sample_set_auto_complete(Context& c);
Response sample_set_index(Context& c);
Response sample_set_form(Context& c);
Response sample_set_submit(Context& c);
Response sample_set_batch(Context& c);
Response sample_set_batch_submit(Context& c);
Response sample_set_confirm(Context& c);
Response sample_set_delete(Context& c);
Response sample_set_permission(Context& c);
Response sample_set_change_permission(Context& c);
Response sample_set_download_sequence_file(Context& c);

// file/* (files_form.cpp, files_upload.cpp, files_manage.cpp)
Response file_form(Context& c);
Response file_submit(Context& c);
Response file_upload(Context& c);
Response file_confirm(Context& c);
Response file_delete(Context& c);
Response file_filesystem(Context& c);

// tag/* (tags.cpp)
Response tag_auto_complete(Context& c);

// For default/download (owned by the analyses area): when `stored_name` is a sequence file,
// the answer (the file after a permission check, or "not found"); nullopt when it is not a
// sequence file name, so that the caller looks for a results file.
std::optional<Response> download_sequence_file(Context& c, const std::string& stored_name);

// --- shared helpers (sets_common.cpp), in their own namespace: other areas have theirs -----
namespace sets {

// {"message":"access denied"}: the exact object the api tests for. Also the answer for ids
// that do not exist, so that ids cannot be probed.
Response access_denied();
// "1.2 GB" style sizes, as the lists show them.
std::string format_size(int64_t bytes);
// The name shown for a set: patients as "LAST First" with `anon`, else the first three
// letters of the last name (model.md §2.6); runs and generic sets by name.
std::string display_name(const model::SampleSet& s, bool anon);
// The set's id string ":p Doe John (2001-01-01) (12)" (birth only with `anon`).
std::string set_token(const model::SampleSet& s, bool anon);
// The set id in the last parentheses of a token (":p+(25)" -> 25).
std::optional<int64_t> token_set_id(const std::string& token);
// Info text with its #tags, for the client's tag links (api.md §4.4): {"title": info, "parts":
// [{"text": "..."} | {"tag": "#word", "target", "sample_type"}]}, rendered as `info_tags` by
// {{> partials/tag_links}} (templates/partials/tag_links.html).
Json::Value tag_parts(const std::string& info, const std::string& target, const std::string& sample_type);
// tag_parts' split of an info text: its text runs and #tags in order (a '#' alone is text).
void split_tags(const std::string& info, const std::function<void(const std::string& part, bool tag)>& out);
// The slots of tag_parts' keys in a compiled template that renders `info_tags`.
struct TagSlots {
    explicit TagSlots(const render::Compiled& t);
    int title, parts, text, tag, target, sample_type;
};
// Compiled::from_json(tag_parts(info, target, sample_type)), built directly: no Json object per
// part (sample_set/index, a row per file: 5000 rows).
render::Compiled::Value tag_parts_value(const render::Compiled& t, const TagSlots& k, const std::string& info,
                                        const std::string& target, const std::string& sample_type);
// The user may see the real names of this patient set.
bool can_see_names(Context& c, int64_t sample_set_id);
// A user_log line in the original's format, plus the audit trail entry.
void log_change(Context& c, const std::string& action, const std::string& table, int64_t id, const std::string& msg);
// A query for sets of `type` the user may `action` (read, admin...) through their groups.
model::SetListQuery visible_sets(Context& c, const std::string& type, const std::string& action);
// After the rows are committed: moves the removed files to DIR_TRASH (or leaves them when
// no trash is configured), never a file another row still points to.
void dispose_files(Context& c, const model::FileRemoval& removed);
// Directory of stored sequence files, created if needed.
std::string sequences_dir(const Context& c);

}  // namespace sets
}  // namespace vidjil::endpoints
