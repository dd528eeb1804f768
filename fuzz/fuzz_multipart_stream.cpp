// libFuzzer harness for the streaming multipart reader (uploads). Input: byte 0 chooses the
// size of the reads the source answers (1..64 bytes, or as much as asked), byte 1 the limits,
// then the boundary up to the first '\n', then the body. Oracle besides the sanitizers: the
// parts read must not depend on how the body is cut into reads (same parts, same bytes, same
// success or failure as with one single read).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/harnesses.h"
#include "http/multipart_stream.h"
#include "http/request.h"

using namespace vidjil;

namespace {

struct Outcome {
    bool ok = true;
    std::vector<std::string> parts;  // name, filename, type, is_file and data of each part
};

Outcome read_all(const std::string& boundary, const std::string& body, size_t step,
                 const http::MultipartReader::Limits& limits, bool fields) {
    Outcome o;
    size_t pos = 0;
    auto source = [&](char* buf, size_t n) -> size_t {
        size_t k = std::min({n, step, body.size() - pos});
        std::memcpy(buf, body.data() + pos, k);
        pos += k;
        return k;
    };
    try {
        http::MultipartReader reader(source, boundary, limits);
        http::PartHeaders h;
        while (reader.next_part(h)) {
            std::string d = h.name + '\0' + h.filename + '\0' + h.content_type + '\0' + (h.is_file ? "1" : "0") + '\0';
            if (fields && !h.is_file) {
                d += reader.read_field();
            } else {
                for (std::string_view c = reader.next_chunk(); !c.empty(); c = reader.next_chunk()) {
                    d.append(c);
                }
            }
            o.parts.push_back(std::move(d));
            if (!reader.next_chunk().empty()) __builtin_trap();  // a finished part stays finished
        }
        if (reader.next_part(h)) __builtin_trap();  // the end stays the end
    } catch (const http::BadRequest&) {
        o.ok = false;
        o.parts.clear();
    }
    return o;
}

}  // namespace

int vidjil::fuzz::multipart_stream(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    size_t step = data[0] >= 192 ? SIZE_MAX : 1 + data[0] % 64;
    http::MultipartReader::Limits limits;
    if (data[1] & 1) {
        limits.max_header_bytes = 64 + data[1];
        limits.max_parts = 1 + data[1] % 8;
        limits.max_field_bytes = 8 + data[1] * 4;
    }
    bool fields = data[1] & 2;
    std::string rest(reinterpret_cast<const char*>(data) + 2, size - 2);
    size_t nl = rest.find('\n');
    std::string boundary = nl == std::string::npos ? rest : rest.substr(0, nl);
    std::string body = nl == std::string::npos ? "" : rest.substr(nl + 1);
    Outcome chunked = read_all(boundary, body, step, limits, fields);
    // Long preambles are only bounded when streamed, so compare on small bodies only.
    if (body.size() < 60000) {
        Outcome whole = read_all(boundary, body, SIZE_MAX, limits, fields);
        if (chunked.ok != whole.ok || chunked.parts != whole.parts) __builtin_trap();
    }
    return 0;
}

VIDJIL_FUZZ_ENTRY(multipart_stream)
