// `vidjil-admin backup` / `restore` (see backup.h).
#include "tools/backup.h"

#include "db/change_counter.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "jobs/paths.h"
#include "model/backup_rows.h"
#include "model/dump_load.h"
#include "model/events.h"
#include "tools/import_dump.h"
#include "tools/tar.h"
#include "util/fs.h"
#include "util/text.h"

extern char** environ;

namespace vidjil::tools {

namespace {

const char* const kManifest = "MANIFEST.sha256";
const char* const kDump = "database.sql";

std::string tmp_dir(const Config& cfg) {
    std::string d = cfg.get("DIR_TMP", "");
    if (!d.empty()) {
        try {
            fs::mkdirs(d, 0750);
            if (::access(d.c_str(), W_OK) == 0) return d;
        } catch (...) {
        }
    }
    const char* t = std::getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

// A temporary file created with mkstemp (0600), removed by the destructor unless released.
struct TempFile {
    std::string path;
    int fd = -1;
    explicit TempFile(const std::string& dir, const std::string& prefix) {
        std::string tpl = dir + "/" + prefix + "XXXXXX";
        std::vector<char> buf(tpl.begin(), tpl.end());
        buf.push_back('\0');
        fd = ::mkstemp(buf.data());
        if (fd < 0) throw std::runtime_error("cannot create a temporary file in " + dir + ": " + std::strerror(errno));
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        path = buf.data();
    }
    ~TempFile() {
        if (fd >= 0) ::close(fd);
        if (!path.empty()) ::unlink(path.c_str());
    }
    void close_fd() {
        if (fd >= 0 && ::close(fd) != 0) {
            fd = -1;
            throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        }
        fd = -1;
    }
    void fsync_fd() {
        if (::fsync(fd) != 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    void release() { path.clear(); }
};

std::string option_value(const std::string& v, const char* what) {
    if (v.find_first_of("\n\r") != std::string::npos) throw std::runtime_error(std::string("the database ") + what + " has a line break");
    std::string o = "\"";
    for (char c : v) {
        if (c == '\\' || c == '"') o += '\\';
        o += c;
    }
    return o + "\"";
}

std::string utc_stamp(time_t t, const char* fmt) {
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[64];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    std::strftime(buf, sizeof buf, fmt, &tm);
#pragma GCC diagnostic pop
    return buf;
}

// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" / "YYYY-MM-DDTHH:MM[:SS]", UTC.
time_t parse_date(const std::string& s) {
    struct tm tm {};
    int y, mo, d, h = 0, mi = 0, sec = 0;
    char sep = 0;
    int n = std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &sec);
    bool ok = (n == 3 && s.size() == 10) || ((n == 6 || n == 7) && (sep == ' ' || sep == 'T'));
    if (!ok || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        throw std::runtime_error("--since wants a date YYYY-MM-DD (or 'YYYY-MM-DD HH:MM:SS', UTC), not '" + s + "'");
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return timegm(&tm);
}

struct FileEntry {
    std::string member;  // results/..., sequences/...
    std::string path;
    bool symlink = false;
    time_t mtime = 0;
};

// Regular files and symbolic links under `root` (sorted), skipping the directories in `skip`.
void walk(const std::string& root, const std::string& rel, const std::string& prefix, const std::set<std::string>& skip,
          time_t since, std::vector<FileEntry>& out) {
    std::string dir = rel.empty() ? root : root + "/" + rel;
    auto names = fs::list_dir(dir);
    if (!names) {
        if (errno == ENOENT && rel.empty()) return;
        throw std::runtime_error("cannot read the directory " + dir + ": " + std::strerror(errno));
    }
    for (const std::string& n : *names) {
        std::string r = rel.empty() ? n : rel + "/" + n;
        std::string full = root + "/" + r;
        if (skip.count(full)) continue;
        struct stat st {};
        if (::lstat(full.c_str(), &st) != 0) continue;  // removed meanwhile
        if (S_ISDIR(st.st_mode)) walk(root, r, prefix, skip, since, out);
        else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && st.st_mtime >= since)
            out.push_back({prefix + r, full, S_ISLNK(st.st_mode), st.st_mtime});
    }
}

bool dir_has_files(const std::string& root, const std::set<std::string>& skip, std::string& first) {
    std::vector<FileEntry> all;
    walk(root, "", "", skip, 0, all);
    if (all.empty()) return false;
    first = all.front().path;
    return true;
}

std::string read_link(const std::string& path) {
    std::vector<char> buf(4097);
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size() - 1);
    if (n < 0) throw std::runtime_error("cannot read the link " + path + ": " + std::strerror(errno));
    return std::string(buf.data(), static_cast<size_t>(n));
}

void check_status(int status, const std::string& what) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    if (WIFEXITED(status)) throw std::runtime_error(what + " failed (exit status " + std::to_string(WEXITSTATUS(status)) + ", see its message above)");
    throw std::runtime_error(what + " was killed by signal " + std::to_string(WTERMSIG(status)));
}

struct Manifest {
    std::map<std::string, std::string> sums;  // member -> sha256
    std::vector<std::string> schema;
    std::string kind;
};

Manifest parse_manifest(const std::string& text) {
    Manifest m;
    std::istringstream in(text);
    std::string line;
    bool header = false;
    while (std::getline(in, line)) {
        if (line.rfind("# vidjil-server backup", 0) == 0) header = true;
        else if (line.rfind("# schema: ", 0) == 0) m.schema.push_back(line.substr(10));
        else if (line.rfind("# kind: ", 0) == 0) m.kind = line.substr(8);
        else if (!line.empty() && line[0] != '#') {
            if (line.size() < 67 || line.compare(64, 2, "  ") != 0) throw std::runtime_error("the manifest has a malformed line");
            std::string sum = line.substr(0, 64), name = line.substr(66);
            if (sum.find_first_not_of("0123456789abcdef") != std::string::npos) throw std::runtime_error("the manifest has a malformed line");
            if (!m.sums.emplace(name, sum).second) throw std::runtime_error("the manifest names " + name + " twice");
        }
    }
    if (!header) throw std::runtime_error("MANIFEST.sha256 is not the manifest of a vidjil-server backup");
    return m;
}

// Refuses to write `target` (inside `root`) through a symbolic link: every directory between
// root and the target's parent that exists must be a real directory, so that an archive holding
// a link "results/x -> /etc" and then "results/x/passwd" cannot write outside the data dirs.
void check_real_dirs(const std::string& root, const std::string& target) {
    std::string rel = target.substr(root.size() + 1);
    std::string path = root;
    auto parts = text::split(rel, '/');
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        path += "/" + parts[i];
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) return;  // created below as a real directory
        if (!S_ISDIR(st.st_mode))
            throw std::runtime_error("refusing to write " + target + ": " + path + " is not a directory (a link?)");
    }
}

// Where a member is restored: DIR_RESULTS/<rest> or DIR_SEQUENCES/<rest>; "" for the dump.
std::string member_target(const Config& cfg, const std::string& name) {
    if (name == kDump) return "";
    if (name.rfind("results/", 0) == 0) return jobs::results_dir(cfg) + "/" + name.substr(8);
    if (name.rfind("sequences/", 0) == 0) return jobs::sequences_dir(cfg) + "/" + name.substr(10);
    throw std::runtime_error("unexpected member " + name + " (not a vidjil-server backup?)");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
DefaultsFile::DefaultsFile(const Config& cfg, const std::string& tmpdir) {
    db::ConnectOptions o = db::ConnectOptions::from_config(cfg);
    std::string text = "[client]\n";
    if (!o.user.empty()) text += "user=" + option_value(o.user, "user") + "\n";
    text += "password=" + option_value(o.password, "password") + "\n";
    if (!o.socket.empty()) text += "socket=" + option_value(o.socket, "socket") + "\n";
    if (!o.host.empty()) text += "host=" + option_value(o.host, "host") + "\n";
    if (o.port) text += "port=" + std::to_string(o.port) + "\n";
    TempFile f(tmpdir, ".vidjil-my-");
    const char* p = text.data();
    size_t n = text.size();
    while (n) {
        ssize_t w = ::write(f.fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw std::runtime_error("cannot write " + f.path);
        p += w;
        n -= static_cast<size_t>(w);
    }
    f.close_fd();
    path_ = f.path;
    f.release();
}

DefaultsFile::~DefaultsFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
}

int usage_error(const std::string& usage) {
    std::cerr << "vidjil-admin: " << usage << "\n";
    return 2;
}

void cli_audit(db::Connection& db, const std::string& action, const std::string& table, std::optional<int64_t> record,
               const std::string& detail) {
    struct passwd* pw = ::getpwuid(::getuid());
    std::string who = pw && pw->pw_name ? pw->pw_name : "uid " + std::to_string(::getuid());
    model::audit(db, std::nullopt, std::nullopt, "vidjil-admin", action, table, record, "by " + who + ": " + detail);
}

int run_program(const std::vector<std::string>& argv, int in_fd, int out_fd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (in_fd >= 0) posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error("waitpid failed");
    return status;
}

// ---------------------------------------------------------------------------------------------
int cmd_backup(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    bool full = false, gzip = false;
    std::string since_text, dir;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--full") full = true;
        else if (a == "--gzip") gzip = true;
        else if (a == "--since" && i + 1 < argc) since_text = argv[++i];
        else if (a.rfind("--since=", 0) == 0) since_text = a.substr(8);
        else if (!a.empty() && a[0] != '-' && dir.empty()) dir = a;
        else return usage_error("usage: vidjil-admin backup [--full] [--since DATE] [--gzip] DIR");
    }
    if (dir.empty()) return usage_error("usage: vidjil-admin backup [--full] [--since DATE] [--gzip] DIR");
    time_t since = since_text.empty() ? 0 : parse_date(since_text);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw std::runtime_error(dir + " is not a directory");

    // An archive inside the directories it backs up would contain its own temporary files.
    for (const std::string& data : {jobs::results_dir(cfg), jobs::sequences_dir(cfg)}) {
        char rd[PATH_MAX], rdata[PATH_MAX];
        if (::realpath(dir.c_str(), rd) && ::realpath(data.c_str(), rdata)) {
            std::string a = rd, b = rdata;
            if (a == b || (a.size() > b.size() && a.compare(0, b.size(), b) == 0 && a[b.size()] == '/'))
                throw std::runtime_error(dir + " is inside " + data + ": write backups outside the data directories");
        }
    }
    time_t now = std::time(nullptr);
    std::string kind = full ? "full" : "essential";
    std::string name = "vidjil-backup-" + utc_stamp(now, "%Y%m%dT%H%M%SZ") + (full ? "-full" : "");
    if (since) name += "-since-" + utc_stamp(since, "%Y%m%d");
    name += gzip ? ".tar.gz" : ".tar";
    std::string final_path = dir + "/" + name;
    if (::lstat(final_path.c_str(), &st) == 0) throw std::runtime_error(final_path + " already exists: not overwritten");

    // 1. The database, in one consistent snapshot, data only (restore loads it into a schema
    //    created by `vidjil-admin migrate`); vidjil_schema_version is described by the manifest.
    std::string tmp = tmp_dir(cfg);
    db::ConnectOptions o = db::ConnectOptions::from_config(cfg);
    std::vector<std::string> tables = model::database_tables(db);
    std::vector<std::string> schema = model::applied_migrations(db);
    if (schema.empty()) throw std::runtime_error("the database has no schema: nothing to back up");
    TempFile dump(dir, ".vidjil-backup-dump-");
    {
        DefaultsFile defaults(cfg, tmp);
        std::vector<std::string> args = {"mariadb-dump", "--defaults-extra-file=" + defaults.path(),
                                         "--single-transaction", "--no-create-info", "--complete-insert",
                                         "--replace", "--hex-blob", "--no-tablespaces", "--skip-triggers",
                                         "--default-character-set=utf8mb4",
                                         "--ignore-table=" + o.database + ".vidjil_schema_version", o.database};
        check_status(run_program(args, -1, dump.fd), "mariadb-dump");
    }
    // Row counts (taken after the dump: informational, for the person reading the manifest).
    std::ostringstream head;
    head << "# vidjil-server backup\n# format: 1\n# created: " << utc_stamp(now, "%Y-%m-%dT%H:%M:%SZ") << "\n# kind: "
         << kind << (since ? " since " + utc_stamp(since, "%Y-%m-%dT%H:%M:%SZ") : "") << "\n# database: " << o.database
         << "\n";
    for (const std::string& s : schema) head << "# schema: " << s << "\n";
    for (const std::string& t : tables)
        if (t != "vidjil_schema_version") head << "# rows: " << t << " " << model::count_rows(db, t) << "\n";

    // 2. The files.
    std::string results = jobs::results_dir(cfg), sequences = jobs::sequences_dir(cfg);
    std::set<std::string> skip = {jobs::work_root(cfg), results + "/cache", jobs::sequences_dir(cfg),
                                  cfg.get("DIR_TMP", "/var/lib/vidjil/tmp"), cfg.get("DIR_TRASH", "/var/lib/vidjil/trash")};
    std::vector<FileEntry> files;
    walk(results, "", "results/", skip, since, files);
    if (full) {
        std::set<std::string> skip_seq = {results, jobs::work_root(cfg), cfg.get("DIR_TMP", "/var/lib/vidjil/tmp"),
                                          cfg.get("DIR_TRASH", "/var/lib/vidjil/trash")};
        walk(sequences, "", "sequences/", skip_seq, since, files);
    }

    // 3. The archive, under a temporary name in DIR, then fsync and a rename that never overwrites.
    TempFile archive(dir, "." + name + ".tmp-");
    ::fchmod(archive.fd, 0600);
    std::string lines;
    uint64_t bytes = 0;
    size_t count = 0;
    {
        TarWriter tar(archive.fd, gzip);
        lines += tar.add_file(kDump, dump.path) + "  " + kDump + "\n";
        for (const FileEntry& f : files) {
            std::string sum;
            if (f.symlink) {
                sum = tar.add_symlink(f.member, read_link(f.path), f.mtime);
            } else {
                try {
                    sum = tar.add_file(f.member, f.path);
                } catch (const TarError& e) {
                    // A file removed since the walk (a result deleted meanwhile): an archive member
                    // may already be half-written, so the whole backup is refused.
                    throw std::runtime_error(std::string(e.what()) + ": backup abandoned, run it again");
                }
                ::lstat(f.path.c_str(), &st);
                bytes += static_cast<uint64_t>(st.st_size);
            }
            lines += sum + "  " + f.member + "\n";
            ++count;
        }
        head << "# files: " << count << "\n# bytes: " << bytes << "\n";
        tar.add_data(kManifest, head.str() + lines, now);
        tar.finish();
    }
    archive.fsync_fd();
    archive.close_fd();
    if (::link(archive.path.c_str(), final_path.c_str()) != 0) {
        if (errno == EEXIST) throw std::runtime_error(final_path + " already exists: not overwritten");
        // File systems without hard links: rename (the existence was checked above).
        if (::rename(archive.path.c_str(), final_path.c_str()) != 0)
            throw std::runtime_error("cannot create " + final_path + ": " + std::strerror(errno));
        archive.release();
    }
    fs::fsync_dir(dir);
    cli_audit(db, "admin_backup", "", std::nullopt, final_path + " (" + kind + ", " + std::to_string(count) + " files)");
    out << final_path << "\n" << "database dump, " << count << " files (" << bytes << " bytes), "
        << kind << (since ? " since " + since_text : "") << "\n";
    return 0;
}

// ---------------------------------------------------------------------------------------------
int cmd_restore(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    bool force = false;
    std::string file;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--force") force = true;
        else if (!a.empty() && a[0] != '-' && file.empty()) file = a;
        else return usage_error("usage: vidjil-admin restore [--force] FILE");
    }
    if (file.empty()) return usage_error("usage: vidjil-admin restore [--force] FILE");

    // 1. The target: a migrated database holding nothing, empty data directories.
    std::vector<std::string> schema = model::applied_migrations(db);
    if (schema.empty()) throw std::runtime_error("the database has no schema: run `vidjil-admin migrate` first");
    std::vector<std::string> filled;
    for (const std::string& t : model::database_tables(db))
        if (!filled_by_migrate(t) && model::table_has_rows(db, t)) filled.push_back(t);
    std::string results = jobs::results_dir(cfg), sequences = jobs::sequences_dir(cfg);
    std::set<std::string> skip = {jobs::work_root(cfg), results + "/cache", sequences};
    std::string first;
    if (!force) {
        if (!filled.empty())
            throw std::runtime_error("the database is not empty (" + filled.front() + (filled.size() > 1 ? ", ..." : "") +
                                     " hold rows): restore loads into a database created by `vidjil-admin migrate` "
                                     "only (no init-db); --force loads anyway, replacing rows with the same ids");
        if (dir_has_files(results, skip, first) || dir_has_files(sequences, {results}, first))
            throw std::runtime_error("the data directories are not empty (" + first +
                                     "): restore writes into empty DIR_RESULTS / DIR_SEQUENCES only; --force "
                                     "overwrites files with the same names");
    }

    // 2. Every member checked against the manifest before anything is written.
    std::map<std::string, std::string> seen;
    std::set<std::string> links;
    std::string manifest_text;
    {
        TarReader tar(file);
        TarMember m;
        while (tar.next(m)) {
            if (m.type == '5') continue;
            if (!safe_member_name(m.name)) throw std::runtime_error(file + ": unsafe member name in the archive");
            if (seen.count(m.name)) throw std::runtime_error(file + ": member " + m.name + " appears twice");
            for (size_t slash = m.name.find('/'); slash != std::string::npos; slash = m.name.find('/', slash + 1))
                if (links.count(m.name.substr(0, slash)))
                    throw std::runtime_error(file + ": member " + m.name + " is below the link " + m.name.substr(0, slash));
            if (m.type == '2') links.insert(m.name);
            Sha256 h;
            if (m.type == '2') {
                h.update(m.link.data(), m.link.size());
            } else if (m.name == kManifest) {
                if (m.size > (64u << 20)) throw std::runtime_error(file + ": the manifest is too large");
                tar.read_data([&](const char* p, size_t n) { manifest_text.append(p, n); });
            } else {
                member_target(cfg, m.name);
                tar.read_data([&](const char* p, size_t n) { h.update(p, n); });
            }
            seen[m.name] = m.name == kManifest ? "" : h.hex();
        }
    }
    if (!seen.count(kManifest)) throw std::runtime_error(file + ": no MANIFEST.sha256 (not a vidjil-server backup?)");
    Manifest man = parse_manifest(manifest_text);
    std::vector<std::string> bad;
    for (const auto& [name, sum] : seen) {
        if (name == kManifest) continue;
        auto it = man.sums.find(name);
        if (it == man.sums.end()) bad.push_back(name + " (not in the manifest)");
        else if (it->second != sum) bad.push_back(name + " (checksum differs)");
    }
    for (const auto& [name, sum] : man.sums)
        if (!seen.count(name)) bad.push_back(name + " (missing from the archive)");
    if (!bad.empty()) {
        std::string list;
        for (size_t i = 0; i < bad.size() && i < 5; ++i) list += (i ? ", " : "") + bad[i];
        throw std::runtime_error(file + " is damaged: " + list + (bad.size() > 5 ? ", ..." : "") + ". Nothing was restored.");
    }
    if (!seen.count(kDump)) throw std::runtime_error(file + ": no database dump in the archive");
    if (man.schema != schema)
        throw std::runtime_error("the backup was made with schema " + (man.schema.empty() ? "?" : man.schema.back()) +
                                 " and this database has " + schema.back() +
                                 ": restore with the vidjil-server version that made the backup, then migrate");
    if (man.kind.rfind("essential", 0) == 0 || man.kind.find("since") != std::string::npos)
        out << "note: this backup is '" << man.kind << "': it does not hold every uploaded sequence file\n";

    // 3. The files (temp + fsync + rename, each checked again while it is written), then the rows.
    std::string tmp = tmp_dir(cfg);
    TempFile dump(tmp, ".vidjil-restore-dump-");
    size_t restored = 0;
    {
        TarReader tar(file);
        TarMember m;
        while (tar.next(m)) {
            if (m.type == '5' || m.name == kManifest) continue;
            const std::string& expect = man.sums.at(m.name);
            std::string target = member_target(cfg, m.name);
            Sha256 h;
            if (target.empty()) {  // the dump
                tar.read_data([&](const char* p, size_t n) {
                    h.update(p, n);
                    while (n) {
                        ssize_t w = ::write(dump.fd, p, n);
                        if (w < 0 && errno == EINTR) continue;
                        if (w < 0) throw std::runtime_error("cannot write " + dump.path + ": " + std::strerror(errno));
                        p += w;
                        n -= static_cast<size_t>(w);
                    }
                });
                if (h.hex() != expect) throw std::runtime_error(file + " changed while it was restored");
                continue;
            }
            check_real_dirs(m.name.rfind("results/", 0) == 0 ? results : sequences, target);
            std::string parent = fs::dirname(target);
            fs::mkdirs(parent, 0750);
            if (m.type == '2') {
                h.update(m.link.data(), m.link.size());
                if (h.hex() != expect) throw std::runtime_error(file + " changed while it was restored");
                std::string t = parent + "/.restore-" + text::random_hex(8);
                if (::symlink(m.link.c_str(), t.c_str()) != 0 || ::rename(t.c_str(), target.c_str()) != 0) {
                    ::unlink(t.c_str());
                    throw std::runtime_error("cannot create " + target + ": " + std::strerror(errno));
                }
            } else {
                TempFile t(parent, ".restore-");
                ::fchmod(t.fd, static_cast<mode_t>(m.mode & 0664 ? m.mode & 0664 : 0640));
                tar.read_data([&](const char* p, size_t n) {
                    h.update(p, n);
                    while (n) {
                        ssize_t w = ::write(t.fd, p, n);
                        if (w < 0 && errno == EINTR) continue;
                        if (w < 0) throw std::runtime_error("cannot write " + target + ": " + std::strerror(errno));
                        p += w;
                        n -= static_cast<size_t>(w);
                    }
                });
                if (h.hex() != expect) throw std::runtime_error(file + " changed while it was restored");
                t.fsync_fd();
                t.close_fd();
                if (::rename(t.path.c_str(), target.c_str()) != 0)
                    throw std::runtime_error("cannot create " + target + ": " + std::strerror(errno));
                t.release();
                struct timespec times[2] = {{m.mtime, 0}, {m.mtime, 0}};
                ::utimensat(AT_FDCWD, target.c_str(), times, AT_SYMLINK_NOFOLLOW);
            }
            fs::fsync_dir(parent);
            ++restored;
        }
    }
    if (::lseek(dump.fd, 0, SEEK_SET) != 0) throw std::runtime_error("cannot read back " + dump.path);
    // The rows are loaded without the change-counter triggers (made again below): a trigger per
    // row would slow the load, and the dump's LOCK TABLES do not lock the counter's table.
    db::drop_change_triggers(db);
    {
        db::ConnectOptions o = db::ConnectOptions::from_config(cfg);
        DefaultsFile defaults(cfg, tmp);
        std::vector<std::string> args = {"mariadb", "--defaults-extra-file=" + defaults.path(),
                                         "--default-character-set=utf8mb4", "--binary-mode", o.database};
        check_status(run_program(args, dump.fd, -1),
                     "loading the database dump (the database may be partly loaded: drop it, migrate, and restore again)");
    }
    db.ensure();
    // The triggers are made again, and the counter (whose row the dump replaced with its value at
    // backup time) jumps, so that no running program keeps what it read before the restore under
    // a value seen again (db/change_counter.h).
    db::install_change_triggers(db, out);
    db::jump_change_counter(db);
    cli_audit(db, "admin_restore", "", std::nullopt, file + " (" + std::to_string(restored) + " files)");
    out << "restored " << restored << " files and the database from " << file << "\n";
    return 0;
}

}  // namespace vidjil::tools
