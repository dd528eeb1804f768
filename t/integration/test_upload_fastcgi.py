"""file/upload through the FastCGI protocol itself (issue 13, uploads): the file program runs as a
persistent FastCGI process on a socket of the test's own, and this test is the web server. The
body is read from the connection in large pieces (app/fcgi_body.h): whatever the record layout,
the stored file and its sha256 are the bytes sent; the program does few read() calls; a client
gone mid-body leaves no file and no row change."""
import hashlib
import os
import random
import socket
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
from fcgi_client import STDIN, Program, answer, begin, record  # noqa: E402


def _stdin_records(body, sizes, rng):
    """FCGI_STDIN records of body in pieces whose sizes are drawn by sizes(), random padding."""
    out, i = [], 0
    while i < len(body):
        n = sizes()
        out.append(record(STDIN, body[i:i + n], rng.randrange(8)))
        i += n
    return out


def _request(env, cookie, body, ctype):
    params = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "DOCUMENT_URI": "/vidjil/file/upload",
              "REQUEST_URI": "/vidjil/file/upload", "QUERY_STRING": "", "REMOTE_ADDR": "127.0.0.1",
              "HTTP_HOST": "127.0.0.1:%d" % env.port, "SERVER_NAME": "127.0.0.1", "HTTP_COOKIE": cookie,
              "CONTENT_TYPE": ctype, "CONTENT_LENGTH": str(len(body))}
    return begin(params)


def _send(s, data, rng):
    """Sends data in pieces of random sizes (record boundaries and reads do not line up)."""
    i = 0
    while i < len(data):
        n = rng.choice((1, 7, 100, 4096, 70000, 1 << 20))
        s.sendall(data[i:i + n])
        i += n


def _form(sf, data, boundary):
    return (("--%s\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n%d\r\n"
             "--%s\r\nContent-Disposition: form-data; name=\"file_number\"\r\n\r\n2\r\n"
             "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r2.fa\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n" % (boundary, sf, boundary, boundary)).encode()
            + data + ("\r\n--%s--\r\n" % boundary).encode())


def _fasta(mb, seed):
    rng = random.Random(seed)
    line = "".join(rng.choice("ACGT") for _ in range(4096))
    out, i = [], 0
    while sum(map(len, out)) < mb << 20:
        out.append(">read%d\n%s\n" % (i, line[i % 3000: i % 3000 + 1000]))
        i += 1
    return "".join(out).encode()


def _target(env):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Fcgi"))
    sf, _ = fx.add_file(env, ss, "r1.fa", content=">r\nACGT\n")
    return fx.cookie(c), sf


def _stored(env, sf):
    row = env.sql("SELECT COALESCE(data_file2, ''), size_file2 FROM sequence_file WHERE id = ?", sf)[0]
    if not row[0]:
        return None
    return open(os.path.join(fx.conf_values(env)["DIR_SEQUENCES"], row[0]), "rb").read()


def _files(env):
    d = fx.conf_values(env)["DIR_SEQUENCES"]
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)


def test_fastcgi_upload_small_and_large_records_store_the_same_file(env):
    """Records of 1 to 3000 bytes (random padding, sent in random pieces) and records of the
    maximum size (65535) give the same stored file and sha256, the bytes sent; the big-record
    upload of 16 MB takes fewer than one read() per 16 KiB (libfcgi alone: one per 8 KiB)."""
    data = _fasta(16, 1)
    digest = hashlib.sha256(data).hexdigest()
    rng = random.Random(7)
    prog = Program(env)
    try:
        got = []
        for layout in ("small", "large"):
            cookie, sf = _target(env)
            boundary = "----fcgi" + env.unique()
            body = _form(sf, data, boundary)
            ctype = "multipart/form-data; boundary=" + boundary
            sizes = (lambda: rng.choice((1, 2, 13, 500, 3000))) if layout == "small" else (lambda: 65535)
            records = b"".join(_stdin_records(body, sizes, rng)) + record(STDIN, b"")
            s = prog.connect()
            reads0 = prog.reads()
            s.sendall(_request(env, cookie, body, ctype))
            if layout == "small":
                _send(s, records, rng)
            else:
                s.sendall(records)
            status, payload = answer(s)
            reads1 = prog.reads()
            s.close()
            assert status == 200 and ('"sha256":"%s"' % digest).encode() in payload, (layout, status, payload[:300])
            assert _stored(env, sf) == data, layout
            assert env.sql("SELECT size, sha256 FROM vidjil_sequence_checksum WHERE sequence_file_id = ? AND "
                           "file_number = 2", sf) == [[str(len(data)), digest]], layout
            got.append((layout, reads1[0] - reads0[0], reads1[1] - reads0[1]))
        layout, calls, nbytes = got[1]
        print("reads of the program for a %d-byte body: %s" % (len(data), got))
        assert nbytes >= len(data), got
        assert calls < len(data) // 16384, got  # 8 KiB reads would be >= 2048 calls
    finally:
        logged = prog.close()
    assert "not as expected" not in logged, logged  # libfcgi's stream was the one fcgi_body.cpp knows


def test_fastcgi_client_gone_mid_body_leaves_nothing(env):
    """The web server's connection closes in the middle of a record of the file: no file is left
    in DIR_SEQUENCES or its .incoming directory and the row is unchanged; the same process then
    answers the next upload (which also shows the first one is finished)."""
    data = _fasta(8, 2)
    rng = random.Random(11)
    prog = Program(env)
    try:
        cookie, sf = _target(env)
        cookie2, sf2 = _target(env)
        before_row, before_files = env.sql("SELECT * FROM sequence_file WHERE id = ?", sf), _files(env)
        boundary = "----gone" + env.unique()
        body = _form(sf, data, boundary)
        records = b"".join(_stdin_records(body, lambda: 65535, rng))
        s = prog.connect()
        s.sendall(_request(env, cookie, body, "multipart/form-data; boundary=" + boundary))
        s.sendall(records[: len(records) // 2 + 1001])  # a cut inside a record's content
        s.shutdown(socket.SHUT_WR)
        s.close()
        # The next request on the same (single) process is answered after the first is over.
        small = _fasta(1, 3)
        boundary2 = "----next" + env.unique()
        body2 = _form(sf2, small, boundary2)
        s = prog.connect()
        s.sendall(_request(env, cookie2, body2, "multipart/form-data; boundary=" + boundary2) +
                  b"".join(_stdin_records(body2, lambda: 65535, rng)) + record(STDIN, b""))
        status, payload = answer(s)
        s.close()
        assert status == 200 and _stored(env, sf2) == small, (status, payload[:300])
        assert env.sql("SELECT * FROM sequence_file WHERE id = ?", sf) == before_row
        after = [f for f in _files(env) if f not in before_files]
        stored2 = env.sql("SELECT data_file2 FROM sequence_file WHERE id = ?", sf2)[0][0]
        assert after == [stored2], after  # nothing from the interrupted upload, .incoming empty
    finally:
        prog.close()


def test_cgi_upload_direct_and_through_the_page_cache_store_the_same_bytes(env):
    """Under CGI (the body on a pipe): UPLOAD_DIRECT_IO 1 (O_DIRECT where possible) and 0 store
    the same bytes and sha256, for a file of several 4 MiB buffers and a partial last block."""
    data = _fasta(9, 4)[: (9 << 20) + 4097]
    digest = hashlib.sha256(data).hexdigest()
    for direct in ("1", "0"):
        cookie, sf = _target(env)
        fd, conf = tempfile.mkstemp(prefix="vidjil-direct-", suffix=".conf")
        with os.fdopen(fd, "w") as f:
            f.write("".join(line for line in open(env.conf) if not line.startswith("UPLOAD_DIRECT_IO")) +
                    "\nUPLOAD_DIRECT_IO = %s\n" % direct)
        try:
            boundary = "----cgi" + env.unique()
            a = env.cgi("file", "POST", "/vidjil/file/upload", body=_form(sf, data, boundary),
                        content_type="multipart/form-data; boundary=" + boundary, cookie=cookie, conf=conf)
        finally:
            os.unlink(conf)
        assert a.status == 200 and a.json()["sha256"] == digest and a.json()["size"] == len(data), (direct, a, a.stderr)
        assert _stored(env, sf) == data, direct
