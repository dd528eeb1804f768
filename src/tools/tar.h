// Streaming tar (POSIX ustar + pax extended headers for long names and large sizes) and SHA-256,
// for `vidjil-admin backup` / `restore`: memory stays bounded whatever the member sizes.
// Output may be gzip-compressed; input is read through zlib, which reads plain files as they are.
#pragma once
#include <openssl/evp.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace vidjil::tools {

class TarError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Incremental SHA-256.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const void* data, size_t n);
    std::string hex();  // finishes the digest

private:
    EVP_MD_CTX* ctx_;
};

// SHA-256 of a whole file, read in blocks.
std::string sha256_file(const std::string& path);

// Writes a tar archive to an open file descriptor (not closed here).
class TarWriter {
public:
    TarWriter(int fd, bool gzip);
    ~TarWriter();
    // Adds the regular file at `fs_path` as `name`; returns the SHA-256 of what was written.
    // The size is the one found when the file is opened: a file that changes meanwhile is
    // refused (TarError) rather than archived inconsistently.
    std::string add_file(const std::string& name, const std::string& fs_path);
    // Adds `data` as a regular file (the manifest); returns its SHA-256.
    std::string add_data(const std::string& name, const std::string& data, int64_t mtime);
    // Adds a symbolic link; returns the SHA-256 of the link target text.
    std::string add_symlink(const std::string& name, const std::string& target, int64_t mtime);
    // Writes the end-of-archive blocks and flushes (the caller fsyncs the descriptor).
    void finish();
    uint64_t bytes_in() const { return bytes_in_; }

private:
    void header(const std::string& name, char type, uint64_t size, int64_t mtime, int mode,
                const std::string& link = "");
    void write(const void* data, size_t n);
    void pad(uint64_t size);
    int fd_;
    void* gz_ = nullptr;  // gzFile when compressing
    bool finished_ = false;
    uint64_t bytes_in_ = 0;
};

struct TarMember {
    std::string name;
    char type = '0';  // '0' regular file, '2' symbolic link, '5' directory
    uint64_t size = 0;
    int64_t mtime = 0;
    int mode = 0644;
    std::string link;
};

// Reads a tar archive (gzip-compressed or not) member by member.
class TarReader {
public:
    explicit TarReader(const std::string& path);
    ~TarReader();
    TarReader(const TarReader&) = delete;
    TarReader& operator=(const TarReader&) = delete;
    // Next member, or false at the end of the archive. Throws TarError on a damaged archive.
    bool next(TarMember& m);
    // Content of the current regular member, in blocks, to `sink` (may be called once; the rest
    // is skipped by next()).
    void read_data(const std::function<void(const char*, size_t)>& sink);

private:
    void read_exact(void* buf, size_t n);
    void skip(uint64_t n);
    std::string path_;
    void* gz_;
    uint64_t remaining_ = 0, padding_ = 0;
};

// True for a member name a restore may write: relative, no "." / ".." / empty parts, no
// control characters, at most 4096 bytes.
bool safe_member_name(const std::string& name);

}  // namespace vidjil::tools
