"""Read records of persistent processes (issue 13, app/event_journal.h): get_data's user_log and
audit rows go through a local journal and are written in batches; a process killed (kill -9)
after its answer loses nothing: the next process replays its journal at start. The program runs
here in persistent mode on a private socket with a private journal directory, spoken to with a
minimal FastCGI client, so that the batch timing is the test's choice (no sleeps to win a race)."""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402


def _record(kind, rid, content):
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBB", 1, kind, rid, len(content), pad, 0) + content + b"\0" * pad


def _pair(name, value):
    def n(x):
        return bytes([len(x)]) if len(x) < 128 else struct.pack(">I", len(x) | 0x80000000)
    name, value = name.encode(), value.encode()
    return n(name) + n(value) + name + value


def fcgi_request(path, params):
    """One FastCGI request on the unix socket `path`; returns (status, head + body as text)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(path)
    data = _record(1, 1, struct.pack(">HB5x", 1, 0))
    data += _record(4, 1, b"".join(_pair(k, v) for k, v in params.items())) + _record(4, 1, b"")
    data += _record(5, 1, b"")
    s.sendall(data)
    out, buf = b"", b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, kind, _, length, pad, _ = struct.unpack(">BBHHBB", buf[:8])
            if len(buf) < 8 + length + pad:
                break
            if kind == 6:
                out += buf[8:8 + length]
            buf = buf[8 + length + pad:]
            if kind == 3:
                s.close()
                head, _, body = out.partition(b"\r\n\r\n")
                status = 200
                for line in head.decode("latin-1").split("\r\n"):
                    if line.lower().startswith("status:"):
                        status = int(line.split()[1])
                return status, head.decode("latin-1") + "\r\n\r\n" + body.decode("utf-8", "replace")
    s.close()
    raise AssertionError("no FastCGI answer: %r" % out[:200])


class Persistent:
    """cgi-bin/<program> in persistent mode on a private socket, with its own configuration."""

    def __init__(self, env, program, conf):
        self.dir = tempfile.mkdtemp(prefix="vidjil-journal-")
        self.sock = os.path.join(self.dir, "p.sock")
        self.env, self.program, self.conf = env, program, conf
        self.proc = None

    def start(self):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(self.sock)
        ls.listen(16)
        e = {"PATH": "/usr/bin:/bin", "VIDJIL_CONF": self.conf}
        self.proc = subprocess.Popen([os.path.join(self.env.builddir, "cgi-bin", self.program)], stdin=ls.fileno(),
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "err.log"), "ab"),
                                     env=e)
        ls.close()

    def get(self, path, query, cookie):
        return fcgi_request(self.sock, {
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "DOCUMENT_URI": path,
            "REQUEST_URI": path + "?" + query, "QUERY_STRING": query, "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:%d" % self.env.port, "SERVER_NAME": "127.0.0.1", "HTTP_COOKIE": cookie,
            "CONTENT_LENGTH": "0"})

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def _setup(env, **keys):
    """A patient with a fused result, a reader's cookie and a configuration copy with `keys`."""
    email, pw, uid, c = fx.new_lab_user(env, first="Journal", last="Reader")
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last="Journal-" + env.unique(""))
    sf, _ = fx.add_file(env, ss, "journal.fa", content=">r1\n" + "ACGT" * 20 + "\n")
    cid = fx.make_config(env, command="-c clones --fake-clones 5", fuse="-t 0")
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    p = fx.run_runner(env)
    assert p.returncode == 0 and fx.status_of(env, rid) == "COMPLETED", (p.stderr, fx.job_of(env, rid))
    journal = tempfile.mkdtemp(prefix="vidjil-journal-dir-")
    conf = os.path.join(journal, "vidjil.conf")
    text = open(env.conf).read()
    keys = dict({"EVENT_JOURNAL_DIR": os.path.join(journal, "j")}, **keys)
    with open(conf, "w") as f:
        f.write(text + "".join("\n%s = %s\n" % kv for kv in keys.items()))
    os.chmod(conf, 0o600)
    return ss, cid, uid, fx.cookie(c), conf, journal


def _reads(env, ss, uid):
    audit = env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'get_data' AND record_id = ? AND user_id = ?",
                    ss, uid)[0][0]
    log = env.sql("SELECT COUNT(*) FROM user_log WHERE table_name = 'sample_set' AND record_id = ? AND user_id = ? "
                  "AND msg = 'load sample'", ss, uid)[0][0]
    return int(audit), int(log)


def _journal_lines(journal):
    d = os.path.join(journal, "j")
    return sum(open(os.path.join(d, n)).read().count("\n") for n in os.listdir(d) if n.endswith(".journal"))


def test_killed_process_reads_are_written_by_the_next_one(env):
    # A batch that would only be written after 10 minutes or 1000 reads: the rows stay journaled.
    ss, cid, uid, cookie, conf, journal = _setup(env, EVENT_BATCH_MS="600000", EVENT_BATCH_ROWS="1000")
    p = Persistent(env, "get_data", conf)
    try:
        p.start()
        q = "sample_set_id=%d&config=%d" % (ss, cid)
        for _ in range(3):
            status, text = p.get("/vidjil/default/get_data", q, cookie)
            # The answer itself, or the cache entry nginx sends.
            assert status == 200 and ('"sample_set_id"' in text or "X-Accel-Redirect: " in text), text[:300]
        # The answer has gone: the three reads are in the journal, not yet in the database.
        fx.wait_for(lambda: _journal_lines(journal) == 3, timeout=30)
        assert _reads(env, ss, uid) == (0, 0)
        p.kill9()
        assert _reads(env, ss, uid) == (0, 0) and _journal_lines(journal) == 3
        # The next process (any program with the same journal directory) writes them at start.
        p.start()
        fx.wait_for(lambda: _reads(env, ss, uid) == (3, 3), timeout=30)
        assert _journal_lines(journal) == 0
        created = env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'get_data' AND record_id = ? AND "
                          "detail = ? AND client_ip = '127.0.0.1'", ss, "config %d" % cid)[0][0]
        assert created == "3"
    finally:
        p.stop()
        shutil.rmtree(journal, ignore_errors=True)


def test_reads_are_written_in_batches(env):
    # Two rows per batch, no time limit: the first read waits in the journal, the second writes both.
    ss, cid, uid, cookie, conf, journal = _setup(env, EVENT_BATCH_MS="600000", EVENT_BATCH_ROWS="2")
    p = Persistent(env, "get_data", conf)
    try:
        p.start()
        q = "sample_set_id=%d&config=%d" % (ss, cid)
        assert p.get("/vidjil/default/get_data", q, cookie)[0] == 200
        fx.wait_for(lambda: _journal_lines(journal) == 1, timeout=30)
        assert _reads(env, ss, uid) == (0, 0)
        assert p.get("/vidjil/default/get_data", q, cookie)[0] == 200
        fx.wait_for(lambda: _reads(env, ss, uid) == (2, 2), timeout=30)
        fx.wait_for(lambda: _journal_lines(journal) == 0, timeout=30)
    finally:
        p.stop()
        shutil.rmtree(journal, ignore_errors=True)


def test_pending_reads_are_written_after_the_interval(env):
    # One read, a 200 ms interval: written without any further request.
    ss, cid, uid, cookie, conf, journal = _setup(env, EVENT_BATCH_MS="200", EVENT_BATCH_ROWS="1000")
    p = Persistent(env, "get_data", conf)
    try:
        p.start()
        assert p.get("/vidjil/default/get_data", "sample_set_id=%d&config=%d" % (ss, cid), cookie)[0] == 200
        fx.wait_for(lambda: _reads(env, ss, uid) == (1, 1), timeout=30)
    finally:
        p.stop()
        shutil.rmtree(journal, ignore_errors=True)


def _answer_json(env, text):
    """get_data's JSON from a FastCGI answer: the body, or the cache entry nginx would send."""
    import json
    head, _, body = text.partition("\r\n\r\n")
    for line in head.split("\r\n"):
        if line.startswith("X-Accel-Redirect: "):
            conf = fx.conf_values(env)
            rel = line.split(": ", 1)[1][len(conf["X_ACCEL_RESULTS"].rstrip("/")) + 1:]
            from urllib.parse import unquote
            body = open(os.path.join(conf["DIR_RESULTS"], unquote(rel)), encoding="utf-8").read()
    return json.loads(body)


def test_writes_of_other_processes_are_seen_by_the_next_read(env):
    # One persistent process answers every read: what another process changed in between (the
    # patient's information, a new log line of the record, the reader's access) is in the next
    # answer, never an answer kept from before.
    ss, cid, uid, cookie, conf, journal = _setup(env)
    p = Persistent(env, "get_data", conf)
    try:
        p.start()
        q = "sample_set_id=%d&config=%d" % (ss, cid)
        status, text = p.get("/vidjil/default/get_data", q, cookie)
        assert status == 200, text[:300]
        before = _answer_json(env, text)
        assert before["info"] == "" and before["sample_set_id"] == ss
        patient = int(env.sql("SELECT id FROM patient WHERE sample_set_id = ?", ss)[0][0])
        env.sql("UPDATE patient SET info = 'relapse #2' WHERE id = ?", patient)
        env.sql("INSERT INTO user_log (user_id, created, msg, table_name, record_id) VALUES (?, NOW(), "
                "'edited elsewhere', 'patient', ?)", uid, patient)
        status, text = p.get("/vidjil/default/get_data", q, cookie)
        after = _answer_json(env, text)
        assert after["info"] == "relapse #2", after["info"]
        assert [l["message"] for l in after["logs"]][-1:] == ["edited elsewhere"], after["logs"]
        env.sql("DELETE FROM auth_permission WHERE name = 'access' AND table_name = 'sample_set' AND record_id = ?", ss)
        status, text = p.get("/vidjil/default/get_data", q, cookie)
        assert "you do not have permission to consult this sample_set" in text, text[:300]
        assert "X-Accel-Redirect" not in text
    finally:
        p.stop()
        shutil.rmtree(journal, ignore_errors=True)
