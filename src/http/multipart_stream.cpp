// Streaming multipart/form-data reader (see multipart_stream.h).
#include "http/multipart_stream.h"

#include <algorithm>
#include <cstring>

#include "http/request.h"
#include "util/text.h"

namespace vidjil::http {

namespace {
constexpr size_t kBufferSize = 1024 * 1024;  // 1 MiB reads: fewer calls into the FastCGI stream
constexpr size_t kMaxPreamble = 65536;
constexpr size_t kFirstRead = 64 * 1024;

// First complete occurrence of `delim` (which starts with '\r') in [p, p + n). memchr for the
// '\r' is far faster than memmem on sequence data, which has few or no CR bytes.
const char* find_delim(const char* p, size_t n, const std::string& delim) {
    const char* end = p + n;
    while (static_cast<size_t>(end - p) >= delim.size()) {
        const void* r = std::memchr(p, '\r', static_cast<size_t>(end - p) - delim.size() + 1);
        if (!r) return nullptr;
        const char* c = static_cast<const char*>(r);
        if (std::memcmp(c, delim.data(), delim.size()) == 0) return c;
        p = c + 1;
    }
    return nullptr;
}
}  // namespace

MultipartReader::MultipartReader(Source source, const std::string& boundary, Limits limits)
    : source_(std::move(source)), limits_(limits), buf_(kBufferSize), next_read_(kFirstRead) {
    if (boundary.empty()) throw BadRequest("Malformed form: the multipart boundary is missing.");
    if (boundary.size() > 200) throw BadRequest("Malformed form: the multipart boundary is too long.");
    for (char c : boundary)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            throw BadRequest("Malformed form: the multipart boundary contains control characters.");
    delim_ = "\r\n--" + boundary;
    // A virtual CRLF before the body makes the first delimiter look like every other one.
    buf_[0] = '\r';
    buf_[1] = '\n';
    end_ = 2;
}

void MultipartReader::truncated() {
    throw BadRequest("Malformed form: the body is truncated (was the upload interrupted?).");
}

void MultipartReader::compact() {
    if (start_ == 0) return;
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
}

bool MultipartReader::fill() {
    if (eof_) return false;
    compact();
    if (end_ == buf_.size()) throw BadRequest("Malformed form: a part header is too large.");
    // The first reads are small and grow to the whole buffer: a source that blocks until it has
    // all it was asked for (FCGX_GetStr) hands over the form fields and the start of the file
    // at once, then the body streams in 1 MiB reads.
    size_t want = std::min(buf_.size() - end_, next_read_);
    next_read_ = std::min(next_read_ * 2, buf_.size());
    size_t n = source_(buf_.data() + end_, want);
    if (n == 0) {
        eof_ = true;
        return false;
    }
    end_ += n;
    return true;
}

std::string_view MultipartReader::next_chunk() {
    if (!in_part_) return {};
    for (;;) {
        const char* base = buf_.data();
        const char* hit = find_delim(base + start_, end_ - start_, delim_);
        if (hit) {
            size_t p = static_cast<size_t>(hit - base);
            if (p > start_) {
                std::string_view out(base + start_, p - start_);
                start_ = p;
                return out;
            }
            start_ += delim_.size();
            in_part_ = false;
            return {};
        }
        // Without a delimiter in view, all but its possible beginning is part data.
        if (end_ - start_ >= delim_.size()) {
            size_t safe = end_ - (delim_.size() - 1);
            std::string_view out(base + start_, safe - start_);
            start_ = safe;
            return out;
        }
        if (!fill()) truncated();
    }
}

std::string MultipartReader::read_field() {
    std::string value;
    for (std::string_view chunk = next_chunk(); !chunk.empty(); chunk = next_chunk()) {
        if (value.size() + chunk.size() > limits_.max_field_bytes)
            throw BadRequest("Malformed form: a field is too large.", 413);
        value.append(chunk);
    }
    return value;
}

bool MultipartReader::next_part(PartHeaders& out) {
    while (in_part_) next_chunk();
    if (done_) return false;
    if (parts_ == 0) {
        // Skip the preamble up to the first delimiter.
        size_t skipped = 0;
        for (;;) {
            const char* hit = find_delim(buf_.data() + start_, end_ - start_, delim_);
            if (hit) {
                start_ = static_cast<size_t>(hit - buf_.data()) + delim_.size();
                break;
            }
            size_t keep = std::min(end_ - start_, delim_.size() - 1);
            skipped += end_ - start_ - keep;
            start_ = end_ - keep;
            if (skipped > kMaxPreamble) throw BadRequest("Malformed form: no part found.");
            if (!fill()) throw BadRequest("Malformed form: no part found.");
        }
    }
    // After a delimiter: "--" closes the body, else optional blanks and CRLF open a part.
    while (end_ - start_ < 2)
        if (!fill()) truncated();
    if (buf_[start_] == '-' && buf_[start_ + 1] == '-') {
        done_ = true;
        start_ += 2;
        return false;
    }
    for (;;) {
        while (start_ < end_ && (buf_[start_] == ' ' || buf_[start_] == '\t')) ++start_;
        if (end_ - start_ >= 2) break;
        if (!fill()) truncated();
    }
    if (buf_[start_] != '\r' || buf_[start_ + 1] != '\n') throw BadRequest("Malformed form: bad part delimiter.");
    start_ += 2;
    if (++parts_ > limits_.max_parts) throw BadRequest("Malformed form: too many parts.");

    out = PartHeaders();
    bool disposition = false;
    size_t header_bytes = 0;
    for (;;) {
        const void* crlf = memmem(buf_.data() + start_, end_ - start_, "\r\n", 2);
        if (!crlf) {
            if (end_ - start_ + header_bytes > limits_.max_header_bytes)
                throw BadRequest("Malformed form: part headers are too large.");
            if (!fill()) truncated();
            continue;
        }
        size_t len = static_cast<size_t>(static_cast<const char*>(crlf) - (buf_.data() + start_));
        std::string line(buf_.data() + start_, len);
        start_ += len + 2;
        header_bytes += len + 2;
        if (header_bytes > limits_.max_header_bytes) throw BadRequest("Malformed form: part headers are too large.");
        if (line.empty()) break;
        if (text::has_control_chars(line) || !text::valid_utf8(line))
            throw BadRequest("Malformed form: part headers contain control characters or invalid text.");
        size_t colon = line.find(':');
        if (colon == std::string::npos) throw BadRequest("Malformed form: bad part header.");
        std::string hname = text::to_lower(text::trim(line.substr(0, colon)));
        std::string hvalue = text::trim(line.substr(colon + 1));
        if (hname == "content-disposition") {
            if (text::to_lower(text::trim(hvalue.substr(0, hvalue.find(';')))) != "form-data")
                throw BadRequest("Malformed form: a part is not form-data.");
            disposition = true;
            out.name = header_param(hvalue, "name");
            out.is_file = hvalue.find("filename=") != std::string::npos || hvalue.find("filename*=") != std::string::npos;
            out.filename = header_param(hvalue, "filename");
        } else if (hname == "content-type") {
            out.content_type = hvalue;
        }
    }
    if (!disposition || out.name.empty()) throw BadRequest("Malformed form: a part has no field name.");
    in_part_ = true;
    return true;
}

}  // namespace vidjil::http
