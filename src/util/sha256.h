// SHA-256 (FIPS 180-4) without OpenSSL: the session token of every request is hashed with it, and
// in a process per request (fcgiwrap) OpenSSL's EVP_Digest costs more than the rest of a small
// request (provider and configuration initialisation, issue 13). Streams (uploads) keep EVP.
#pragma once
#include <cstddef>
#include <cstdint>

namespace vidjil::sha256 {

void digest(const void* data, size_t size, unsigned char out[32]);

}  // namespace vidjil::sha256
