// `vidjil-admin clonedb-export` (see clonedb.h).
#include "tools/clonedb.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "jobs/paths.h"
#include "model/migrator_rows.h"
#include "tools/backup.h"
#include "util/fs.h"
#include "util/text.h"
#include "vidjil/to_fasta.h"
#include "vidjil/vidjil_file.h"

namespace vidjil::tools {

int cmd_clonedb_export(db::Connection& db, const Config& cfg, int argc, char** argv, std::ostream& out) {
    if (argc < 4) return usage_error("usage: vidjil-admin clonedb-export GROUP_ID... OUT.fa");
    std::string dest = argv[argc - 1];
    std::vector<int64_t> groups;
    for (int i = 2; i < argc - 1; ++i) {
        std::string a = argv[i];
        if (a.empty() || a.size() > 18 || a.find_first_not_of("0123456789") != std::string::npos)
            throw std::runtime_error("not a group id: '" + a + "'");
        groups.push_back(std::stoll(a));
        if (!model::row_exists(db, "auth_group", groups.back())) throw std::runtime_error("no group with id " + a);
    }
    std::vector<model::ClonedbResult> results = model::clonedb_results(db, groups);

    std::string dir = fs::dirname(dest);
    std::string tmp = dir + "/." + fs::basename(dest) + ".tmp-" + text::random_hex(6);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) throw std::runtime_error("cannot write in " + dir + ": " + std::strerror(errno));
    size_t records = 0, used = 0, skipped = 0;
    try {
        auto put = [&](const std::string& s) {
            const char* p = s.data();
            size_t n = s.size();
            while (n) {
                ssize_t w = ::write(fd, p, n);
                if (w < 0 && errno == EINTR) continue;
                if (w < 0) throw std::runtime_error("cannot write " + dest + ": " + std::strerror(errno));
                p += w;
                n -= static_cast<size_t>(w);
            }
        };
        for (const auto& r : results) {
            auto path = jobs::stored_result_path(cfg, r.data_file);
            Json::Value v;
            try {
                if (!path) throw files::FormatError("not a stored file name");
                v = files::load_vidjil(*path);
            } catch (const files::FormatError& e) {
                std::cerr << "warning: results_file " << r.results_file_id << " skipped: " << e.what() << "\n";
                ++skipped;
                continue;
            }
            std::ostringstream meta, fa;
            meta << "sample_set=" << r.sample_set_id << " patient=" << r.patient_id << " sequence_file=" << r.sequence_file_id
                 << " results_file=" << r.results_file_id << " config_id=" << r.config_id;
            records += files::vidjil_to_fasta(v, meta.str(), fa);
            put(fa.str());
            ++used;
        }
        if (::fsync(fd) != 0) throw std::runtime_error("cannot write " + dest + ": " + std::strerror(errno));
        if (::close(fd) != 0) {
            fd = -1;
            throw std::runtime_error("cannot write " + dest + ": " + std::strerror(errno));
        }
        fd = -1;
        if (::rename(tmp.c_str(), dest.c_str()) != 0) throw std::runtime_error("cannot create " + dest + ": " + std::strerror(errno));
        fs::fsync_dir(dir);
    } catch (...) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    std::string gl;
    for (int64_t g : groups) gl += (gl.empty() ? "" : " ") + std::to_string(g);
    cli_audit(db, "admin_clonedb_export", "", std::nullopt, dest + " (groups " + gl + ", " + std::to_string(used) + " results)");
    out << dest << ": " << records << " clones from " << used << " results" << (skipped ? " (" + std::to_string(skipped) + " skipped)" : "")
        << "\n";
    return 0;
}

}  // namespace vidjil::tools
