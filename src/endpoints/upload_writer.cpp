// Upload writer: aligned buffers, O_DIRECT where possible, one writer thread (see upload_writer.h).
#include "endpoints/upload_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <system_error>

namespace vidjil::endpoints {

namespace {
constexpr size_t kAlign = 4096;  // covers 512-byte and 4 KiB logical blocks
}

UploadWriter::UploadWriter(int fd, bool direct, Observer observe) : fd_(fd), observe_(std::move(observe)) {
    for (auto& b : bufs_) {
        void* p = nullptr;
        if (posix_memalign(&p, kAlign, kBufferBytes) != 0) {
            std::free(bufs_[0]);
            throw std::bad_alloc();
        }
        b = static_cast<char*>(p);
    }
    if (direct) {
        int flags = fcntl(fd_, F_GETFL);
        direct_ = flags >= 0 && fcntl(fd_, F_SETFL, flags | O_DIRECT) == 0;  // EINVAL: not on this file system
    }
    thread_ = std::thread([this] { run(); });
}

UploadWriter::~UploadWriter() {
    {
        std::unique_lock<std::mutex> lock(m_);
        stop_ = true;
        cv_.notify_all();
    }
    thread_.join();
    for (char* b : bufs_) std::free(b);
}

void UploadWriter::write_all(const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw std::system_error(errno, std::generic_category());
        if (w == 0) throw std::system_error(EIO, std::generic_category());
        p += w;
        n -= static_cast<size_t>(w);
    }
}

void UploadWriter::run() {
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
        cv_.wait(lock, [this] { return stop_ || job_ != nullptr; });
        if (!job_) return;  // stopped while idle
        const char* p = job_;
        size_t n = job_len_;
        lock.unlock();
        int err = 0;
        try {
            if (observe_) observe_(p, n);
            write_all(p, n);
        } catch (const std::system_error& e) {
            err = e.code().value();
        }
        lock.lock();
        if (err && !error_) error_ = err;
        job_ = nullptr;
        cv_.notify_all();
        if (stop_) return;
    }
}

void UploadWriter::wait_idle(std::unique_lock<std::mutex>& lock) {
    cv_.wait(lock, [this] { return job_ == nullptr; });
    if (error_) throw std::system_error(error_, std::generic_category());
}

void UploadWriter::hand_over() {
    std::unique_lock<std::mutex> lock(m_);
    wait_idle(lock);  // the other buffer is free again
    job_ = bufs_[cur_];
    job_len_ = fill_;
    cv_.notify_all();
    cur_ ^= 1;
    fill_ = 0;
}

void UploadWriter::write(std::string_view data) {
    while (!data.empty()) {
        size_t n = std::min(data.size(), kBufferBytes - fill_);
        std::memcpy(bufs_[cur_] + fill_, data.data(), n);
        fill_ += n;
        data.remove_prefix(n);
        if (fill_ == kBufferBytes) hand_over();
    }
}

void UploadWriter::finish() {
    {
        std::unique_lock<std::mutex> lock(m_);
        wait_idle(lock);
    }
    if (observe_) observe_(bufs_[cur_], fill_);
    // Whole blocks as before, then the partial last block through the page cache.
    size_t whole = direct_ ? fill_ - fill_ % kAlign : fill_;
    write_all(bufs_[cur_], whole);
    if (whole < fill_) {
        int flags = fcntl(fd_, F_GETFL);
        if (flags < 0 || fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) throw std::system_error(errno, std::generic_category());
        direct_ = false;
        write_all(bufs_[cur_] + whole, fill_ - whole);
    }
    fill_ = 0;
}

}  // namespace vidjil::endpoints
