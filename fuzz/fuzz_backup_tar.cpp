// libFuzzer harness for the tar reader of `vidjil-admin restore` (a backup file may come from
// anywhere: another host, a damaged disk). Oracle: the members read (regular files and symbolic
// links) written again by TarWriter read back identically; the reader never reads past what the
// archive holds and throws only TarError.
#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fuzz/harnesses.h"
#include "tools/tar.h"

using namespace vidjil;

namespace {
struct Got {
    std::string name, link, data;
    char type;
};

std::vector<Got> read_all(const std::string& path) {
    std::vector<Got> out;
    tools::TarReader r(path);
    tools::TarMember m;
    size_t total = 0;
    while (r.next(m) && out.size() < 64) {
        Got g{m.name, m.link, "", m.type};
        if (m.type == '0' && (out.size() % 2 == 0)) {  // every other member's data is skipped by next()
            r.read_data([&](const char* p, size_t n) { g.data.append(p, n); });
            total += g.data.size();
            if (total > (4u << 20)) break;
        }
        out.push_back(g);
    }
    return out;
}

std::string memfd_with(const uint8_t* data, size_t size, int& fd) {
    fd = static_cast<int>(::memfd_create("tar", 0));
    if (fd < 0) __builtin_trap();
    size_t done = 0;
    while (done < size) {
        ssize_t w = ::write(fd, data + done, size - done);
        if (w <= 0) __builtin_trap();
        done += static_cast<size_t>(w);
    }
    return "/proc/self/fd/" + std::to_string(fd);
}
}  // namespace

int vidjil::fuzz::backup_tar(const uint8_t* data, size_t size) {
    int fd = -1;
    std::string path = memfd_with(data, size, fd);
    std::vector<Got> got;
    try {
        got = read_all(path);
    } catch (const tools::TarError&) {
        ::close(fd);
        return 0;
    }
    ::close(fd);
    int out = static_cast<int>(::memfd_create("tar2", 0));
    if (out < 0) __builtin_trap();
    std::vector<Got> kept;
    {
        tools::TarWriter w(out, false);
        for (const Got& g : got) {
            if (g.name.empty() || g.name.find('\0') != std::string::npos || g.link.find('\0') != std::string::npos) continue;
            if (g.type == '2') w.add_symlink(g.name, g.link, 0);
            else if (g.type == '0') w.add_data(g.name, g.data, 0);
            else continue;
            kept.push_back(g);
        }
        w.finish();
    }
    std::vector<Got> again;
    try {
        tools::TarReader r("/proc/self/fd/" + std::to_string(out));
        tools::TarMember m;
        while (r.next(m)) {
            Got g{m.name, m.link, "", m.type};
            if (m.type == '0') r.read_data([&](const char* p, size_t n) { g.data.append(p, n); });
            again.push_back(g);
        }
    } catch (const tools::TarError&) {
        __builtin_trap();
    }
    ::close(out);
    if (again.size() != kept.size()) __builtin_trap();
    for (size_t i = 0; i < kept.size(); ++i)
        if (again[i].name != kept[i].name || again[i].type != kept[i].type || again[i].data != kept[i].data ||
            (kept[i].type == '2' && again[i].link != kept[i].link))
            __builtin_trap();
    return 0;
}

VIDJIL_FUZZ_ENTRY(backup_tar)
