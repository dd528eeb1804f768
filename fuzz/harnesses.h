// Entry functions of the fuzz harnesses. Each fuzz/fuzz_<name>.cpp defines one; built with
// clang -fsanitize=fuzzer (fuzz/run, -DVIDJIL_LIBFUZZER) it is libFuzzer's
// LLVMFuzzerTestOneInput, and built with the normal g++ build it is replayed over
// fuzz/corpus/<name>/ by fuzz/replay (t/run-all). An entry function returns 0; it lets no
// exception escape except a bug (expected errors, e.g. BadRequest, are caught inside).
#pragma once
#include <cstddef>
#include <cstdint>

namespace vidjil::fuzz {

int request(const uint8_t* data, size_t size);           // query, urlencoded, multipart, from_env
int multipart_stream(const uint8_t* data, size_t size);  // http::MultipartReader
int params_json(const uint8_t* data, size_t size);       // Type::Json parameters (data=...)
int cookies_headers(const uint8_t* data, size_t size);   // cookies, header params, origin policy
int vidjil_import(const uint8_t* data, size_t size);     // .vidjil results (gzip, JSON, spans)
int airr_import(const uint8_t* data, size_t size);       // AIRR rearrangement TSV
int markdown(const uint8_t* data, size_t size);          // news Markdown sanitiser
int sql_dump(const uint8_t* data, size_t size);          // mysqldump reader of import-dump
int backup_tar(const uint8_t* data, size_t size);        // tar reader of restore

}  // namespace vidjil::fuzz

#ifdef VIDJIL_LIBFUZZER
#define VIDJIL_FUZZ_ENTRY(fn)                                                         \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {        \
        return vidjil::fuzz::fn(data, size);                                          \
    }
#else
#define VIDJIL_FUZZ_ENTRY(fn)
#endif
