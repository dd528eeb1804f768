// A larger input buffer for libfcgi's request stream (see fcgi_body.h).
#include "app/fcgi_body.h"

#include <fcgiapp.h>

#include <sys/ioctl.h>

#include <cstdlib>
#include <cstring>

#include "util/log.h"

namespace vidjil::app {

namespace {

// libfcgi 2.4's private stream data (fcgiapp.c). Only readers are touched here.
struct LibfcgiStreamData {
    unsigned char* buff;      // buffer after alignment
    int bufflen;              // bytes buff can store
    unsigned char* mBuff;     // buffer as returned by malloc (freed with the stream)
    unsigned char* buffStop;  // reader: last valid byte + 1 of the buffer
    int type;                 // reader: FCGI_PARAMS or FCGI_STDIN
    int eorStop;              // reader: stop the stream at the end of a record
    int skip;                 // reader: do not deliver content bytes
    int contentLen;           // reader: bytes of unread content of the current record
    int paddingLen;           // reader: bytes of unread padding
    int isAnythingWritten;    // writer only
    int rawWrite;             // writer only
    FCGX_Request* reqDataPtr; // the request this stream belongs to
};

constexpr int kFcgiStdin = 5;  // FCGI_STDIN (fastcgi.h)

bool plausible(const FCGX_Request& request, const FCGX_Stream* in, const LibfcgiStreamData* d) {
    if (!in || !d || !in->isReader || d->reqDataPtr != &request) return false;
    if (d->type != kFcgiStdin || d->eorStop != 0 || (d->skip != 0 && d->skip != 1)) return false;
    if (d->contentLen < 0 || d->contentLen > 65535 || d->paddingLen < 0 || d->paddingLen > 255) return false;
    if (d->bufflen < 32 || !d->mBuff || d->buff < d->mBuff || d->buff - d->mBuff >= 8) return false;
    return d->buff <= in->rdNext && in->rdNext <= in->stop && in->stop <= d->buffStop &&
           d->buffStop <= d->buff + d->bufflen && in->stopUnget >= d->buff && in->stopUnget <= in->rdNext;
}

// FCGI_STDIN records that follow in [p, end) reach the empty one (end of the body)?
bool stdin_end_buffered(const unsigned char* p, const unsigned char* end, int request_id) {
    while (end - p >= 8) {
        const int version = p[0], type = p[1], id = (p[2] << 8) | p[3], length = (p[4] << 8) | p[5],
                  padding = p[6];
        if (version != 1 || type != kFcgiStdin || id != request_id) return false;
        if (length == 0) return true;
        if (end - p < 8 + length + padding) return false;
        p += 8 + length + padding;
    }
    return false;
}

}  // namespace

bool fcgi_input_complete(const FCGX_Request& request) {
    const FCGX_Stream* in = request.in;
    if (!in || request.ipcFd < 0) return false;
    if (!in->isClosed) {
        const auto* d = static_cast<const LibfcgiStreamData*>(in->data);
        if (!plausible(request, in, d) || d->skip != 0) return false;
        // The current record's content not yet in the buffer, or padding not in it: more to come.
        if (d->contentLen != 0 || d->buffStop - in->stop < d->paddingLen) return false;
        if (!stdin_end_buffered(in->stop + d->paddingLen, d->buffStop, request.requestId)) return false;
    }
    int pending = 0;
    return ioctl(request.ipcFd, FIONREAD, &pending) == 0 && pending == 0;
}

bool enlarge_fcgi_input(FCGX_Request& request, size_t size) {
    FCGX_Stream* in = request.in;
    if (!in || in->isClosed) return false;  // the whole body was read (or the connection is gone)
    auto* d = static_cast<LibfcgiStreamData*>(in->data);
    if (!plausible(request, in, d)) {
        static bool said = false;
        if (!said) log::warn("libfcgi's input stream is not as expected: request bodies are read in 8 KiB pieces");
        said = true;
        return false;
    }
    if (size > (1u << 30) || static_cast<size_t>(d->bufflen) >= size) return false;
    auto* fresh = static_cast<unsigned char*>(std::malloc(size));
    if (!fresh) return false;
    // Bytes read from the connection and not yet consumed: the rest of the current record's
    // content [rdNext, stop) and whatever raw records follow it [stop, buffStop).
    size_t pending = static_cast<size_t>(d->buffStop - in->rdNext);
    size_t deliverable = static_cast<size_t>(in->stop - in->rdNext);
    std::memcpy(fresh, in->rdNext, pending);
    std::free(d->mBuff);
    d->mBuff = d->buff = fresh;
    d->bufflen = static_cast<int>(size);
    d->buffStop = fresh + pending;
    in->rdNext = in->stopUnget = fresh;
    in->stop = in->wrNext = fresh + deliverable;
    return true;
}

}  // namespace vidjil::app
