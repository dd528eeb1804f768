"""get_data's cache through nginx: the answer with the metadata injected is built once per digest of
everything injected, then sent by nginx (X-Accel-Redirect) after the permission check; a change of
metadata, of reader (anonymisation) or a new fuse is never answered from a stale entry; nginx's
answers keep the security and CORS headers; entries are pruned by fuses and swept by the runner."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402


def _cache_dir(env):
    return os.path.join(fx.conf_values(env)["DIR_RESULTS"], "cache", "get_data")


def _entries(env, ss, cid):
    d = _cache_dir(env)
    prefix = "s%d-c%d-" % (ss, cid)
    return sorted(n for n in os.listdir(d) if n.startswith(prefix)) if os.path.isdir(d) else []


def _get(c, ss, cid, **headers):
    return c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}, headers=headers or None)


def test_built_once_then_sent_by_nginx_with_security_headers(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env)
    assert _entries(env, ss, cid) == []
    first = _get(c, ss, cid)
    assert first.status == 200, first
    entries = _entries(env, ss, cid)
    assert len(entries) == 1, entries
    path = os.path.join(_cache_dir(env), entries[0])
    built = os.stat(path)
    second = _get(c, ss, cid)
    assert second.status == 200 and second.body == first.body
    assert os.stat(path).st_mtime_ns == built.st_mtime_ns and _entries(env, ss, cid) == entries  # not rebuilt
    # The entry is the complete answer, byte for byte.
    assert open(path, "rb").read() == first.body
    d = second.json()
    assert d["sample_set_id"] == ss and d["samples"]["sequence_file_id"] == [sf] and len(d["clones"]) == 30
    assert d["samples"]["info"] == ["day 0"] and d["patient_name"].startswith("Turingham-")
    for a in (first, second):
        assert a.header("content-type").startswith("text/html")
        assert a.header("x-content-type-options") == "nosniff"
        assert "sandbox" in a.header("content-security-policy") and a.header("cache-control") == "no-store"
    # Each read is still recorded, cached or not (just after the answer is sent).
    fx.wait_for(lambda: env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'get_data' AND record_id = ?",
                                ss) == [["2"]], timeout=10)
    assert env.sql("SELECT COUNT(*) FROM user_log WHERE table_name = 'sample_set' AND record_id = ? AND msg = "
                   "'load sample'", ss) == [["2"]]
    # A download (filename=...) is the same body as an attachment.
    dl = c.get("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid, "filename": "p.vidjil"})
    assert dl.body == first.body and dl.header("content-type") == "application/json"
    assert 'filename="p.vidjil"' in dl.header("content-disposition") and dl.header("x-content-type-options") == "nosniff"
    # Another group still gets nothing, even though the entry exists.
    other = fx.login(env, *env.new_user()[:2])
    assert _get(other, ss, cid).json()["success"] == "false"


def test_metadata_change_is_never_served_stale(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env)
    assert _get(c, ss, cid).json()["samples"]["info"] == ["day 0"]
    env.sql("UPDATE sequence_file SET info = 'day 15 #relapse', sampling_date = '2024-05-06' WHERE id = ?", sf)
    d = _get(c, ss, cid).json()
    assert d["samples"]["info"] == ["day 15 #relapse"] and d["samples"]["timestamp"] == ["2024-05-06"]
    env.sql("UPDATE patient SET info = 'new diagnosis' WHERE sample_set_id = ?", ss)
    assert _get(c, ss, cid).json()["info"] == "new diagnosis"
    assert len(_entries(env, ss, cid)) == 3  # one per version; older ones go after an hour


def test_each_reader_gets_their_own_anonymisation(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env)
    reader = fx.reader_without_anon(env, ss)
    for _ in range(2):  # in both orders of building
        owner_view = _get(c, ss, cid).json()
        reader_view = _get(reader, ss, cid).json()
        assert owner_view["patient_name"].startswith("Turingham-"), owner_view["patient_name"]
        assert reader_view["patient_name"] == "Tur" and "Turingham" not in json.dumps(reader_view)
    assert len(_entries(env, ss, cid)) == 2


def test_new_fuse_drops_entries_and_serves_the_new_result(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env, clones=30)
    assert len(_get(c, ss, cid).json()["clones"]) == 30
    assert len(_entries(env, ss, cid)) == 1
    # A second sample in the set: the runner fuses again, the old entry goes.
    sf2, _ = fx.add_file(env, ss, "cache2.fa", content=fx.random_fasta(12, ss + 1000), info="day 30")
    fx.request_run(c, ss, sf2, cid)
    assert fx.run_runner(env).returncode == 0
    assert _entries(env, ss, cid) == []
    d = _get(c, ss, cid).json()
    assert d["samples"]["number"] == 2 and d["samples"]["info"] == ["day 0", "day 30"], d["samples"]


def test_removed_entry_and_runner_sweep(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env)
    body = _get(c, ss, cid).body
    [entry] = _entries(env, ss, cid)
    os.unlink(os.path.join(_cache_dir(env), entry))
    assert _get(c, ss, cid).body == body and _entries(env, ss, cid) == [entry]  # rebuilt, same digest
    # Not read for longer than GET_DATA_CACHE_MAX_AGE: the runner's sweep removes it.
    old = time.time() - 7200
    os.utime(os.path.join(_cache_dir(env), entry), (old, old))
    assert fx.run_runner(env, GET_DATA_CACHE_MAX_AGE=3600).returncode == 0
    assert _entries(env, ss, cid) == []
    assert _get(c, ss, cid).body == body


def test_cors_headers_survive_the_redirect(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env)
    origin = "http://localhost:%d" % env.port
    a = _get(c, ss, cid, Origin=origin)
    assert a.status == 200 and a.header("access-control-allow-origin") == origin, a.headers
    assert a.header("access-control-allow-credentials") == "true"
    b = _get(c, ss, cid, Origin="http://evil.example")
    assert b.status == 403 and not b.header("access-control-allow-origin")


def test_cgi_answer_is_a_redirect_or_the_body_when_the_cache_is_off(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env)
    cookie = fx.cookie(c)
    q = "sample_set_id=%d&config=%d" % (ss, cid)
    a = env.cgi("get_data", "POST", "/vidjil/default/get_data", query=q, cookie=cookie)
    assert a.status in (0, 200) and a.body == b"", a
    accel = a.headers["x-accel-redirect"][0]
    assert accel.startswith("/vidjil-results/cache/get_data/s%d-c%d-" % (ss, cid)), accel
    conf = fx.runner_conf(env, GET_DATA_CACHE=0)
    try:
        off = env.cgi("get_data", "POST", "/vidjil/default/get_data", query=q, cookie=cookie, conf=conf)
    finally:
        os.unlink(conf)
    assert "x-accel-redirect" not in off.headers and json.loads(off.body)["sample_set_id"] == ss
    cached = open(os.path.join(_cache_dir(env), _entries(env, ss, cid)[0]), "rb").read()
    assert off.body == cached


def _children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d))
    return sorted(out)


def test_persistent_workers_are_replaced_when_one_dies(env):
    """Under spawn-fcgi a program runs VIDJIL_FCGI_CHILDREN processes (2 here) on its socket; one
    killed mid-service is replaced and the program keeps answering (fcgiwrap: a process per request)."""
    c, ss, sf, cid, _ = fx.patient_with_result(env)
    body = _get(c, ss, cid).body
    if env.mode != "spawn-fcgi":
        assert _get(c, ss, cid).body == body
        return
    supervisor = int(open(os.path.join(env.state, "run", "get_data.pid")).read())
    workers = _children(supervisor)
    assert len(workers) == 2, workers
    os.kill(workers[0], 9)
    fx.wait_for(lambda: len(_children(supervisor)) == 2 and workers[0] not in _children(supervisor), timeout=10)
    for _ in range(6):  # both workers answer
        assert _get(c, ss, cid).body == body
    assert workers[1] in _children(supervisor)


def test_killed_database_connections_are_reopened(env):
    """A persistent worker's database link that was closed by the server (restart, KILL, timeout)
    is reopened by the next request, which answers normally (not a 503)."""
    c, ss, sf, cid, _ = fx.patient_with_result(env)
    body = _get(c, ss, cid).body
    for _ in range(3):
        assert _get(c, ss, cid).body == body  # warm both workers' links
        ids = [r[0] for r in env.sql("SELECT id FROM information_schema.processlist WHERE user = 'vidjil'")]
        for i in ids:
            env.sql("KILL CONNECTION %d" % int(i))
        for _ in range(4):  # within the second: no ping, the first statement meets the closed link
            a = _get(c, ss, cid)
            assert a.status == 200 and a.body == body, a
    assert c.get("/vidjil/default/whoami").json()["id"]
