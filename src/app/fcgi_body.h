// The body of a FastCGI request (FCGI_STDIN) read in large pieces. libfcgi reads its connection
// through an 8 KiB stream buffer whatever the caller asks for: a 2 GB upload cost about 280,000
// read() calls. enlarge_fcgi_input gives the request's input stream a larger buffer, so a read
// takes whatever the web server has already sent (up to the buffer's size); libfcgi still parses
// the records (FCGI_STDIN, padding, management records, end of stream, a closed connection).
#pragma once
#include <cstddef>

struct FCGX_Request;

namespace vidjil::app {

constexpr size_t kFcgiInputBuffer = 1024 * 1024;

// Replaces the 8 KiB buffer of request.in by one of `size` bytes (freed by libfcgi with the
// stream, at FCGX_Finish_r), keeping the bytes already read from the connection. The buffer is
// private to libfcgi (fcgiapp.c, FCGX_Stream_Data, unchanged since libfcgi 2.2): the stream's
// state is checked first, and nothing is changed (false) when it is not the expected one (a
// warning is logged once), when the stream is at its end or when the buffer is already at
// least `size` bytes. Returns true when the buffer was replaced.
bool enlarge_fcgi_input(FCGX_Request& request, size_t size = kFcgiInputBuffer);

// True when the whole request has arrived: libfcgi's input stream is at its end, or the bytes
// it has read from the connection and not yet delivered reach the (empty) FCGI_STDIN record
// that ends the body, and the connection holds nothing more. The web server then sends
// nothing else on this connection, so it can be closed at once (no lingering close: libfcgi
// shuts the sending side and waits, up to 2 s, for the web server to close first, which is a
// second wait per request; lingering is only of use while the peer may still send, when a
// close would lose data or reset the connection). Reads libfcgi's private stream state with
// the same checks as enlarge_fcgi_input; false whenever anything is not as expected.
bool fcgi_input_complete(const FCGX_Request& request);

}  // namespace vidjil::app
