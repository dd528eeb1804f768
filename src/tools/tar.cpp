// Streaming tar and SHA-256 (see tar.h).
#include "tools/tar.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "util/text.h"

namespace vidjil::tools {

namespace {
constexpr size_t kBlock = 512;
constexpr size_t kChunk = 1 << 16;
constexpr uint64_t kMaxOctalSize = 077777777777ULL;  // 11 octal digits

void octal(char* field, size_t width, uint64_t v) {
    // width includes the terminating NUL; v fits (checked by the callers)
    for (size_t i = width - 1; i-- > 0;) {
        field[i] = static_cast<char>('0' + (v & 7));
        v >>= 3;
    }
    field[width - 1] = '\0';
}

std::string pax_record(const std::string& key, const std::string& value) {
    // "<len> key=value\n", len counting itself
    size_t base = key.size() + value.size() + 3;
    size_t len = base + 1;
    while (std::to_string(len).size() + base != len) ++len;
    return std::to_string(len) + " " + key + "=" + value + "\n";
}

uint64_t parse_octal(const char* f, size_t n, const char* what) {
    if (static_cast<unsigned char>(f[0]) & 0x80) throw TarError(std::string("unsupported binary ") + what + " field");
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && (f[i] == ' ' || f[i] == '\0')) ++i;
    bool any = false;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; ++i) {
        if (v > (UINT64_MAX >> 3)) throw TarError(std::string("bad ") + what + " field");
        v = v * 8 + static_cast<uint64_t>(f[i] - '0');
        any = true;
    }
    for (; i < n; ++i)
        if (f[i] != ' ' && f[i] != '\0') throw TarError(std::string("bad ") + what + " field");
    if (!any && std::string(what) != "mtime" && std::string(what) != "mode") return 0;
    return v;
}

std::string field_str(const char* f, size_t n) { return std::string(f, strnlen(f, n)); }
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw std::runtime_error("sha256 unavailable");
}
Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }
void Sha256::update(const void* data, size_t n) {
    if (n && EVP_DigestUpdate(ctx_, data, n) != 1) throw std::runtime_error("sha256 failed");
}
std::string Sha256::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_, md, &len) != 1) throw std::runtime_error("sha256 failed");
    return text::hex(md, len);
}

std::string sha256_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    Sha256 h;
    std::vector<char> buf(kChunk);
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            throw std::runtime_error("cannot read " + path + ": " + std::strerror(e));
        }
        if (n == 0) break;
        h.update(buf.data(), static_cast<size_t>(n));
    }
    ::close(fd);
    return h.hex();
}

// ---------------------------------------------------------------------------------------------
TarWriter::TarWriter(int fd, bool gzip) : fd_(fd) {
    if (gzip) {
        int d = ::dup(fd);
        if (d < 0) throw TarError("dup failed");
        gz_ = gzdopen(d, "wb6");
        if (!gz_) {
            ::close(d);
            throw TarError("cannot start gzip compression");
        }
    }
}

TarWriter::~TarWriter() {
    if (gz_) gzclose(static_cast<gzFile>(gz_));
}

void TarWriter::write(const void* data, size_t n) {
    bytes_in_ += n;
    if (gz_) {
        const char* p = static_cast<const char*>(data);
        while (n) {
            unsigned part = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
            if (gzwrite(static_cast<gzFile>(gz_), p, part) != static_cast<int>(part))
                throw TarError("cannot write the archive (compression failed or disk full)");
            p += part;
            n -= part;
        }
        return;
    }
    const char* p = static_cast<const char*>(data);
    while (n) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw TarError(std::string("cannot write the archive: ") + std::strerror(errno));
        p += w;
        n -= static_cast<size_t>(w);
    }
}

void TarWriter::pad(uint64_t size) {
    static const char zeros[kBlock] = {};
    if (size % kBlock) write(zeros, kBlock - size % kBlock);
}

void TarWriter::header(const std::string& name, char type, uint64_t size, int64_t mtime, int mode,
                       const std::string& link) {
    std::string pax;
    if (name.size() > 99) pax += pax_record("path", name);
    if (link.size() > 99) pax += pax_record("linkpath", link);
    if (size > kMaxOctalSize) pax += pax_record("size", std::to_string(size));
    if (!pax.empty()) header("PaxHeaders/entry", 'x', pax.size(), mtime, 0644), write(pax.data(), pax.size()),
        pad(pax.size());
    char h[kBlock] = {};
    std::memcpy(h, name.data(), std::min<size_t>(name.size(), 99));
    octal(h + 100, 8, static_cast<uint64_t>(mode & 07777));
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, size > kMaxOctalSize ? 0 : size);
    octal(h + 136, 12, static_cast<uint64_t>(mtime < 0 ? 0 : mtime));
    std::memset(h + 148, ' ', 8);
    h[156] = type;
    std::memcpy(h + 157, link.data(), std::min<size_t>(link.size(), 99));
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memcpy(h + 265, "vidjil", 6);
    std::memcpy(h + 297, "vidjil", 6);
    unsigned sum = 0;
    for (size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(h[i]);
    std::snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    write(h, kBlock);
}

std::string TarWriter::add_file(const std::string& name, const std::string& fs_path) {
    int fd = ::open(fs_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw TarError("cannot read " + fs_path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw TarError(fs_path + " is not a regular file");
    }
    uint64_t size = static_cast<uint64_t>(st.st_size), done = 0;
    try {
        header(name, '0', size, st.st_mtime, st.st_mode & 0777);
        Sha256 h;
        std::vector<char> buf(kChunk);
        while (done < size) {
            ssize_t n = ::read(fd, buf.data(), static_cast<size_t>(std::min<uint64_t>(buf.size(), size - done)));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw TarError("cannot read " + fs_path + ": " + std::strerror(errno));
            if (n == 0) throw TarError(fs_path + " shrank while it was archived");
            h.update(buf.data(), static_cast<size_t>(n));
            write(buf.data(), static_cast<size_t>(n));
            done += static_cast<uint64_t>(n);
        }
        pad(size);
        ::close(fd);
        return h.hex();
    } catch (...) {
        ::close(fd);
        throw;
    }
}

std::string TarWriter::add_data(const std::string& name, const std::string& data, int64_t mtime) {
    header(name, '0', data.size(), mtime, 0644);
    write(data.data(), data.size());
    pad(data.size());
    Sha256 h;
    h.update(data.data(), data.size());
    return h.hex();
}

std::string TarWriter::add_symlink(const std::string& name, const std::string& target, int64_t mtime) {
    header(name, '2', 0, mtime, 0777, target);
    Sha256 h;
    h.update(target.data(), target.size());
    return h.hex();
}

void TarWriter::finish() {
    static const char zeros[2 * kBlock] = {};
    write(zeros, sizeof zeros);
    if (gz_) {
        int rc = gzclose(static_cast<gzFile>(gz_));
        gz_ = nullptr;
        if (rc != Z_OK) throw TarError("cannot write the archive (compression failed or disk full)");
    }
    finished_ = true;
}

// ---------------------------------------------------------------------------------------------
TarReader::TarReader(const std::string& path) : path_(path) {
    gz_ = gzopen(path.c_str(), "rb");
    if (!gz_) throw TarError("cannot open " + path + ": " + std::strerror(errno));
    gzbuffer(static_cast<gzFile>(gz_), 1 << 17);
}

TarReader::~TarReader() { gzclose(static_cast<gzFile>(gz_)); }

void TarReader::read_exact(void* buf, size_t n) {
    char* p = static_cast<char*>(buf);
    while (n) {
        unsigned part = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
        int r = gzread(static_cast<gzFile>(gz_), p, part);
        if (r < 0) {
            int err = 0;
            const char* m = gzerror(static_cast<gzFile>(gz_), &err);
            throw TarError(path_ + ": damaged archive (" + (m ? m : "read error") + ")");
        }
        if (r == 0) throw TarError(path_ + ": the archive is truncated");
        p += r;
        n -= static_cast<size_t>(r);
    }
}

void TarReader::skip(uint64_t n) {
    std::vector<char> buf(kChunk);
    while (n) {
        size_t part = static_cast<size_t>(std::min<uint64_t>(n, buf.size()));
        read_exact(buf.data(), part);
        n -= part;
    }
}

bool TarReader::next(TarMember& m) {
    skip(remaining_ + padding_);
    remaining_ = padding_ = 0;
    std::string pax_path, pax_link;
    std::optional<uint64_t> pax_size;
    for (;;) {
        char h[kBlock];
        read_exact(h, kBlock);
        bool zero = true;
        for (char c : h)
            if (c) {
                zero = false;
                break;
            }
        if (zero) return false;
        unsigned sum = 0;
        for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
        if (parse_octal(h + 148, 8, "checksum") != sum) throw TarError(path_ + ": damaged archive (bad header checksum)");
        uint64_t size = parse_octal(h + 124, 12, "size");
        char type = h[156] ? h[156] : '0';
        if (type == 'x' || type == 'g') {
            if (size > (1u << 20)) throw TarError(path_ + ": damaged archive (extended header too large)");
            std::string data(size, '\0');
            read_exact(data.data(), size);
            skip((kBlock - size % kBlock) % kBlock);
            if (type == 'g') continue;
            size_t pos = 0;
            while (pos < data.size()) {
                size_t sp = data.find(' ', pos);
                if (sp == std::string::npos) throw TarError(path_ + ": damaged archive (extended header)");
                size_t len = 0;
                for (size_t i = pos; i < sp; ++i) {
                    if (data[i] < '0' || data[i] > '9' || len > (1u << 20)) throw TarError(path_ + ": damaged archive (extended header)");
                    len = len * 10 + static_cast<size_t>(data[i] - '0');
                }
                if (len <= sp - pos + 1 || pos + len > data.size() || data[pos + len - 1] != '\n')
                    throw TarError(path_ + ": damaged archive (extended header)");
                std::string rec = data.substr(sp + 1, pos + len - 1 - (sp + 1));
                size_t eq = rec.find('=');
                if (eq != std::string::npos) {
                    std::string k = rec.substr(0, eq), v = rec.substr(eq + 1);
                    if (k == "path") pax_path = v;
                    else if (k == "linkpath") pax_link = v;
                    else if (k == "size") {
                        if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos)
                            throw TarError(path_ + ": damaged archive (extended header size)");
                        pax_size = std::stoull(v);
                    }
                }
                pos += len;
            }
            continue;
        }
        m = TarMember{};
        std::string prefix = field_str(h + 345, 155);
        m.name = pax_path.empty() ? (prefix.empty() ? "" : prefix + "/") + field_str(h, 100) : pax_path;
        m.link = pax_link.empty() ? field_str(h + 157, 100) : pax_link;
        m.type = type;
        m.size = pax_size ? *pax_size : size;
        m.mtime = static_cast<int64_t>(parse_octal(h + 136, 12, "mtime"));
        m.mode = static_cast<int>(parse_octal(h + 100, 8, "mode") & 0777);
        if (type == '2' || type == '5') m.size = 0;
        else if (type != '0') throw TarError(path_ + ": unsupported member type '" + std::string(1, type) + "' (" + m.name + ")");
        remaining_ = m.size;
        padding_ = (kBlock - m.size % kBlock) % kBlock;
        return true;
    }
}

void TarReader::read_data(const std::function<void(const char*, size_t)>& sink) {
    std::vector<char> buf(kChunk);
    while (remaining_) {
        size_t part = static_cast<size_t>(std::min<uint64_t>(remaining_, buf.size()));
        read_exact(buf.data(), part);
        remaining_ -= part;
        sink(buf.data(), part);
    }
}

bool safe_member_name(const std::string& name) {
    if (name.empty() || name.size() > 4096 || name[0] == '/') return false;
    for (char c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    for (const std::string& part : text::split(name, '/'))
        if (part.empty() || part == "." || part == "..") return false;
    return true;
}

}  // namespace vidjil::tools
