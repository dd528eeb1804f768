// Runner processes, job logs and job directories of the local backend (see child.h).
#include "runner/child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "util/fs.h"
#include "util/text.h"

namespace vidjil::runner {

double monotonic() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void log_line(int fd, const std::string& line) {
    std::string l = line + "\n";
    size_t done = 0;
    while (done < l.size()) {
        ssize_t n = ::write(fd, l.data() + done, l.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

void reset_dir(const std::string& dir) {
    remove_tree(dir);
    fs::mkdirs(dir);
}

void copy_atomic(const std::string& from, const std::string& to) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw std::runtime_error("cannot open " + from + ": " + std::strerror(errno));
    std::string tmp = to + ".tmp-" + text::random_hex(6);
    int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (out < 0) {
        ::close(in);
        throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
    }
    std::vector<char> buf(1 << 20);
    std::string problem;
    for (;;) {
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            problem = "cannot read " + from;
            break;
        }
        if (n == 0) break;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(out, buf.data() + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                problem = "cannot write " + tmp;
                break;
            }
            done += w;
        }
        if (!problem.empty()) break;
    }
    if (problem.empty() && ::fsync(out) != 0) problem = "cannot sync " + tmp;
    std::string err = std::strerror(errno);
    ::close(in);
    if (::close(out) != 0 && problem.empty()) problem = "cannot close " + tmp;
    if (problem.empty() && ::rename(tmp.c_str(), to.c_str()) != 0) problem = "cannot rename to " + to;
    if (!problem.empty()) {
        ::unlink(tmp.c_str());
        throw std::runtime_error(problem + ": " + err);
    }
    fs::fsync_dir(fs::dirname(to));
}

}  // namespace vidjil::runner
