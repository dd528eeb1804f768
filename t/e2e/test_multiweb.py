"""Several web hosts behind one load balancer (issue 12, "Several hosts"): a second nginx +
FastCGI stack (its own port, processes, sockets and logs; the same vidjil.conf, hence the same
MariaDB and the same data directory) next to the test stack. A session opened on one host is
used and closed on the other, an upload through one is downloaded byte-identical through the
other, a run queued through one is seen by checkProcess on the other, and run_request waits out a
row lock held by another host (lock wait timeouts are retried, never shown to the user)."""
import atexit
import glob
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import types

import vtest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

_here = os.path.dirname(os.path.abspath(__file__))
import importlib.util  # noqa: E402
_spec = importlib.util.spec_from_file_location("sets_lib_multiweb", os.path.join(_here, "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)


class SecondWeb:
    """nginx + FastCGI programs in <stack>/web2-PORT, as scripts/vidjil-local starts them, in the
    suite's mode (fcgiwrap, or persistent processes under spawn-fcgi)."""

    def __init__(self, env):
        self.env = env
        self.port = fx.free_port()
        self.state = os.path.join(env.state, "web2-%d" % self.port)
        self.pids = []
        for d in ("run", "log", "etc"):
            os.makedirs(os.path.join(self.state, d), exist_ok=True)
        # One shared data directory and one configuration for every web host.
        os.symlink(os.path.join(env.state, "data"), os.path.join(self.state, "data"))
        os.symlink(env.conf, os.path.join(self.state, "etc", "vidjil.conf"))
        shutil.copy(os.path.join(env.state, "etc", "nginx-browser.conf"), os.path.join(self.state, "etc"))
        run = os.path.join(self.state, "run")
        penv = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "VIDJIL_CONF": env.conf}
        if env.mode == "spawn-fcgi":
            programs = set()
            for m in glob.glob(os.path.join(env.srcdir, "nginx", "programs.d", "*.map")):
                programs.update(re.findall(r"^~\S*\s+([a-z_]*);", open(m).read(), re.M))
            for p in sorted(programs):
                pidfile = os.path.join(run, p + ".pid")
                subprocess.run(["spawn-fcgi", "-s", os.path.join(run, p + ".sock"), "-M", "0660", "-P", pidfile, "--",
                                os.path.join(env.builddir, "cgi-bin", p)],
                               env=dict(penv, VIDJIL_FCGI_CHILDREN="1"), check=True, capture_output=True)
                self.pids.append(int(open(pidfile).read()))
            fpass = "fastcgi_pass unix:%s/$vidjil_program.sock;" % run
        else:
            log = open(os.path.join(self.state, "log", "fastcgi.log"), "a")
            p = subprocess.Popen(["fcgiwrap", "-c", "2", "-s", "unix:%s/fcgiwrap.sock" % run], env=penv,
                                 stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
            self.fcgiwrap = p
            fx.wait_for(lambda: os.path.exists(os.path.join(run, "fcgiwrap.sock")), timeout=10)
            fpass = "fastcgi_param SCRIPT_FILENAME %s/cgi-bin/$vidjil_program; fastcgi_pass unix:%s/fcgiwrap.sock;" % (
                env.builddir, run)
        conf = open(os.path.join(env.srcdir, "nginx", "local.conf.in")).read()
        for k, v in (("@STATE@", self.state), ("@PORT@", str(self.port)), ("@SRCDIR@", env.srcdir),
                     ("@FASTCGI_PASS@", fpass), ("@USER_LINE@", "user root root;" if os.getuid() == 0 else "")):
            conf = conf.replace(k, v)
        with open(os.path.join(self.state, "etc", "nginx.conf"), "w") as f:
            f.write(conf)
        subprocess.run(["nginx", "-c", os.path.join(self.state, "etc", "nginx.conf"), "-e",
                        os.path.join(self.state, "log", "nginx-error.log")], check=True, capture_output=True)
        self.nginx_pid = int(fx.wait_for(lambda: _read(os.path.join(run, "nginx.pid")), timeout=10))
        atexit.register(self.stop)

    def client(self, like=None):
        """A client of this host; `like`: a client of the first host whose cookies it shares."""
        c = vtest.Client(types.SimpleNamespace(port=self.port))
        if like is not None:
            c.cookies = like.cookies
        return c

    def log_text(self):
        out = ""
        for name in ("nginx-error.log", "fastcgi.log"):
            path = os.path.join(self.state, "log", name)
            if os.path.exists(path):
                out += open(path, errors="replace").read()
        return out

    def stop(self):
        for pid in [self.nginx_pid] + self.pids:
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass
        if getattr(self, "fcgiwrap", None) is not None:
            try:
                os.killpg(self.fcgiwrap.pid, 15)
            except ProcessLookupError:
                pass
            self.fcgiwrap.wait()
            self.fcgiwrap = None
        self.pids = []


def _read(path):
    try:
        return open(path).read().strip()
    except OSError:
        return ""


_web2 = None


def web2(env):
    global _web2
    if _web2 is None or _web2.env is not env:
        _web2 = SecondWeb(env)
    return _web2


def test_session_opened_on_one_web_host_is_used_and_closed_on_the_other(env):
    w = web2(env)
    email, pw, uid = env.new_user()
    c1 = env.client()
    assert c1.login(email, pw).json()["user_id"] == uid
    c2 = w.client(like=c1)
    anon = w.client()
    # A page for logged-in users only, through host 2 with the cookie host 1 set.
    who = c2.get("/vidjil/default/whoami")
    assert who.status == 200 and who.json()["id"] == uid and who.json()["email"] == email, who
    assert anon.get("/vidjil/default/whoami").status in (303, 403)
    group = lib.personal_group(c2)
    ssid = lib.create_set(c2, group, "patient")  # a change (POST, cross-site checks) through host 2
    fid = lib.create_sample(c1, [ssid], filename="seen.fa")  # ...used through host 1
    assert [q["sequence_file"]["id"] for q in lib.index_json(c2, ssid)["query"]] in ([fid], [str(fid)])
    # Logged out through host 2: the session is gone for host 1 too.
    token = dict(c1.cookies)
    assert token
    out = c2.get("/vidjil/auth/logout")
    assert out.status in (200, 303), out
    stale = env.client()  # host 1, with the session cookie as it was before the logout
    stale.cookies = token
    assert stale.get("/vidjil/default/whoami").status in (303, 403)


def test_upload_on_one_web_host_downloads_identical_on_the_other(env):
    w = web2(env)
    c1, uid, group = lib.lab_user(env)
    c2 = w.client(like=c1)
    ssid = lib.create_set(c1, group, "patient")
    fid = lib.create_sample(c1, [ssid], filename="multi.fa")
    data = lib.fasta(n=200, seed=12)
    up = lib.upload(c1, fid, "multi.fa", data)
    assert up.status == 200 and "upload finished" in up.json()["message"], up
    stored = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", fid)[0][0]
    got = c2.get("/vidjil/sample_set/download_sequence_file/" + stored)
    assert got.status == 200 and got.body == data, got
    # And the other way round: an upload through host 2 (a new file of the same set), read on host 1.
    fid2 = lib.create_sample(c2, [ssid], filename="other.fa")
    data2 = lib.fastq(n=50, seed=13)
    up2 = lib.upload(c2, fid2, "other.fastq", data2)
    assert up2.status == 200, up2
    stored2 = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", fid2)[0][0]
    assert c1.get("/vidjil/sample_set/download_sequence_file/" + stored2).body == data2


def _queued_file(env, w):
    c1, uid, group = lib.lab_user(env)
    c2 = w.client(like=c1)
    ssid = lib.create_set(c1, group, "patient")
    fid = lib.create_sample(c1, [ssid], filename="job.fa")
    assert lib.upload(c1, fid, "job.fa", lib.fasta(n=20, seed=14)).status == 200
    fx.grant_run(env, uid)
    cid = fx.make_config(env)
    return c1, c2, ssid, fid, cid


def test_job_queued_on_one_web_host_is_seen_on_the_other(env):
    w = web2(env)
    c1, c2, ssid, fid, cid = _queued_file(env, w)
    a = fx.request_run(c1, ssid, fid, cid)
    rid = a["results_file_id"]
    poll = c2.post("/vidjil/default/checkProcess", query={"processId": rid}).json()
    assert poll["status"] == "QUEUED", poll
    # The duplicate check is the database's: host 2 sees host 1's run as already queued.
    dup = fx.request_run(c2, ssid, fid, cid)
    assert dup["success"] == "false" and dup["results_file_id"] == rid, dup
    env.sql("UPDATE scheduler_task SET status = 'FAILED' WHERE id = ?", fx.task_of(env, rid)[1])  # no runner here


def test_run_request_waits_out_a_lock_held_by_another_host(env):
    """Another host holds the file's row lock longer than the lock wait timeout: run_request (on
    host 2) gets 1205, runs its transaction again, and answers success once the lock is gone."""
    w = web2(env)
    c1, c2, ssid, fid, cid = _queued_file(env, w)
    old = env.sql("SELECT @@GLOBAL.innodb_lock_wait_timeout")[0][0]
    sock = os.path.join(env.state, "run", "mysql.sock")
    holder = None
    try:
        # New connections (every request under fcgiwrap) wait at most 1 s for a row lock.
        env.sql("SET GLOBAL innodb_lock_wait_timeout = 1")
        holder = subprocess.Popen(["mariadb", "--no-defaults", "--socket=" + sock, "-uroot", "vidjil", "-e",
                                   "START TRANSACTION; SELECT id FROM sequence_file WHERE id = %d FOR UPDATE; "
                                   "SELECT SLEEP(3); COMMIT;" % fid],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # The lock is held once the holder sleeps.
        fx.wait_for(lambda: holder.poll() is not None or env.sql(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(3)'")[0][0] != "0",
            timeout=10, step=0.05)
        assert holder.poll() is None, holder.stderr.read()
        t0 = time.time()
        a = c2.post("/vidjil/default/run_request", query={"sequence_file_id": fid, "sample_set_id": ssid,
                                                          "config_id": cid})
        took = time.time() - t0
        assert a.status == 200 and "process requested" in a.json()["message"], a
        assert holder.wait(timeout=30) == 0, holder.stderr.read()
        rid = a.json()["results_file_id"]
        assert fx.status_of(env, rid) == "QUEUED"
        if env.mode == "fcgiwrap":  # a new connection per request: it had the 1 s timeout
            assert took > 1, took
            assert "lock wait timeout: transaction run again" in w.log_text(), w.log_text()[-2000:]
        env.sql("UPDATE scheduler_task SET status = 'FAILED' WHERE id = ?", fx.task_of(env, rid)[1])
    finally:
        env.sql("SET GLOBAL innodb_lock_wait_timeout = %d" % int(old))
        if holder is not None and holder.poll() is None:
            holder.kill()
            holder.wait()
