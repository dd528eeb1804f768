// Handlers of notification/*: the news page, the admin forms and the clients' poll.
//
// The poll (get_active_notifications) comes from every open client every 5 minutes and after
// each page, so its answer is cached per user in the database (model::news_cache_*): when
// nothing changed for the user, the poll costs one primary-key read after the session check.
// Every change here goes through model functions that invalidate that cache in the same
// transaction.
//
// Deliberate differences from the original (api.md §3.12, model.md §5):
//   * the message is stored as the Markdown the admin typed and made safe when rendered
//     (render::markdown_to_html), instead of being passed through a sanitiser at save time that
//     also mangled Markdown ('>' quotes) and kept some raw HTML;
//   * titles containing '<' or '>' are refused, and the poll answer's title and
//     message_content are HTML-escaped, because the client inserts them as HTML;
//   * the poll answer is cached per user and invalidated on every change (the original served
//     one user's answer to everybody for 60 s);
//   * opening the news page without an id inserts no meaningless read mark (val NULL);
//   * the priority may also be derived from a `success` field (see priority_of).
#include "endpoints/news.h"

#include "endpoints/news_json.h"
#include "model/notifications.h"
#include "render/markdown.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

using http::From;
using http::opt;
using http::Type;

namespace {

constexpr size_t kMaxTitle = 512;          // characters: the column is VARCHAR(512)
constexpr size_t kMaxMessage = 64 * 1024;  // bytes of Markdown

size_t code_points(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

Response redirect_to_news(int64_t id, const std::string& message) {
    Json::Value v(Json::objectValue);
    v["redirect"] = "notification/index";
    v["args"]["id"] = static_cast<Json::Int64>(id);
    v["args"]["redirected"] = true;
    v["message"] = message;
    return Response::json_text(v);
}

// The priority is explicit, or derived from a `success` field: "false" (something went wrong)
// is urgent, "true" is info.
std::string priority_of(const http::Params& p) {
    std::string priority = text::trim(p.get("priority"));
    if (!priority.empty() || !p.has("success")) return priority;
    std::string success = text::to_lower(text::trim(p.get("success")));
    if (success == "false") return "urgent";
    if (success == "true") return "info";
    return "invalid success value";
}

// Checks the form; returns the problems in the original's "title needed, ..." style.
std::string read_fields(const http::Params& p, model::NotificationFields& f, bool title_required) {
    std::vector<std::string> problems;
    f.title = text::trim(p.get("title"));
    f.message_content = p.get("message_content");
    f.message_type = text::trim(p.get("message_type"));
    f.priority = priority_of(p);
    f.expiration = text::trim(p.get("expiration"));
    if (f.title.empty() && title_required) problems.push_back("title needed");
    if (code_points(f.title) > kMaxTitle) problems.push_back("title too long (at most 512 characters)");
    if (f.title.find_first_of("<>") != std::string::npos) problems.push_back("title must not contain '<' or '>'");
    if (text::trim(f.message_content).empty()) problems.push_back("message needed");
    if (f.message_content.size() > kMaxMessage) problems.push_back("message too long (at most 64 KB)");
    if (f.message_type.empty()) problems.push_back("message type needed");
    else if (f.message_type != "header" && f.message_type != "login")
        problems.push_back("message type must be header or login");
    if (f.priority.empty()) problems.push_back("priority needed");
    else if (f.priority != "info" && f.priority != "urgent") problems.push_back("priority must be info or urgent");
    if (f.expiration.empty()) problems.push_back("expiration needed");
    else if (!text::is_date(f.expiration)) problems.push_back("expiration must be a date written YYYY-MM-DD");
    std::string m;
    for (const auto& s : problems) m += (m.empty() ? "" : ", ") + s;
    return m;
}

std::string date_part(const std::optional<std::string>& datetime) {
    return datetime ? datetime->substr(0, 10) : "";
}

Json::Value news_row(const model::Notification& n, const std::string& today) {
    Json::Value d(Json::objectValue);
    d["id"] = std::to_string(n.id);
    d["title"] = n.title;
    d["creation_date"] = date_part(n.creation_datetime);
    d["message_type"] = n.message_type;
    d["priority"] = n.priority;
    d["expiration"] = n.expiration.value_or("");
    d["expired"] = n.expiration && *n.expiration < today;
    return d;
}

std::string today_local() {
    char buf[16];
    time_t now = time(nullptr);
    struct tm tmv;
    localtime_r(&now, &tmv);
    strftime(buf, sizeof buf, "%Y-%m-%d", &tmv);
    return buf;
}

Json::Value form_data(const std::string& heading, const std::string& action, const model::Notification& n) {
    Json::Value d(Json::objectValue);
    d["heading"] = heading;
    d["action"] = action;
    d["id"] = n.id ? std::to_string(n.id) : "";
    d["title"] = n.title;
    d["message_content"] = n.message_content;
    d["type_header"] = n.message_type != "login";
    d["type_login"] = n.message_type == "login";
    d["priority_info"] = n.priority != "urgent";
    d["priority_urgent"] = n.priority == "urgent";
    d["expiration"] = n.expiration.value_or("");
    return d;
}

}  // namespace

std::vector<http::ParamSpec> notification_form_params() {
    return {opt("id", Type::Id),
            opt("title", Type::Text, From::Any, kMaxTitle * 4),
            opt("message_content", Type::Text, From::Any, kMaxMessage + 1),
            opt("message_type", Type::Text, From::Any, 64),
            opt("priority", Type::Text, From::Any, 64),
            opt("success", Type::Text, From::Any, 16),
            opt("expiration", Type::Text, From::Any, 64)};
}

Response notification_index(Context& c) {
    std::string today = today_local();
    Json::Value d(Json::objectValue);
    d["admin"] = c.perm().is_admin();  // display: the edit icons
    if (auto id = c.params.get_int("id")) {
        if (auto n = model::notification_by_id(c.db, *id)) {
            // Opening a news marks it read, except right after an admin saved it (`redirected`).
            if (!c.params.has("redirected")) model::mark_notification_read(c.db, c.user_id(), *id);
            Json::Value sel = news_row(*n, today);
            sel["priority_class"] = n->priority == "urgent" ? "urgent_message" : "info_message";
            sel["message_html"] = render::markdown_to_html(n->message_content);
            d["selected"] = sel;
        } else {
            d["not_found"] = true;
        }
    }
    Json::Value rows(Json::arrayValue);
    for (const auto& n : model::all_notifications(c.db)) rows.append(news_row(n, today));
    d["message"] = "news";
    d["query"] = rows;
    return c.page("notification/index", d);
}

Response notification_add(Context& c) {
    model::Notification blank;
    blank.message_type = "header";
    blank.priority = "info";
    return c.page("notification/form", form_data("Add news", "add_form", blank));
}

Response notification_edit(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto n = model::notification_by_id(c.db, id);
    if (!n) return Response::error("notification " + std::to_string(id) + " does not exist");
    return c.page("notification/form", form_data("Edit news", "edit_form", *n));
}

Response notification_add_form(Context& c) {
    model::NotificationFields f;
    if (std::string problems = read_fields(c.params, f, true); !problems.empty()) return Response::error(problems);
    int64_t id = model::insert_notification(c.db, c.user_id(), f);
    c.audit("notification_add", "notification", id, f.title);
    log::info("notification " + std::to_string(id) + " added by user " + std::to_string(c.user_id()));
    return redirect_to_news(id, "notification added");
}

Response notification_edit_form(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    auto old = id > 0 ? model::notification_by_id(c.db, id) : std::nullopt;
    if (!old) return Response::error("notification " + std::to_string(id) + " does not exist");
    model::NotificationFields f;
    if (std::string problems = read_fields(c.params, f, false); !problems.empty()) return Response::error(problems);
    if (f.title.empty()) f.title = old->title;  // the title is optional when editing
    if (!model::update_notification(c.db, id, f))
        return Response::error("notification " + std::to_string(id) + " does not exist");
    c.audit("notification_edit", "notification", id, f.title);
    log::info("notification " + std::to_string(id) + " edited by user " + std::to_string(c.user_id()));
    return redirect_to_news(id, "notification updated");
}

Response notification_delete(Context& c) {
    int64_t id = c.params.get_int("id", 0);
    if (!model::delete_notification(c.db, id))
        return Response::error("notification " + std::to_string(id) + " does not exist");
    c.audit("notification_delete", "notification", id);
    log::info("notification " + std::to_string(id) + " deleted by user " + std::to_string(c.user_id()));
    Json::Value v(Json::objectValue);
    v["redirect"] = "notification/index";
    v["success"] = "true";
    v["message"] = "notification " + std::to_string(id) + " deleted";
    return Response::json_text(v);
}

namespace {
// The poll's answer per user in a persistent process, with the cache state it was stored under
// (the version of the news, the user's generation of read marks) and its end of validity: the
// session statement reads the current state, so a match needs no other statement.
struct PollAnswer {
    int64_t version;
    std::optional<int64_t> gen;
    int64_t valid_until;
    std::string answer;
};
std::map<int64_t, PollAnswer> poll_answers;
constexpr size_t kMaxPollAnswers = 4096;
}  // namespace

Response notification_get_active(Context& c) {
    const bool keep = c.change && c.session->news_version;  // persistent process
    if (keep) {
        auto it = poll_answers.find(c.user_id());
        if (it != poll_answers.end() && it->second.version == *c.session->news_version &&
            it->second.gen == c.session->news_gen && it->second.valid_until > c.now)
            return Response::html(it->second.answer);
    }
    model::NewsCacheState cached = model::news_cache_lookup(c.db, c.user_id());
    if (!cached.answer) {
        model::ActiveNotifications active = model::active_unread_notifications(c.db, c.user_id());
        cached.answer = active_notifications_json(active.rows);
        model::news_cache_store(c.db, c.user_id(), cached, active.valid_until, *cached.answer);
        // Kept here only until the next poll re-reads the stored row (its validity is there).
        if (keep) poll_answers.erase(c.user_id());
        return Response::html(*cached.answer);
    }
    if (keep) {
        if (poll_answers.size() >= kMaxPollAnswers) poll_answers.clear();
        poll_answers[c.user_id()] = PollAnswer{cached.version, cached.gen, cached.valid_until, *cached.answer};
    }
    return Response::html(*cached.answer);
}

}  // namespace vidjil::endpoints
