"""Integration tests of the routes of issue 10 §2: log/index (filters, paging, who sees which
rows), admin/showlog (confined to DIR_LOG), admin/clean_workers_status (runner heartbeats, dead
runners' jobs set to FAILED), the segmenter (t/fixtures/fake-vidjil-algo, limits), proxy/* (a fake
upstream HTTP server on loopback) and /vidjil/download/<stored name>."""
import http.server
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
import vtest  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n"


def _conf_with(env, **keys):
    fd, path = tempfile.mkstemp(prefix="vidjil-routes-", suffix=".conf", dir=os.path.join(env.state, "etc"))
    with os.fdopen(fd, "w") as f:
        f.write(open(env.conf).read() + "\n" + "".join("%s = %s\n" % kv for kv in keys.items()))
    return path


def _admin_cookie(env):
    return fx.cookie(env.admin())


def _log_row(env, uid, table, record, msg):
    env.sql("INSERT INTO user_log (user_id, created, msg, table_name, record_id) VALUES (?, NOW(), ?, ?, ?)",
            uid, msg, table, record)


# --- log/index ---------------------------------------------------------------------------------

def test_log_index_shows_only_rows_of_own_groups_sets(env):
    email, pw, uid, c = fx.new_lab_user(env)
    mine, patient = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Log"))
    sf, _ = fx.add_file(env, mine, "a.fa", content=FASTA)
    o_email, o_pw, other_uid, other = fx.new_lab_user(env)
    private, _ = fx.make_set(env, fx.personal_group(env, other_uid), kind="generic")
    shared, _ = fx.make_set(env, fx.personal_group(env, other_uid), kind="generic")
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'sample_set', ?)",
            fx.public_group(env), shared)
    tag = env.unique("log")
    _log_row(env, uid, "sample_set", mine, tag + " set <b>mine</b>")
    _log_row(env, uid, "sequence_file", sf, tag + " file mine")
    _log_row(env, uid, "patient", patient, tag + " patient mine")
    _log_row(env, other_uid, "sample_set", private, tag + " set private")
    _log_row(env, other_uid, "sample_set", shared, tag + " set public")

    def messages(client, **q):
        q["format"] = "json"
        a = client.get("/vidjil/log/index", query=q)
        assert a.status == 200, a
        return [r["message"] for r in a.json()["query"] if r["message"].startswith(tag)]

    assert sorted(messages(c)) == sorted([tag + " set <b>mine</b>", tag + " file mine", tag + " patient mine"])
    assert messages(c, table="sequence_file") == [tag + " file mine"]
    assert messages(c, table="sample_set", id=mine) == [tag + " set <b>mine</b>"]
    # another group's private set, and a set shared only through the public group: not shown
    assert messages(c, table="sample_set", id=private) == [] and messages(c, table="sample_set", id=shared) == []
    assert tag + " set private" in messages(env.admin(), table="sample_set", id=private)
    # a grant on the legacy patient row (imported data) gives the set's logs too, as it gives the set
    l_email, l_pw, legacy_uid, legacy = fx.new_lab_user(env)
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'patient', ?)",
            fx.personal_group(env, legacy_uid), patient)
    assert sorted(messages(legacy)) == sorted(messages(c))
    # the page: selectors, escaped message, newest first
    page = c.get("/vidjil/log/index", query={"table": "sample_set", "id": mine})
    assert 'id="table_selector"' in page.text and 'id="id_selector"' in page.text
    assert "&lt;b&gt;mine&lt;/b&gt;" in page.text and "<b>mine</b>" not in page.text
    assert env.client().get("/vidjil/log/index").status == 303


def test_log_index_pages_of_100(env):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), kind="generic")
    tag = env.unique("page")
    env.sql("INSERT INTO user_log (user_id, created, msg, table_name, record_id) SELECT ?, NOW(), CONCAT(?, seq), "
            "'sample_set', ? FROM seq_1_to_130", uid, tag + " ", ss)
    first = c.get("/vidjil/log/index", query={"table": "sample_set", "id": ss, "format": "json"}).json()
    second = c.get("/vidjil/log/index", query={"table": "sample_set", "id": ss, "page": 1, "format": "json"}).json()
    assert first["total"] == 130 and len(first["query"]) == 100 and len(second["query"]) == 30
    assert first["query"][0]["message"] == tag + " 130" and second["query"][-1]["message"] == tag + " 1"
    html = c.get("/vidjil/log/index", query={"table": "sample_set", "id": ss}).text
    assert 'id="log_next"' in html and 'id="log_prev"' not in html


# --- admin/showlog -----------------------------------------------------------------------------

def _log_dir(env):
    d = tempfile.mkdtemp(prefix="logs-", dir=os.path.join(env.state, "data"))
    with open(os.path.join(d, "vidjil.log"), "w") as f:
        for i in range(1, 601):
            f.write("[42] 2024-06-01 10:00:%02d,000 INFO - line %d%s\n" % (i % 60, i, " needle" if i % 7 == 0 else ""))
    os.makedirs(os.path.join(d, "sub"))
    with open(os.path.join(d, "sub", "x.log"), "w") as f:
        f.write("inner <script>\n")
    secret = os.path.join(env.state, "data", env.unique("secret"))
    with open(secret, "w") as f:
        f.write("SECRET-OUTSIDE\n")
    os.symlink(secret, os.path.join(d, "escape.log"))
    os.symlink("..", os.path.join(d, "up"))
    return d, secret


def test_showlog_newest_first_filter_and_formats(env):
    d, _ = _log_dir(env)
    conf = _conf_with(env, DIR_LOG=d)
    ck = _admin_cookie(env)
    try:
        a = env.cgi("admin", "GET", "/vidjil/admin/showlog", query="file=vidjil.log&format=vidjil", cookie=ck,
                    conf=conf)
        js = env.cgi("admin", "GET", "/vidjil/admin/showlog", query="file=vidjil.log&format=json", cookie=ck, conf=conf)
        j = env.cgi("admin", "GET", "/vidjil/admin/showlog", query="file=vidjil.log&format=vidjil&filter=needle",
                    cookie=ck, conf=conf)
        raw = env.cgi("admin", "GET", "/vidjil/admin/showlog", query="file=vidjil.log&format=raw", cookie=ck, conf=conf)
        listing = env.cgi("admin", "GET", "/vidjil/admin/showlog", cookie=ck, conf=conf)
        inner = env.cgi("admin", "GET", "/vidjil/admin/showlog", query="file=sub/x.log", cookie=ck, conf=conf)
    finally:
        os.unlink(conf)
    page = a.text
    assert a.status == 200 and 'id="table_showlog"' in page, a
    assert page.count("<tr><td>2024-06-01") == 500  # at most 500 lines
    assert page.index("line 600<") < page.index("line 599<") and "line 100<" not in page
    assert "<td>INFO</td>" in page and "<td>42</td>" in page
    lines = js.json()["lines"]
    assert len(lines) == 500 and lines[0]["message"] == "line 600" and lines[0]["date"] == "2024-06-01", lines[0]
    assert j.text.count(" needle</td>") == 600 // 7, j.text.count(" needle</td>")
    assert 'id="showlog_raw"' in raw.text and raw.text.index("line 600") < raw.text.index("line 599")
    assert "vidjil.log" in listing.text and "escape.log" not in listing.text  # links are not listed
    assert inner.status == 200 and "inner &lt;script&gt;" in inner.text


def test_showlog_is_confined_to_dir_log(env):
    d, secret = _log_dir(env)
    conf = _conf_with(env, DIR_LOG=d)
    ck = _admin_cookie(env)
    try:
        for f in ("../" + os.path.basename(secret), "escape.log", "up/" + os.path.basename(secret), secret,
                  "/etc/passwd", "sub/../../" + os.path.basename(secret), "sub", "nothing.log"):
            a = env.cgi("admin", "GET", "/vidjil/admin/showlog", query="format=raw&file=" + urllib.parse.quote(f),
                        cookie=ck, conf=conf)
            assert a.status == 404 and "SECRET" not in a.text and "root:" not in a.text, (f, a)
            assert a.json()["success"] == "false" and "no such log file" in a.json()["message"]
        email, pw, uid, c = fx.new_lab_user(env)
        denied = env.cgi("admin", "GET", "/vidjil/admin/showlog", query="file=vidjil.log", cookie=fx.cookie(c), conf=conf)
        assert denied.json()["message"] == "access denied" and "line 600" not in denied.text
    finally:
        os.unlink(conf)


# --- admin/clean_workers_status ------------------------------------------------------------------

def _running_job(env, host, heartbeat):
    env.sql("INSERT INTO scheduler_task (application_name, task_name, status, args) VALUES ('vidjil', 'process', "
            "'RUNNING', '[]')")
    t = fx.last_id(env, "scheduler_task")
    if host:
        env.sql("INSERT INTO vidjil_job (task_id, kind, host, pid, heartbeat, attempts) VALUES (?, 'process', ?, 4242, ?, 1)",
                t, host, heartbeat)
    return t


def test_clean_workers_status_fails_only_dead_runners_jobs(env):
    now = int(time.time())
    dead_host, live_host = env.unique("dead-"), env.unique("live-")
    env.sql("INSERT INTO vidjil_runner_host (host, pid, heartbeat) VALUES (?, 1, ?), (?, 2, ?)",
            dead_host, now - 3600, live_host, now)
    dead = _running_job(env, dead_host, now - 3600)
    live = _running_job(env, live_host, now)
    orphan = _running_job(env, None, None)  # queued by the original server: nothing will end it
    status = lambda t: env.sql("SELECT status FROM scheduler_task WHERE id = ?", t)[0][0]  # noqa: E731
    try:
        email, pw, uid, c = fx.new_lab_user(env)
        denied = c.post("/vidjil/admin/clean_workers_status")
        assert denied.json()["message"] == "access denied" and status(dead) == "RUNNING"
        admin = env.admin()
        seen = admin.get("/vidjil/admin/clean_workers_status").json()
        hosts = {h["host"]: h for h in seen["hosts"]}
        assert hosts[dead_host]["alive"] is False and hosts[live_host]["alive"] is True
        assert hosts[live_host]["running"] == 1 and hosts[dead_host]["seconds_since_heartbeat"] >= 3600
        assert dead in seen["dangling"] and orphan in seen["dangling"] and live not in seen["dangling"]
        assert status(dead) == "RUNNING" and status(orphan) == "RUNNING"  # GET changes nothing
        done = admin.post("/vidjil/admin/clean_workers_status").json()
        assert done["success"] == "true" and done["redirect"] == "reload", done
        assert done["message"].startswith("Dangling tasks set to failed: [") and str(dead) in done["message"]
        assert status(dead) == "FAILED" and status(orphan) == "FAILED" and status(live) == "RUNNING"
        msg = env.sql("SELECT message FROM vidjil_job WHERE task_id = ?", dead)[0][0]
        assert "administrator" in msg and dead_host in msg
    finally:
        env.sql("UPDATE scheduler_task SET status = 'FAILED' WHERE id IN (?, ?, ?)", dead, live, orphan)
        env.sql("DELETE FROM vidjil_runner_host WHERE host IN (?, ?)", dead_host, live_host)


# --- segmenter ---------------------------------------------------------------------------------

def _segment(env, cookie, conf, sequences, method="POST"):
    body = urllib.parse.urlencode({"sequences": sequences}) if sequences is not None else ""
    return env.cgi("segmenter", method, "/vidjil/segmenter", body=body,
                   content_type="application/x-www-form-urlencoded", cookie=cookie, conf=conf)


def test_segmenter_runs_vidjil_algo_and_answers_json(env):
    conf = _conf_with(env, VIDJIL_PROGRAM=fx.FAKE_ALGO, DIR_GERMLINE=env.state, SEGMENTER_RATE_LIMIT=100)
    email, pw, uid, c = fx.new_lab_user(env)
    ck = fx.cookie(c)
    tmp = os.path.join(env.state, "data", "tmp")
    before = set(os.listdir(tmp)) if os.path.isdir(tmp) else set()
    try:
        a = _segment(env, ck, conf, FASTA + ">r2\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGG\n")
        fq = _segment(env, ck, conf, "@r1\nACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTAC\n+\n" + "I" * 54 + "\n")
        many = _segment(env, ck, conf, "".join(">r%d\nACGT\n" % i for i in range(11)))
        ten = _segment(env, ck, conf, "".join(">r%d\nACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTAC%d\n" % (i, i % 2)
                                              for i in range(10)))
        bad = _segment(env, ck, conf, "ACGT\n")
        empty = _segment(env, ck, conf, "")
        anonymous = _segment(env, "", conf, FASTA)
    finally:
        os.unlink(conf)
    assert a.status == 200 and a.header("content-type") == "application/json", a
    v = a.json()
    assert v["reads"]["segmented"] == [2] and len(v["clones"]) == 2, v
    assert fq.status == 200 and fq.json()["reads"]["segmented"] == [1], fq
    assert ten.status == 200
    assert many.json() == {"error": "too many sequences (limit : 10)"} and many.status == 413
    assert bad.json() == {"error": "invalid sequences, please use fasta or fastq format"} and bad.status == 400
    assert empty.status == 200 and empty.body == b""
    assert anonymous.status == 303
    after = set(os.listdir(tmp)) if os.path.isdir(tmp) else set()
    assert not [n for n in after - before if n.startswith("segmenter-")]  # work directories removed


def test_segmenter_limits_time_rate_and_missing_program(env):
    # The program runs as RUNNER_USER when the tests run as root: it writes its pid and uid in a
    # directory that user may write.
    piddir = os.path.join(env.state, "data", env.unique("hangdir"))
    os.mkdir(piddir)
    os.chmod(piddir, 0o777)
    hang = os.path.join(piddir, "hang.sh")
    with open(hang, "w") as f:
        f.write("#!/bin/sh\nid -u > \"%s/uid\"\necho $$ > \"%s.pid\"\nexec sleep 300\n" % (piddir, hang))
    os.chmod(hang, 0o755)
    email, pw, uid, c = fx.new_lab_user(env)
    ck = fx.cookie(c)
    slow = _conf_with(env, VIDJIL_PROGRAM=hang, DIR_GERMLINE=env.state, SEGMENTER_TIMEOUT=1, SEGMENTER_RATE_LIMIT=100)
    missing = _conf_with(env, VIDJIL_PROGRAM=hang + ".absent", SEGMENTER_RATE_LIMIT=100)
    limited = _conf_with(env, VIDJIL_PROGRAM=fx.FAKE_ALGO, DIR_GERMLINE=env.state, SEGMENTER_RATE_LIMIT=2)
    try:
        t0 = time.time()
        a = _segment(env, ck, slow, FASTA)
        assert a.status == 504 and a.json() == {"success": "false", "message": "Error while processing the file"}, a
        assert time.time() - t0 < 30
        pid = int(open(hang + ".pid").read())
        if os.geteuid() == 0:  # never as root: as RUNNER_USER, like the runner's programs
            assert int(open(os.path.join(piddir, "uid")).read()) != 0
        assert not os.path.exists("/proc/%d" % pid) or "zombie" in open("/proc/%d/status" % pid).read().lower()
        m = _segment(env, ck, missing, FASTA)
        assert m.status == 503 and "not available" in m.json()["message"], m
        if time.time() % 60 > 50:  # the window is the current minute: do not straddle two
            time.sleep(61 - time.time() % 60)
        email2, pw2, uid2, c2 = fx.new_lab_user(env)
        ck2 = fx.cookie(c2)
        got = [_segment(env, ck2, limited, FASTA).status for _ in range(3)]
        assert got == [200, 200, 429], got
        email3, pw3, uid3, c3 = fx.new_lab_user(env)
        assert _segment(env, fx.cookie(c3), limited, FASTA).status == 200  # per user
    finally:
        for p in (slow, missing, limited):
            os.unlink(p)


# --- proxy -------------------------------------------------------------------------------------

class _Upstream:
    """A fake upstream site on loopback, in a thread: records each request, answers by path."""

    def __init__(self):
        self.requests = []
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append((self.path, dict(self.headers), body))
                if self.path == "/slow":
                    time.sleep(4)
                code = 500 if self.path == "/broken" else 200
                data = b"x" * 5000 if self.path == "/big" else b"<html>IMGT result " + body[:200] + b"</html>"
                self.send_response(code)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _proxy(env, path, cookie, conf, fields, method="POST"):
    body, ctype = vtest.encode_multipart(fields)
    return env.cgi("proxy", method, path, body=body if method == "POST" else b"",
                   content_type=ctype if method == "POST" else "", cookie=cookie, conf=conf)


def test_proxy_forwards_to_the_configured_upstream_only(env):
    up = _Upstream()
    email, pw, uid, c = fx.new_lab_user(env)
    ck = fx.cookie(c)
    conf = _conf_with(env, PROXY_IMGT_URL=up.url + "/imgt", PROXY_ASSIGN_SUBSETS_URL=up.url + "/subsets",
                      PROXY_ASSIGN_SUBSETS_REFERER="https://bat.example/arrest/assignsubsets/")
    try:
        a = _proxy(env, "/vidjil/proxy/imgt", ck, conf, [("sequences", ">s\nACGT"), ("species", "human"),
                                                         ("Session", "secret-session")])
        assert a.status == 200 and a.header("content-type").startswith("text/html") and b"IMGT result" in a.body, a
        path, headers, body = up.requests[-1]
        sent = urllib.parse.parse_qs(body.decode())
        assert path == "/imgt" and sent == {"sequences": [">s\nACGT"], "species": ["human"]}, sent
        assert "secret-session" not in body.decode() and "vidjil_session" not in str(headers)
        s = _proxy(env, "/vidjil/proxy/assign_subsets", ck, conf, [("seq", "ACGT")])
        assert s.status == 200 and up.requests[-1][0] == "/subsets"
        assert up.requests[-1][1].get("Referer") == "https://bat.example/arrest/assignsubsets/"
        idx = env.cgi("proxy", "GET", "/vidjil/proxy/index", cookie=ck, conf=conf)
        assert idx.status == 200 and idx.json() == "index()"
        n = len(up.requests)
        assert _proxy(env, "/vidjil/proxy/imgt", "", conf, [("x", "1")]).status == 303  # anonymous
        assert _proxy(env, "/vidjil/proxy/imgt", ck, conf, [], method="GET").status == 405
        assert len(up.requests) == n
        plain = _conf_with(env)  # no upstream configured: a clear 503
        try:
            none = _proxy(env, "/vidjil/proxy/imgt", ck, plain, [("x", "1")])
        finally:
            os.unlink(plain)
        assert none.status == 503 and "PROXY_IMGT_URL" in none.json()["message"], none
    finally:
        os.unlink(conf)
        up.close()


def test_proxy_limits_and_upstream_errors(env):
    up = _Upstream()
    email, pw, uid, c = fx.new_lab_user(env)
    ck = fx.cookie(c)
    confs = []

    def conf(path, **extra):
        confs.append(_conf_with(env, PROXY_IMGT_URL=up.url + path, **extra))
        return confs[-1]

    try:
        broken = _proxy(env, "/vidjil/proxy/imgt", ck, conf("/broken"), [("x", "1")])
        assert broken.status == 502 and broken.json() == "the site returned an invalid response", broken
        big = _proxy(env, "/vidjil/proxy/imgt", ck, conf("/big", PROXY_MAX_RESPONSE=1000), [("x", "1")])
        assert big.status == 502 and "PROXY_MAX_RESPONSE" in big.json()["message"], big
        n = len(up.requests)
        huge = _proxy(env, "/vidjil/proxy/imgt", ck, conf("/imgt", PROXY_MAX_BODY=100), [("x", "A" * 500)])
        assert huge.status == 413 and "PROXY_MAX_BODY" in huge.json()["message"] and len(up.requests) == n, huge
        t0 = time.time()
        slow = _proxy(env, "/vidjil/proxy/imgt", ck, conf("/slow", PROXY_TIMEOUT=1), [("x", "1")])
        assert slow.status == 504 and "PROXY_TIMEOUT" in slow.json()["message"] and time.time() - t0 < 4, slow
        other = _conf_with(env, PROXY_IMGT_URL="file:///etc/passwd")
        confs.append(other)
        f = _proxy(env, "/vidjil/proxy/imgt", ck, other, [("x", "1")])
        assert f.status == 502 and "root:" not in f.text, f
    finally:
        for p in confs:
            os.unlink(p)
        up.close()


# --- /vidjil/download/<stored name> ----------------------------------------------------------------

def test_app_download_checks_the_set(env):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Dl"))
    sf, stored = fx.add_file(env, ss, "reads.fa", content=FASTA)
    results = fx.conf_values(env)["DIR_RESULTS"]
    rname = fx.stored_name("results_file", "data_file", "my result.vidjil")
    with open(os.path.join(results, rname), "w") as f:
        f.write('{"reads": {"total": [1]}}')
    env.sql("INSERT INTO results_file (sequence_file_id, run_date, hidden, data_file) VALUES (?, NOW(), 'F', ?)", sf, rname)
    o_email, o_pw, o_uid, other = fx.new_lab_user(env)
    conf = _conf_with(env, X_ACCEL_RESULTS="", X_ACCEL_SEQUENCES="")
    try:
        seq = env.cgi("download", "GET", "/vidjil/download/" + stored, cookie=fx.cookie(c), conf=conf)
        res = env.cgi("download", "GET", "/vidjil/download/" + rname, query="attachment=1", cookie=fx.cookie(c), conf=conf)
        res_plain = env.cgi("download", "GET", "/vidjil/download/" + rname, cookie=fx.cookie(c), conf=conf)
        denied = [env.cgi("download", "GET", "/vidjil/download/" + n, cookie=fx.cookie(other), conf=conf)
                  for n in (stored, rname)]
        anonymous = env.cgi("download", "GET", "/vidjil/download/" + rname, conf=conf)
        bad = [env.cgi("download", "GET", "/vidjil/download/" + n, cookie=fx.cookie(c), conf=conf)
               for n in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", fx.stored_name("results_file", "data_file", "x"))]
    finally:
        os.unlink(conf)
    assert seq.status == 200 and seq.body == FASTA.encode() and 'filename="reads.fa"' in seq.header("content-disposition")
    assert res.status == 200 and b'"total"' in res.body and "my result.vidjil" in res.header("content-disposition"), res
    assert res_plain.status == 200 and rname in res_plain.header("content-disposition")
    assert [d.status for d in denied] == [404, 404] and all(b"total" not in d.body and b"ACGT" not in d.body for d in denied)
    assert anonymous.status == 303
    assert all(b.status in (400, 404) and b"root:" not in b.body for b in bad), bad


def test_idle_runner_leaves_a_heartbeat_for_clean_workers_status(env):
    host = env.unique("idle-")
    t0 = int(time.time())
    # a host that ran jobs an hour ago: its row exists, and an idle run must refresh it
    env.sql("INSERT INTO vidjil_runner_host (host, pid, heartbeat) VALUES (?, 1, ?)", host, t0 - 3600)
    p = fx.run_runner(env, "--host", host)
    assert p.returncode == 0, p.stderr
    rows = env.sql("SELECT heartbeat FROM vidjil_runner_host WHERE host = ?", host)
    try:
        assert rows and int(rows[0][0]) >= t0, rows  # even with no job to run
        hosts = {h["host"]: h for h in env.admin().get("/vidjil/admin/clean_workers_status").json()["hosts"]}
        assert hosts[host]["alive"] is True and hosts[host]["running"] == 0
        page = env.admin().post("/vidjil/admin/index").text
        assert 'id="table_runners"' in page and "<td>%s</td>" % host in page, page
        row = page[page.index("<td>%s</td>" % host):]
        assert row.index("alive") < row.index("</tr>")
    finally:
        env.sql("DELETE FROM vidjil_runner_host WHERE host = ?", host)


def test_segmenter_memory_limit(env):
    hog = os.path.join(env.state, "data", env.unique("hog") + ".py")
    with open(hog, "w") as f:
        f.write("#!/usr/bin/python3\n# test program: takes 300 MB, then writes an empty .vidjil\n"
                "import sys\nargs = sys.argv\nout, base = args[args.index('-o') + 1], args[args.index('-b') + 1]\n"
                "block = bytearray(300 << 20)\nopen(out + '/' + base + '.vidjil', 'w').write('{\"clones\": []}')\n")
    os.chmod(hog, 0o755)
    email, pw, uid, c = fx.new_lab_user(env)
    small = _conf_with(env, VIDJIL_PROGRAM=hog, SEGMENTER_MEMORY=200 << 20, SEGMENTER_RATE_LIMIT=100)
    large = _conf_with(env, VIDJIL_PROGRAM=hog, SEGMENTER_MEMORY=2 << 30, SEGMENTER_RATE_LIMIT=100)
    try:
        refused = _segment(env, fx.cookie(c), small, FASTA)
        allowed = _segment(env, fx.cookie(c), large, FASTA)
    finally:
        os.unlink(small)
        os.unlink(large)
    assert refused.status == 500 and refused.json()["message"] == "Error while processing the file", refused
    assert allowed.status == 200 and allowed.json() == {"clones": []}, allowed
