// Handler of file/upload: the multipart body is parsed as a stream into a temporary file in
// DIR_SEQUENCES/.incoming (never held in memory), checked by content, fsynced, renamed to its
// stored name, and only then is the row updated. Any failure leaves no file and no row change.
#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <system_error>

#include "endpoints/files.h"
#include "endpoints/upload_writer.h"
#include "model/jobs.h"
#include "http/multipart_stream.h"
#include "model/upload_names.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::endpoints {

using namespace sets;

namespace {

constexpr size_t kHeadBytes = 65536;       // what content sniffing looks at
constexpr int64_t kFormOverhead = 1 << 20;  // multipart headers and small fields around the file

struct UploadError : std::runtime_error {
    int status;
    UploadError(int s, const std::string& m) : std::runtime_error(m), status(s) {}
};

// A file being received: created exclusively in the .incoming directory, removed by the
// destructor unless it was renamed to its final name. The data is hashed and written by the
// UploadWriter's thread, 4 MiB at a time (hashing every piece in a thread of its own was tried
// earlier: on two cores shared with nginx and the client it cost more CPU than it saved).
class TempUpload {
public:
    // direct: write around the page cache where possible (UploadWriter, UPLOAD_DIRECT_IO).
    TempUpload(const std::string& dir, bool direct) : incoming_(dir + "/.incoming"), direct_(direct) {}
    ~TempUpload() {
        writer_.reset();  // its thread is done with fd_ before fd_ is closed
        if (fd_ >= 0) ::close(fd_);
        if (!path_.empty() && !kept_) ::unlink(path_.c_str());
    }
    bool open() const { return !path_.empty(); }
    void create() {
        fs::mkdirs(incoming_);
        path_ = incoming_ + "/upload-" + text::random_hex(12) + ".part";
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd_ < 0) {
            path_.clear();
            throw std::runtime_error(std::string("cannot create an upload file in ") + incoming_ + ": " + std::strerror(errno));
        }
        md_.reset(EVP_MD_CTX_new());
        if (!md_ || EVP_DigestInit_ex(md_.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("sha256 init failed");
        writer_ = std::make_unique<UploadWriter>(fd_, direct_, [this](const char* p, size_t n) {
            EVP_DigestUpdate(md_.get(), p, n);  // in the writer's thread
        });
    }
    void write(std::string_view data) {
        if (head_.size() < kHeadBytes) head_.append(data.substr(0, kHeadBytes - head_.size()));
        size_ += static_cast<int64_t>(data.size());
        try {
            writer_->write(data);
        } catch (const std::system_error& e) {
            throw UploadError(507, std::string("The server could not store the file: ") + std::strerror(e.code().value()));
        }
    }
    void finish() {
        try {
            writer_->finish();
        } catch (const std::system_error& e) {
            throw UploadError(507, std::string("The server could not store the file: ") + std::strerror(e.code().value()));
        }
        writer_.reset();
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        EVP_DigestFinal_ex(md_.get(), digest, &len);
        sha256_ = text::hex(digest, len);
        int rc = ::fsync(fd_);
        if (::close(fd_) != 0) rc = -1;
        fd_ = -1;
        if (rc != 0) throw UploadError(507, std::string("The server could not store the file: ") + std::strerror(errno));
    }
    void rename_to(const std::string& dir, const std::string& name) {
        std::string target = dir + "/" + name;
        if (::rename(path_.c_str(), target.c_str()) != 0)
            throw std::runtime_error("cannot rename the upload to " + target + ": " + std::strerror(errno));
        kept_ = true;
        fs::fsync_dir(dir);
        fs::fsync_dir(incoming_);
    }
    const std::string& head() const { return head_; }
    int64_t size() const { return size_; }
    const std::string& sha256() const { return sha256_; }

private:
    struct MdFree {
        void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
    };
    std::string incoming_, path_, head_, sha256_;
    int fd_ = -1;
    bool direct_;
    std::unique_ptr<UploadWriter> writer_;
    bool kept_ = false;
    int64_t size_ = 0;
    std::unique_ptr<EVP_MD_CTX, MdFree> md_;
};

// Temporary files of uploads killed mid-way (a crashed process cannot clean up itself).
void sweep_stale(const std::string& incoming) {
    DIR* d = ::opendir(incoming.c_str());
    if (!d) return;
    time_t limit = time(nullptr) - 24 * 3600;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (!text::starts_with(name, "upload-") || !text::ends_with(name, ".part")) continue;
        struct stat st;
        std::string p = incoming + "/" + name;
        if (::stat(p.c_str(), &st) == 0 && st.st_mtime < limit && ::unlink(p.c_str()) == 0)
            log::info("removed the stale upload " + p);
    }
    ::closedir(d);
}

Response upload_error(int status, const std::string& message) {
    Json::Value v(Json::objectValue);
    v["message"] = message;
    v["success"] = "false";
    v["priority"] = 3;
    return Response::json_text(v, status);
}

struct Upload {
    std::optional<int64_t> id;
    int file_number = 1;
    std::string name;
    bool checked = false;  // permission already verified
};

const char* kDenied = "no sequence file with this id, or you may not upload to it";

void check_target(Context& c, Upload& u) {
    if (u.checked) return;
    if (!u.id || !c.perm().can_modify_file(*u.id) || !model::sequence_file_get(c.db, *u.id)) throw UploadError(403, kDenied);
    u.checked = true;
}

void read_fields(Context& c, Upload& u, const std::string& field, const std::string& value) {
    std::string v = text::trim(value);
    if (field == "id" && !u.id) {
        auto n = text::parse_int(v);
        if (!n || *n <= 0) throw UploadError(400, "missing id");
        u.id = n;
    } else if (field == "file_number") {
        if (v != "1" && v != "2") throw UploadError(400, "file_number must be 1 or 2");
        u.file_number = v == "2" ? 2 : 1;
    }
}

constexpr int64_t kDefaultQuota = int64_t(100) << 30;    // UPLOAD_QUOTA: bytes of sequence files per user
constexpr int64_t kDefaultMinFree = int64_t(1) << 30;    // UPLOAD_MIN_FREE: bytes left free in DIR_SEQUENCES

int64_t quota_of(Context& c) { return c.cfg.get_int("UPLOAD_QUOTA", kDefaultQuota); }

// Bytes this user's files already take (minus the file being replaced), read once per upload.
int64_t used_by(Context& c, int64_t replaced) { return model::bytes_provided_by(c.db, c.user_id()) - replaced; }

void check_quota(Context& c, int64_t used, int64_t incoming) {
    int64_t quota = quota_of(c);
    if (quota <= 0) return;
    if (used + incoming > quota)
        throw UploadError(413, "Your upload quota is exceeded: " + format_size(used) + " used of " + format_size(quota) +
                                   ", this file needs " + format_size(incoming) + ".");
}

// Refuses (507) an upload that would leave less than UPLOAD_MIN_FREE bytes free on the file
// system of DIR_SEQUENCES; `incoming` is what is still to be written.
void check_free_space(Context& c, const std::string& dir, int64_t incoming) {
    int64_t min_free = c.cfg.get_int("UPLOAD_MIN_FREE", kDefaultMinFree);
    if (min_free <= 0) return;
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return;  // the write itself will say what is wrong
    int64_t avail = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
    if (avail - incoming < min_free)
        throw UploadError(507, "The server does not have enough free space for this file (" + format_size(avail) +
                                   " free, " + format_size(min_free) + " must stay free); please contact the administrator.");
}

// Reads the multipart body; the file part goes to `tmp` as it arrives.
void receive(Context& c, Upload& u, TempUpload& tmp, int64_t max_size, const std::string& dir) {
    int64_t remaining = c.req.content_length;
    auto source = [&](char* buf, size_t n) -> size_t {
        if (remaining == 0) return 0;
        size_t want = remaining > 0 ? std::min<size_t>(n, static_cast<size_t>(remaining)) : n;
        size_t got = c.body.read(buf, want);
        if (remaining > 0) remaining -= static_cast<int64_t>(got);
        return got;
    };
    http::MultipartReader reader(source, http::multipart_boundary(c.req.content_type));
    http::PartHeaders part;
    while (reader.next_part(part)) {
        if (!part.is_file) {
            read_fields(c, u, part.name, reader.read_field());
            continue;
        }
        if (part.name != "file") throw UploadError(400, "unexpected file field '" + text::escape_for_log(part.name, 40) + "'");
        if (tmp.open()) throw UploadError(400, "only one file per upload");
        std::string problem;
        u.name = clean_upload_name(part.filename, problem);
        if (!problem.empty()) throw UploadError(400, problem);
        // Nothing is stored before the permission check: the target must be known first.
        if (!u.id)
            throw UploadError(400, "The field 'id' must come before the file in the form (or be given in the URL): "
                                   "nothing is stored before the server knows where it goes.");
        check_target(c, u);
        int64_t used = 0;
        if (quota_of(c) > 0) {
            auto row = model::sequence_file_get(c.db, *u.id);
            used = used_by(c, row ? (u.file_number == 2 ? row->size_file2 : row->size_file) : 0);
        }
        tmp.create();
        int64_t next_space_check = 0;
        for (std::string_view chunk = reader.next_chunk(); !chunk.empty(); chunk = reader.next_chunk()) {
            tmp.write(chunk);
            if (tmp.size() > max_size)
                throw UploadError(413, "The file is larger than the limit of this server (" + format_size(max_size) + ").");
            if (tmp.size() >= next_space_check) {  // a body of unknown length is watched as it grows
                check_quota(c, used, tmp.size());
                check_free_space(c, dir, 0);
                next_space_check = tmp.size() + (int64_t(16) << 20);
            }
        }
        tmp.finish();
    }
}

Response store(Context& c, Upload& u, TempUpload& tmp) {
    c.db.ensure();  // a long upload may have outlived the database connection
    check_target(c, u);
    if (!tmp.open()) throw UploadError(400, "no data file");
    bool gz = false;
    std::string problem = content_problem(u.name, tmp.head(), gz);
    if (!problem.empty()) throw UploadError(415, "This file cannot be used: " + problem + ".");
    auto before = model::sequence_file_get(c.db, *u.id);
    std::optional<std::string> old = u.file_number == 2 ? before->data_file2 : before->data_file;
    check_quota(c, used_by(c, u.file_number == 2 ? before->size_file2 : before->size_file), tmp.size());
    std::string dir = sequences_dir(c);
    std::string stored = model::stored_name("sequence_file", u.file_number == 2 ? "data_file2" : "data_file", u.name);
    tmp.rename_to(dir, stored);
    try {
        db::Transaction tx(c.db);
        model::set_data_file(c.db, *u.id, u.file_number, stored, tmp.size(), tmp.sha256(), false);
        log_change(c, "upload", "sequence_file", *u.id,
                   "upload file " + std::to_string(u.file_number) + " (" + u.name + ") " + std::to_string(tmp.size()) +
                       " bytes sha256 " + tmp.sha256());
        tx.commit();
    } catch (...) {
        ::unlink((dir + "/" + stored).c_str());  // no row points to it
        throw;
    }
    if (old && !old->empty()) {
        model::FileRemoval replaced;
        (before->network ? replaced.links : replaced.sequences).push_back(*old);
        dispose_files(c, replaced);
    }
    Json::Value v(Json::objectValue);
    v["message"] = " file {" + std::to_string(*u.id) + "} upload finished (" + http::msg_value(u.name) + ") (" + std::to_string(tmp.size()) + ")";
    // Both files of a pair are here: the pre-process (e.g. read merging) is queued for the runner.
    auto after = model::sequence_file_get(c.db, *u.id);
    if (after && after->pre_process_id && after->data_file && after->data_file2) {
        if (!model::schedule_pre_process(c.db, *u.id, *after->pre_process_id, c.user_id()))
            v["pre_process"] = "task already registered";
        else
            v["pre_process"] = "queued";
    }
    v["size"] = static_cast<Json::Int64>(tmp.size());
    v["sha256"] = tmp.sha256();
    return Response::json_text(v);
}

}  // namespace

Response file_upload(Context& c) {
    int64_t max_size = c.cfg.get_int("UPLOAD_MAX_SIZE", int64_t(20) << 30);
    Upload u;
    try {
        if (c.req.content_length > max_size + kFormOverhead)
            throw UploadError(413, "The file is larger than the limit of this server (" + format_size(max_size) + ").");
        if (text::to_lower(text::trim(c.req.content_type.substr(0, c.req.content_type.find(';')))) != "multipart/form-data")
            throw UploadError(415, "An upload must be sent as multipart/form-data.");
        if (c.req.content_length > 0 && quota_of(c) > 0) check_quota(c, used_by(c, 0), c.req.content_length - kFormOverhead);
        if (auto id = c.params.get_int("id")) u.id = id;
        if (c.params.has("file_number")) read_fields(c, u, "file_number", c.params.get("file_number"));
        std::string dir = sequences_dir(c);
        fs::mkdirs(dir);
        if (c.req.content_length > 0) check_free_space(c, dir, c.req.content_length);
        sweep_stale(dir + "/.incoming");
        TempUpload tmp(dir, c.cfg.get_bool("UPLOAD_DIRECT_IO", true));
        receive(c, u, tmp, max_size, dir);
        return store(c, u, tmp);
    } catch (const UploadError& e) {
        log::warn("upload refused for user " + std::to_string(c.user_id()) + " (file " +
                  (u.id ? std::to_string(*u.id) : "?") + "): " + e.what());
        c.audit("upload_refused", "sequence_file", u.id, e.what());
        return upload_error(e.status, e.what());
    } catch (const http::BadRequest& e) {
        log::warn("upload failed for user " + std::to_string(c.user_id()) + ": " + e.what());
        return upload_error(e.status(), e.what());
    }
}

}  // namespace vidjil::endpoints
