// Where the file-format tests find the reference data (shared/data beside the source tree),
// and small helpers to build gzip data and temporary files in the tests themselves.
#pragma once

#include <json/json.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

namespace vidjil_test {

inline bool has_reference_data(const std::string& dir) {
    struct stat info {};
    return !dir.empty() && stat((dir + "/Demo-X5.fa").c_str(), &info) == 0;
}

// $VIDJIL_SHARED_DATA, else ../shared/data from the source tree (found through $srcdir as set
// by `make check`, through this header's path or the test binary's), else from the current
// directory.
inline std::string shared_data_dir() {
    static const std::string dir = [] {
        if (const char* env = std::getenv("VIDJIL_SHARED_DATA")) return std::string(env);
        std::string here = __FILE__;
        std::string root = here.substr(0, here.rfind("t/unit/"));
        char exe[4096] = {};
        ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
        std::string binary(exe, length > 0 ? static_cast<size_t>(length) : 0);
        // The test binary is <top builddir>/t/unit/unit-tests.
        std::string build_root = binary.substr(0, binary.rfind('/')) + "/../..";
        std::string candidates[] = {
            std::getenv("srcdir") ? std::string(std::getenv("srcdir")) + "/../shared/data" : "",
            root + "../shared/data", build_root + "/../shared/data", "../shared/data"};
        for (const std::string& candidate : candidates)
            if (has_reference_data(candidate)) return candidate;
        return std::string();
    }();
    return dir;
}

// Thrown by a test that cannot run here; t/unit/main.cpp counts it as skipped (neither passed
// nor failed) in its UNIT-RESULT line.
class Skipped : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Returns when the reference data is there, else skips the calling test.
inline void require_data() {
    if (!has_reference_data(shared_data_dir()))
        throw Skipped("../shared/data not found (set VIDJIL_SHARED_DATA)");
}

inline std::string data_path(const std::string& name) {
    return shared_data_dir() + "/" + name;
}

inline std::string gzip(const std::string& text) {
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2");
    std::string out(deflateBound(&zs, text.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
    return out;
}

// A file under /tmp removed when the test ends.
class TempFile {
public:
    TempFile(const std::string& suffix, const std::string& content) {
        char pattern[] = "/tmp/vidjil-test-XXXXXX";
        int fd = mkstemp(pattern);
        if (fd < 0) throw std::runtime_error("mkstemp");
        close(fd);
        unlink(pattern);
        path_ = std::string(pattern) + suffix;
        std::ofstream(path_, std::ios::binary) << content;
    }
    ~TempFile() { unlink(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace vidjil_test
