"""The quick start: `scripts/vidjil-local start` alone gives a server that runs analyses (its
runner included) and shows the demo patient's clones. Each test starts a SEPARATE local stack
(its own VIDJIL_LOCAL_DIR in a temporary directory and a free port), so that its runner never
meets the jobs of the other tests, and checks that `stop` leaves no process behind."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import types

import vtest

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
FAKE_ALGO = os.path.join(FIXTURES, "fake-vidjil-algo")
PASSWORD = "Quick-Start-0k!" + os.urandom(4).hex()


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _proc_stat(pid):
    """(state, session id) of a process, None when it is gone."""
    try:
        text = open("/proc/%d/stat" % pid).read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[3])


def _alive(pid):
    st = _proc_stat(pid)
    return st is not None and st[0] != "Z"


class Stack:
    def __init__(self, env, **extra):
        self.env = env
        self.dir = tempfile.mkdtemp(prefix="vidjil-quickstart-")
        os.chmod(self.dir, 0o711)  # programs run as RUNNER_USER and must reach the job directories
        self.port = _free_port()
        self.vars = dict(os.environ)
        for k in ("VIDJIL_ALGO", "VIDJIL_GERMLINE", "VIDJIL_BROWSER_DIR"):
            self.vars.pop(k, None)
        self.vars.update({"VIDJIL_LOCAL_DIR": os.path.join(self.dir, "state"), "VIDJIL_PORT": str(self.port),
                          "VIDJIL_BUILD_DIR": env.builddir, "VIDJIL_RUNNER": "1", "VIDJIL_FCGI_MODE": "fcgiwrap",
                          "VIDJIL_ADMIN_EMAIL": "admin@quickstart.test", "VIDJIL_ADMIN_PASSWORD": PASSWORD,
                          "VIDJIL_BROWSER_DIR": os.path.join(self.dir, "no-client")})
        self.vars.update(extra)
        self.state = self.vars["VIDJIL_LOCAL_DIR"]
        self.client = vtest.Client(types.SimpleNamespace(port=self.port))
        self.seen = set()  # pids of the parts, as `status` showed them
        self.sessions = set()  # and their sessions (fcgiwrap, nginx and the runner lead their own)

    def run(self, command, check=True, **extra):
        p = subprocess.run([os.path.join(self.env.srcdir, "scripts", "vidjil-local"), command],
                           env=dict(self.vars, **extra), capture_output=True, text=True, timeout=300)
        assert not check or p.returncode == 0, (command, p.returncode, p.stdout, p.stderr)
        return p

    def conf(self):
        out = {}
        for line in open(os.path.join(self.state, "etc", "vidjil.conf")):
            if "=" in line and not line.lstrip().startswith("#"):
                k, _, v = line.partition("=")
                out[k.strip()] = v.strip()
        return out

    def status(self):
        """{part: (pid, state)} from `vidjil-local status`, and its exit code."""
        p = self.run("status", check=False)
        parts = {}
        for line in p.stdout.splitlines():
            name, pid, state = line.split(None, 2)
            parts[name] = (int(pid) if pid.isdigit() else None, state)
            if pid.isdigit():
                self.seen.add(int(pid))
                st = _proc_stat(int(pid))
                if st:
                    self.sessions.add(st[1])
        return parts, p.returncode

    _quote = staticmethod(vtest.Env._quote)

    def sql(self, query, *params):
        """Root SQL on this stack's database (checks only)."""
        return vtest.Env.sql(self, query, *params)

    def login(self):
        a = self.client.login("admin@quickstart.test", PASSWORD)
        assert a.json()["user_id"], a

    def leftovers(self):
        """Live processes among the parts seen, or in their sessions (fcgiwrap's workers, nginx's,
        the runner's programs); the test's own session is not one of them."""
        sessions = self.sessions - {os.getsid(0)}
        left = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                st = _proc_stat(int(entry))
                if st and st[0] != "Z" and (int(entry) in self.seen or st[1] in sessions):
                    left.append(int(entry))
        return left

    def stop_and_check(self):
        """`stop` ends every part, and every process of their sessions."""
        self.status()
        self.run("stop")
        left = self.leftovers()
        assert not left, "processes left after stop: %s" % left
        after, code = self.status()
        assert code != 0 and all(state != "running" for _, state in after.values()), after

    def cleanup(self):
        self.status()
        left = self.leftovers()
        self.run("stop", check=False)
        for pid in left:  # whatever `stop` missed (a failed test) does not outlive the test
            if _alive(pid):
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
        shutil.rmtree(self.dir, ignore_errors=True)


def _wait(predicate, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        v = predicate()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("%s: not reached within %d s" % (what, timeout))


def _status_ok(parts, code):
    for name in ("mariadb", "fcgiwrap", "nginx", "runner"):
        assert parts.get(name, (None, ""))[1] == "running", parts
        assert _alive(parts[name][0]), (name, parts)
    assert code == 0, parts


def test_start_with_engine_runs_an_uploaded_sample(env):
    germline = tempfile.mkdtemp(prefix="vidjil-germline-")
    os.chmod(germline, 0o755)  # read by the engine, which runs as RUNNER_USER
    open(os.path.join(germline, "homo-sapiens.g"), "w").write("{}\n")
    s = Stack(env, VIDJIL_DEMO="1", VIDJIL_ALGO=FAKE_ALGO, VIDJIL_GERMLINE=germline)
    try:
        s.run("start")
        conf = s.conf()
        assert conf["VIDJIL_PROGRAM"] == os.path.realpath(FAKE_ALGO) and conf["DIR_GERMLINE"] == germline, conf
        parts, code = s.status()
        _status_ok(parts, code)
        a = s.client.get("/")  # no web client installed: / points to the API
        assert a.status == 200 and b"/vidjil/" in a.body, a
        s.login()
        c = s.client
        group = int(c.get("/vidjil/default/whoami").json()["groups"][0]["id"])
        a = c.post("/vidjil/sample_set/submit", form=[("data", json.dumps({"group": group, "patient": [
            {"id": "", "sample_set_id": "", "first_name": "Quick", "last_name": "Start", "birth": "2001-02-03",
             "info": "", "id_label": ""}]}))])
        ss = a.json()["args"]["id"]
        a = c.post("/vidjil/file/submit", query={"data": json.dumps({
            "source": "computer", "pre_process": "0", "set_ids": ":p+(%d)" % ss,
            "file": [{"id": "", "filename": "reads.fa", "filename2": "", "sampling_date": "", "info": "",
                      "set_ids": ""}]})})
        fid = a.json()["file_ids"][0]
        reads = "".join(">r%d\n%s\n" % (i, ("ACGT" * 20 if i % 3 else "TTGCA" * 16)) for i in range(30))
        body, ctype = vtest.encode_multipart([("pre_process", "0"), ("id", str(fid)), ("file_number", "1")],
                                             [("file", "reads.fa", reads.encode())])
        assert c.post("/vidjil/file/upload", body=body, content_type=ctype).status == 200
        # A default config (init-db): `-g germline/homo-sapiens.g` is read under DIR_GERMLINE.
        cid = [r[0] for r in s.sql("SELECT id FROM config WHERE name = 'multi+inc+xxx'")][0]
        a = c.post("/vidjil/default/run_request", query={"sequence_file_id": fid, "sample_set_id": ss,
                                                         "config_id": cid}).json()
        rid = a["results_file_id"]

        def done():
            st = c.get("/vidjil/default/checkProcess", query={"processId": rid}).json()
            return st if st.get("status") in ("COMPLETED", "FAILED", "TIMEOUT") else None
        st = _wait(done, 60, "the analysis queued through run_request")
        log, reason = s.sql("SELECT log_path, message FROM vidjil_job j JOIN results_file r "
                            "ON r.scheduler_task_id = j.task_id WHERE r.id = ?", int(rid))[0]
        text = open(log).read() if log and log != "NULL" else "no job log; reason: %s" % reason
        assert st["status"] == "COMPLETED", (st, text)
        assert "fake-vidjil-algo (test fixture)" in text and germline + "/homo-sapiens.g" in text, text
        data = c.get("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
        assert [cl["reads"] for cl in data["clones"]] == [[20], [10]], data["clones"]
        # With an engine, demo-data also queued the demo reads for the first vidjil config.
        demo_run = int(s.sql("SELECT sample_set_id FROM run WHERE id_label = 'vidjil-demo'")[0][0])
        first = int(s.sql("SELECT MIN(id) FROM config WHERE program = 'vidjil'")[0][0])

        def demo_clones():
            j = c.get("/vidjil/default/get_data", query={"sample_set_id": demo_run, "config": first}).json()
            return j if j.get("clones") else None
        demo = _wait(demo_clones, 60, "the analysis of the demo reads")
        assert demo["clones"][0]["name"] == "fake clone 1" and demo["reads"]["total"] == [190], demo["reads"]
        s.stop_and_check()
    finally:
        s.cleanup()
        shutil.rmtree(germline, ignore_errors=True)


def test_start_without_engine_shows_the_demo_patient(env):
    s = Stack(env, VIDJIL_DEMO="1")
    # A web client installed in VIDJIL_BROWSER_DIR is served at / on the API's origin.
    client_dir = os.path.join(s.dir, "browser")
    os.makedirs(os.path.join(client_dir, "js"))
    open(os.path.join(client_dir, "index.html"), "w").write("<title>test client</title>\n")
    open(os.path.join(client_dir, "js", "conf.js"), "w").write('var config = {"db_address": "default"};\n')
    s.vars["VIDJIL_BROWSER_DIR"] = client_dir
    try:
        p = s.run("start")
        # vidjil-local goes on without the demo data when demo-data fails: say why here.
        assert "demo data not loaded" not in p.stderr, p.stderr
        assert "VIDJIL_PROGRAM" not in s.conf()
        a = s.client.get("/")
        assert a.status == 200 and b"test client" in a.body, a
        a = s.client.get("/js/conf.js")
        assert a.status == 200 and a.header("content-type") == "application/javascript" and b"db_address" in a.body, a
        assert s.client.get("/js/missing.js").status == 404
        s.login()
        c = s.client
        ss = int(s.sql("SELECT sample_set_id FROM patient WHERE id_label = 'vidjil-demo'")[0][0])
        cid = int(s.sql("SELECT id FROM config WHERE program = 'none' ORDER BY id LIMIT 1")[0][0])

        def clones():
            a = c.get("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid})
            if a.status != 200:
                return None
            j = a.json()
            return j if j.get("clones") else None
        data = _wait(clones, 60, "the demo patient's imported results")
        assert data["samples"]["number"] == 2 and len(data["clones"]) == 25, data["samples"]
        assert data["clones"][0]["reads"] == [8000, 12], data["clones"][0]
        # Imported by the runner (a job, not rows written by SQL), and fused from the two samples.
        jobs = s.sql("SELECT t.status FROM results_file r JOIN scheduler_task t ON t.id = r.scheduler_task_id "
                     "WHERE r.config_id = ?", cid)
        assert [j[0] for j in jobs] == ["COMPLETED", "COMPLETED"], jobs
        assert s.sql("SELECT COUNT(*) FROM results_file WHERE config_id <> ?", cid) == [["0"]]  # no engine: no analysis

        # A later start with an engine, while running, updates the configuration and the runner.
        germline = os.path.join(s.dir, "germline")
        os.mkdir(germline)
        old_runner = s.status()[0]["runner"][0]
        s.run("start", VIDJIL_ALGO=FAKE_ALGO, VIDJIL_GERMLINE=germline)
        conf = s.conf()
        assert conf["VIDJIL_PROGRAM"] == os.path.realpath(FAKE_ALGO) and conf["DIR_GERMLINE"] == germline, conf
        parts, code = s.status()
        _status_ok(parts, code)
        assert parts["runner"][0] != old_runner and not _alive(old_runner), parts
        s.stop_and_check()
    finally:
        s.cleanup()
