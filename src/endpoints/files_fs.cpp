// Content checks of stored files and the mounted filesystem (see files.h).
#include <limits.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "endpoints/files.h"
#include "model/upload_names.h"
#include "util/fs.h"
#include "util/text.h"
#include "vidjil/vidjil_file.h"

namespace vidjil::endpoints::sets {

namespace {

enum class Family { Sequences, Airr, Vidjil, Unknown };

Family family_of_extension(const std::string& ext) {
    if (ext == "fa" || ext == "fasta" || ext == "fna" || ext == "fas" || ext == "fq" || ext == "fastq") return Family::Sequences;
    if (ext == "tsv" || ext == "airr") return Family::Airr;
    if (ext == "vidjil" || ext == "json") return Family::Vidjil;
    return Family::Unknown;
}

Family family_of_kind(files::Kind k) {
    switch (k) {
        case files::Kind::Fasta:
        case files::Kind::Fastq:
            return Family::Sequences;
        case files::Kind::AirrTsv:
            return Family::Airr;
        case files::Kind::Vidjil:
            return Family::Vidjil;
        default:
            return Family::Unknown;
    }
}

std::string real_path(const std::string& p) {
    char buf[PATH_MAX];
    if (!::realpath(p.c_str(), buf)) return "";
    return buf;
}

}  // namespace

std::string content_problem(const std::string& filename, const std::string& head, bool& gzipped) {
    gzipped = head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b;
    if (head.empty()) return "the file is empty";
    std::string name = text::to_lower(filename);
    bool named_gz = text::ends_with(name, ".gz");
    if (named_gz) name = name.substr(0, name.size() - 3);
    if (named_gz && !gzipped) return "the file is named .gz but is not gzip-compressed";
    files::Kind kind;
    try {
        kind = files::sniff(head);
    } catch (const std::exception&) {
        return "the file is not a valid gzip file";
    }
    if (kind == files::Kind::Unknown)
        return "the file is neither FASTA (starting with '>'), FASTQ ('@'), AIRR TSV nor a .vidjil result";
    size_t dot = name.rfind('.');
    std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
    Family named = family_of_extension(ext);
    if (named != Family::Unknown && named != family_of_kind(kind))
        return "the file is named ." + ext + " but its content is " + files::kind_name(kind);
    return "";
}

std::string clean_upload_name(const std::string& name, std::string& problem) {
    if (name.empty()) {
        problem = "the file has no name";
        return "";
    }
    if (!text::valid_utf8(name) || text::has_control_chars(name) || name.find_first_of("\r\n\t") != std::string::npos) {
        problem = "the file name contains control characters";
        return "";
    }
    std::string n = text::replace_all(name, "\\", "/");
    for (const auto& part : text::split(n, '/'))
        if (part == "..") {
            problem = "the file name must not contain a path ('..')";
            return "";
        }
    std::string base = fs::basename(n);
    if (base.empty() || base == "." || base == "..") {
        problem = "the file has no name";
        return "";
    }
    if (base.size() > 255) {
        problem = "Your filename is too long, please shorten it.";
        return "";
    }
    return base;
}

bool file_source_enabled(const Config& cfg) { return !cfg.get("FILE_SOURCE").empty() && !cfg.get_list("FILE_TYPES").empty(); }

bool allowed_source_type(const Config& cfg, const std::string& name) {
    for (const auto& t : cfg.get_list("FILE_TYPES"))
        if (text::ends_with(name, "." + t)) return true;
    return false;
}

std::optional<std::string> resolve_source(const Config& cfg, const std::string& node, std::string& problem) {
    if (!file_source_enabled(cfg)) {
        problem = "the mounted filesystem is not configured on this server";
        return std::nullopt;
    }
    std::string root = real_path(cfg.get("FILE_SOURCE"));
    if (root.empty()) {
        problem = "the mounted filesystem is not available";
        return std::nullopt;
    }
    if (!text::valid_utf8(node) || text::has_control_chars(node) || node.find_first_of("\r\n\t") != std::string::npos) {
        problem = "invalid path";
        return std::nullopt;
    }
    for (const auto& part : text::split(node, '/'))
        if (part == "..") {
            problem = "invalid path: '..' is not allowed";
            return std::nullopt;
        }
    std::string path = real_path(root + "/" + node);
    if (path.empty()) {
        problem = "no such file or directory: " + node;
        return std::nullopt;
    }
    // Symbolic links are followed by realpath: the end point must still be under the root.
    if (path != root && !text::starts_with(path, root == "/" ? "/" : root + "/")) {
        problem = "no such file or directory: " + node;
        return std::nullopt;
    }
    return path;
}

std::string link_source_file(const Context& c, const std::string& path) {
    std::string base = fs::basename(path);
    size_t dot = base.rfind('.');
    std::string stem = dot == std::string::npos ? base : base.substr(0, dot);
    std::string ext = dot == std::string::npos ? "" : base.substr(dot + 1);
    bool word = !ext.empty() && ext.size() <= 5;
    for (char ch : ext) word = word && std::isalnum(static_cast<unsigned char>(ch));
    if (!word) ext = "txt";  // never copy an arbitrary extension (it ends up in command lines)
    std::string name = "sequence_file.data_file." + text::random_hex(8) + ".";
    // Within NAME_MAX: a long name keeps its beginning, cut at a UTF-8 character boundary.
    size_t keep = std::min(stem.size(), (model::kNameMax - name.size() - ext.size() - 1) / 2);
    while (keep > 0 && keep < stem.size() && (static_cast<unsigned char>(stem[keep]) & 0xC0) == 0x80) --keep;
    std::string hex = text::hex(reinterpret_cast<const unsigned char*>(stem.data()), keep);
    name += hex + "." + ext;
    std::string dir = sequences_dir(c);
    fs::mkdirs(dir);
    if (::symlink(path.c_str(), (dir + "/" + name).c_str()) != 0)
        throw std::runtime_error("cannot link " + path + " into " + dir + ": " + std::strerror(errno));
    fs::fsync_dir(dir);
    return name;
}

}  // namespace vidjil::endpoints::sets
