// A streaming multipart/form-data reader for uploads of many gigabytes: the body is read in
// bounded chunks from a source and handed out part by part, so memory stays constant whatever
// the size of the file. It is the only multipart parser: http::parse_multipart feeds it a small
// form from memory.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vidjil::http {

struct PartHeaders {
    std::string name;          // form field name
    std::string filename;      // as sent by the client (not sanitised)
    std::string content_type;
    bool is_file = false;      // a filename= parameter was present
};

class MultipartReader {
public:
    // Reads up to n bytes into buf; 0 at the end of the body.
    using Source = std::function<size_t(char* buf, size_t n)>;
    struct Limits {
        size_t max_header_bytes = 16384;  // headers of one part
        size_t max_parts = 64;
        size_t max_field_bytes = 65536;   // value of a non-file field (read_field)
    };

    // Throws BadRequest when the boundary is missing or unusable.
    MultipartReader(Source source, const std::string& boundary, Limits limits);
    MultipartReader(Source source, const std::string& boundary) : MultipartReader(std::move(source), boundary, Limits()) {}

    // Moves to the next part (skipping what is left of the current one). False after the
    // closing delimiter. Throws BadRequest on malformed or truncated input.
    bool next_part(PartHeaders& out);
    // The next piece of the current part's data, valid until the next call; empty at its end.
    std::string_view next_chunk();
    // The whole value of the current part (a small field); throws BadRequest beyond the limit.
    std::string read_field();

private:
    bool fill();                 // reads more input; false at the end of the source
    void compact();
    [[noreturn]] void truncated();

    Source source_;
    std::string delim_;          // "\r\n--" + boundary
    Limits limits_;
    std::vector<char> buf_;
    size_t start_ = 0, end_ = 0;
    size_t next_read_;           // size of the next read from the source (grows to buf_.size())
    bool eof_ = false;
    bool in_part_ = false;       // between a part's headers and its closing delimiter
    bool done_ = false;          // the closing delimiter was seen
    size_t parts_ = 0;
};

}  // namespace vidjil::http
