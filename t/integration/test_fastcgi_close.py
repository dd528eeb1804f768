"""How a persistent program closes its FastCGI connection (issue 13, small routes): once the
web server has sent the whole request (the empty FCGI_STDIN record that ends the body has
arrived), the program closes at once instead of libfcgi's lingering close (shut the sending side,
then wait for the web server to close first: a second wait per request). While a body is still
arriving, it lingers as before, so that the web server's writes do not fail before it has read
the answer. This test is the web server (t/fixtures/fcgi_client.py)."""
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from fcgi_client import STDIN, Program, answer, begin, record  # noqa: E402


def _params(env, method, uri, length=None):
    p = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "DOCUMENT_URI": uri, "REQUEST_URI": uri,
         "QUERY_STRING": "", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:%d" % env.port,
         "SERVER_NAME": "127.0.0.1"}
    if length is not None:
        p.update(CONTENT_TYPE="application/octet-stream", CONTENT_LENGTH=str(length))
    return p


def _closed_by_program(s):
    """After the answer and end of stream: has the program closed its socket (a write fails), or
    only shut its sending side down (a write is still taken)?"""
    assert s.recv(1) == b"", "data after FCGI_END_REQUEST"
    try:
        s.send(b"\0" * 8)
        return False
    except (BrokenPipeError, ConnectionResetError):
        return True


def test_fastcgi_whole_request_arrived_program_closes_at_once(env):
    """A GET (params, then the empty FCGI_STDIN; whoami without a session: 303 to the login page)
    and a POST whose body and end record were all
    sent before the answer (the program does not read it: unknown route): the program's
    connection is closed by the time the answer has ended."""
    prog = Program(env, "default")
    try:
        for req, expect in ((begin(_params(env, "GET", "/vidjil/default/whoami")) + record(STDIN, b""), 303),
                            (begin(_params(env, "POST", "/vidjil/default/no_such_route", 3000))
                             + record(STDIN, b"a" * 1000, 3) + record(STDIN, b"b" * 2000, 0) + record(STDIN, b""),
                             404)):
            s = prog.connect()
            s.sendall(req)
            status, payload = answer(s)
            assert status == expect, (status, payload[:300])
            assert _closed_by_program(s), "the program kept its connection open after a complete request"
            s.close()
    finally:
        prog.close()


def test_fastcgi_body_still_arriving_program_lingers(env):
    """A POST whose body has not all been sent when the answer comes (unknown route, and a body
    larger than the program reads and drops after an early answer): the program still takes
    what the web server writes after the answer, and a following request on a new connection is
    answered."""
    prog = Program(env, "default")
    try:
        s = prog.connect()
        s.sendall(begin(_params(env, "POST", "/vidjil/default/no_such_route", 100 << 20))
                  + record(STDIN, b"a" * 1000))
        status, _ = answer(s)
        assert status == 404, status
        assert not _closed_by_program(s), "the program closed while the body was still arriving"
        s.sendall(record(STDIN, b"b" * 4000))
        s.shutdown(socket.SHUT_WR)
        s.close()
        s = prog.connect()
        s.sendall(begin(_params(env, "GET", "/vidjil/default/whoami")) + record(STDIN, b""))
        assert answer(s)[0] == 303  # whoami without a session: to the login page
        s.close()
    finally:
        prog.close()
