// Writes an uploaded file as it arrives, around the page cache where the file system allows it
// (O_DIRECT): the copy of every byte into the page cache and the kernel's writeback were a
// third of the file program's CPU for a 2 GB upload. The data is gathered into aligned buffers
// of kBufferBytes; a full buffer is hashed and written by a second thread while the next one
// fills, so the hashing, the disk and the reading of the body overlap. The last partial block is written normally (O_DIRECT
// cleared). Memory: 2 x kBufferBytes whatever the file size. Without O_DIRECT (tmpfs, or
// direct = false) the writes go through the page cache from the same buffers.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

namespace vidjil::endpoints {

class UploadWriter {
public:
    static constexpr size_t kBufferBytes = 4 << 20;

    // Sees every byte once, in order, before it is written (the SHA-256 of the upload): called
    // by the writer thread for full buffers (so hashing runs beside the reading of the body on
    // a second core) and by finish() for the last one.
    using Observer = std::function<void(const char* data, size_t n)>;

    // fd: an empty file open for writing (not closed here). direct: try O_DIRECT on it.
    UploadWriter(int fd, bool direct, Observer observe = {});
    ~UploadWriter();  // waits for the write in progress; what was not written is dropped
    UploadWriter(const UploadWriter&) = delete;
    UploadWriter& operator=(const UploadWriter&) = delete;

    // Appends data; throws std::system_error (the errno of a failed write) at the next call
    // after a failure.
    void write(std::string_view data);
    // Writes what is left and waits for every write (no fsync: the caller's).
    void finish();
    bool direct() const { return direct_; }

private:
    void hand_over();      // the full buffer goes to the writer thread
    void wait_idle(std::unique_lock<std::mutex>& lock);
    void run();            // the writer thread
    void write_all(const char* p, size_t n);

    int fd_;
    Observer observe_;
    bool direct_ = false;
    char* bufs_[2] = {nullptr, nullptr};
    int cur_ = 0;          // the buffer being filled
    size_t fill_ = 0;
    std::mutex m_;
    std::condition_variable cv_;
    const char* job_ = nullptr;  // buffer the thread writes, nullptr when idle
    size_t job_len_ = 0;
    bool stop_ = false;
    int error_ = 0;
    std::thread thread_;
};

}  // namespace vidjil::endpoints
