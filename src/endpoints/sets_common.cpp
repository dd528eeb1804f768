// Helpers shared by the sample-set, file and tag handlers (see sets.h).
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "endpoints/sets.h"
#include "model/events.h"
#include "model/upload_names.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints::sets {

Response access_denied() {
    Json::Value v(Json::objectValue);
    v["message"] = "access denied";
    return Response::json_text(v);
}


std::string format_size(int64_t bytes) {
    static const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

// The first n characters (not bytes) of a UTF-8 string.
static std::string utf8_prefix(const std::string& s, size_t n) {
    size_t i = 0, chars = 0;
    while (i < s.size() && chars < n) {
        ++i;
        while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
        ++chars;
    }
    return s.substr(0, i);
}

std::string display_name(const model::SampleSet& s, bool anon) {
    if (s.type != "patient") return s.name;
    if (anon) return text::trim(s.last_name + " " + s.first_name);
    return utf8_prefix(s.last_name, 3);
}

std::string set_token(const model::SampleSet& s, bool anon) {
    std::string t;
    if (s.type == "patient") {
        t = ":p " + display_name(s, anon);
        if (anon && !s.birth.empty()) t += " (" + s.birth + ")";
    } else if (s.type == "run") {
        t = ":r " + s.name;
        if (!s.run_date.empty()) t += " (" + s.run_date + ")";
    } else {
        t = ":s " + s.name;
    }
    return t + " (" + std::to_string(s.id) + ")";
}

std::optional<int64_t> token_set_id(const std::string& token) {
    size_t close = token.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    size_t open = token.rfind('(', close);
    if (open == std::string::npos) return std::nullopt;
    std::string inner = text::trim(token.substr(open + 1, close - open - 1));
    if (inner.empty() || inner.size() > 10 || inner.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    auto n = text::parse_int(inner);
    if (!n || *n <= 0) return std::nullopt;
    return n;
}

static bool tag_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c >= 0x80;
}

void split_tags(const std::string& info, const std::function<void(const std::string& part, bool tag)>& out) {
    size_t i = 0;
    while (i < info.size()) {
        size_t hash = info.find('#', i);
        if (hash == std::string::npos) hash = info.size();
        if (hash > i) out(info.substr(i, hash - i), false);
        if (hash >= info.size()) break;
        size_t j = hash + 1;
        while (j < info.size() && tag_char(static_cast<unsigned char>(info[j]))) ++j;
        if (j == hash + 1) out("#", false);
        else out(info.substr(hash, j - hash), true);
        i = j;
    }
}

Json::Value tag_parts(const std::string& info, const std::string& target, const std::string& sample_type) {
    Json::Value parts(Json::arrayValue);
    // Every part has both keys, so that a template never picks `text` or `tag` up from a row.
    split_tags(info, [&](const std::string& t, bool tag) {
        Json::Value p(Json::objectValue);
        if (tag) {
            p["text"] = "";
            p["tag"] = t;
            p["target"] = target;
            p["sample_type"] = sample_type;
        } else {
            p["text"] = t;
            p["tag"] = false;
        }
        parts.append(p);
    });
    Json::Value v(Json::objectValue);
    v["title"] = info;
    v["parts"] = parts;
    return v;
}

TagSlots::TagSlots(const render::Compiled& t)
    : title(t.slot("title")), parts(t.slot("parts")), text(t.slot("text")), tag(t.slot("tag")),
      target(t.slot("target")), sample_type(t.slot("sample_type")) {}

render::Compiled::Value tag_parts_value(const render::Compiled& t, const TagSlots& k, const std::string& info,
                                        const std::string& target, const std::string& sample_type) {
    render::Compiled::Value v;
    v.kind = render::Compiled::Value::Obj;
    v.items.push_back(t.object());
    render::Compiled::Object& o = v.items.back();
    o[k.title].set(info);
    render::Compiled::Value& parts = o[k.parts];
    parts.kind = render::Compiled::Value::List;
    split_tags(info, [&](const std::string& p, bool tag) {
        render::Compiled::Object part = t.object();
        if (tag) {
            part[k.text].set(std::string());
            part[k.tag].set(p);
            part[k.target].set(target);
            part[k.sample_type].set(sample_type);
        } else {
            part[k.text].set(p);
            part[k.tag].set(false);
        }
        parts.items.push_back(std::move(part));
    });
    return v;
}

bool can_see_names(Context& c, int64_t sample_set_id) { return c.perm().can_view_info(sample_set_id); }

void log_change(Context& c, const std::string& action, const std::string& table, int64_t id, const std::string& msg) {
    // The original's user_log line: client IP padded to 30 characters, <user> (or
    // <impersonator!user>), then the message.
    std::string ip = c.client_ip();
    if (ip.size() < 30) ip.append(30 - ip.size(), ' ');
    std::string who = std::to_string(c.user_id());
    if (c.impersonator()) who = std::to_string(*c.impersonator()) + "!" + who;
    model::user_log(c.db, c.user_id(), ip + " <" + who + "> " + msg, table, id);
    c.audit(action, table, id, msg);
}

model::SetListQuery visible_sets(Context& c, const std::string& type, const std::string& action) {
    model::SetListQuery q;
    q.type = type;
    auto& perm = c.perm();
    // Admins, and groups holding the capability with `access` on the whole table, see every set
    // (model.md §2.4 step 1).
    q.see_all = perm.is_admin() ||
                (perm.has_permission(action, "sample_set", 0) && perm.has_permission("access", "sample_set", 0));
    if (!q.see_all) {
        q.read_groups = perm.perm_groups(action);
        // §2.4 step 3 (the public group's `read` rows), for members of the public group only:
        // an account kept out of it on purpose (the metrics account) sees no set at all.
        if (auto pub = perm.public_group(); action == "read" && pub && perm.groups().count(*pub)) q.public_group = pub;
    }
    q.anon_groups = perm.perm_groups("anon");
    return q;
}

std::string sequences_dir(const Context& c) {
    std::string d = c.cfg.get("DIR_SEQUENCES", "/var/lib/vidjil/uploads");
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    return d;
}

static std::string results_dir(const Context& c) {
    std::string d = c.cfg.get("DIR_RESULTS", "/var/lib/vidjil/results");
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    return d;
}

static void to_trash(const std::string& dir, const std::string& name, const std::string& trash) {
    std::string from = dir + "/" + name;
    struct stat st;
    if (::lstat(from.c_str(), &st) != 0) return;  // already gone
    std::string to = trash + "/" + name;
    if (::lstat(to.c_str(), &st) == 0) to += "." + text::random_hex(4);
    if (::rename(from.c_str(), to.c_str()) != 0) {
        // Another file system: the file stays where it is rather than being half copied.
        log::warn("could not move " + from + " to the trash: " + std::strerror(errno));
        return;
    }
    log::info("moved " + from + " to " + to);
}

void dispose_files(Context& c, const model::FileRemoval& removed) {
    std::string trash = c.cfg.get("DIR_TRASH", "");
    auto each = [&](const std::vector<std::string>& names, const std::string& dir) {
        for (const auto& name : names) {
            if (!model::is_safe_stored_name(name) || model::stored_name_in_use(c.db, name)) continue;
            if (trash.empty()) {
                log::info("kept " + dir + "/" + name + " (no DIR_TRASH configured)");
                continue;
            }
            to_trash(dir, name, trash);
        }
    };
    try {
        if (!trash.empty()) fs::mkdirs(trash);
        each(removed.sequences, sequences_dir(c));
        each(removed.links, sequences_dir(c));
        each(removed.results, results_dir(c));
    } catch (const std::exception& e) {
        // The rows are gone already; a file left in place is only disk space, never lost data.
        log::warn(std::string("trash: ") + e.what());
    }
}

}  // namespace vidjil::endpoints::sets
