"""vidjil-admin user / group / jobs / check / audit (issue 11, administration in the CLI): each
command on the test stack, or on a private database and data directories where the command looks
at the whole database (check) or where the stack's runners must not touch the rows (jobs)."""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

PASSWORD = "Lab-Passw0rd!42-cli"


def run(env, *args, conf=None, password=None, stdin=None):
    e = {"VIDJIL_CONF": conf or env.conf, "VIDJIL_SQL_DIR": os.path.join(env.srcdir, "sql"), "PATH": "/usr/bin:/bin"}
    if password:
        e["VIDJIL_ADMIN_PASSWORD"] = password
    return subprocess.run([os.path.join(env.builddir, "vidjil-admin")] + list(args), env=e, capture_output=True,
                          text=True, input=stdin if stdin is not None else "", timeout=120)


def ok(p):
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    return p.stdout


def fails(p, text):
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert text in p.stderr, p.stderr
    assert "vidjil-admin: " in p.stderr, p.stderr


class Private:
    """A database of its own (migrated, init-db done) with its own data directories."""

    def __init__(self, env):
        self.env = env
        self.db = env.unique("vidjil_cli_")
        self.tmp = tempfile.mkdtemp(prefix="vidjil-admincli-")
        os.chmod(self.tmp, 0o755)
        self.seq = os.path.join(self.tmp, "uploads")
        self.res = os.path.join(self.tmp, "results")
        os.makedirs(self.seq)
        os.makedirs(self.res)
        self.host = env.unique("clihost-")
        keys = {"DB_NAME": self.db, "DIR_SEQUENCES": self.seq, "DIR_RESULTS": self.res,
                "DIR_WORK": os.path.join(self.res, "work"), "RUNNER_HOST": self.host, "RUNNER_STALE_AFTER": "120"}
        lines = [l for l in open(env.conf).read().splitlines() if l.split("=")[0].strip() not in keys]
        self.conf = os.path.join(self.tmp, "vidjil.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n" + "".join("%s = %s\n" % kv for kv in keys.items()))
        env.sql("CREATE DATABASE %s" % self.db)
        env.sql("GRANT ALL PRIVILEGES ON %s.* TO 'vidjil'@'localhost'" % self.db)
        ok(self.run("migrate"))
        self.admin = "root-" + env.unique("") + "@lab.test"
        ok(self.run("init-db", self.admin, password=PASSWORD))

    def run(self, *args, **kw):
        return run(self.env, *args, conf=self.conf, **kw)

    def sql(self, query, *params):
        return self.env.sql(query.replace("{db}", self.db), *params)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.env.sql("DROP DATABASE %s" % self.db)


@contextlib.contextmanager
def private(env):
    p = Private(env)
    try:
        yield p
    finally:
        p.close()


def add_job(p, status, kind="process", host=None, pid=None, heartbeat=None, child_pid=None, sequence_file_id=None,
            attempts=1):
    p.sql("INSERT INTO {db}.scheduler_task (application_name, task_name, group_name, status, function_name, uuid, "
          "args, vars, enabled, start_time, times_run, times_failed) VALUES ('vidjil', ?, 'default', ?, 'run', "
          "UUID(), '[]', '{}', 'T', NOW(), 0, 0)", kind, status)
    task = int(p.sql("SELECT MAX(id) FROM {db}.scheduler_task")[0][0])
    p.sql("INSERT INTO {db}.vidjil_job (task_id, kind, sequence_file_id, host, pid, child_pid, heartbeat, attempts, "
          "queued_at, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(), 'old message')",
          task, kind, sequence_file_id, host, pid, child_pid, heartbeat, attempts)
    return task


def job_state(p, task):
    return p.sql("SELECT t.status, j.message, j.attempts FROM {db}.scheduler_task t JOIN {db}.vidjil_job j "
                 "ON j.task_id = t.id WHERE t.id = ?", task)[0]


def dead_pid():
    q = subprocess.Popen(["true"])
    q.wait()
    return q.pid


# --- user ---------------------------------------------------------------------------------------

def test_user_add_list_disable_enable(env):
    email = env.unique("cli") + "@Lab.test"
    out = ok(run(env, "user", "add", email, "--first", "Ada", "--last", "Lovelace", "--group", "public",
                 password=PASSWORD))
    email = email.lower()
    assert "created" in out and email in out, out
    users = {u["email"]: u for u in json.loads(ok(run(env, "user", "list", "--json")))}
    me = users[email]
    assert me["state"] == "active" and me["first_name"] == "Ada" and me["last_name"] == "Lovelace", me
    personal = "user_%04d" % me["id"]
    assert personal in me["groups"] and "public" in me["groups"], me
    # The personal group holds what registration gives (same rights as an account of register_form).
    _, _, reg_id = env.new_user()
    rights = "SELECT p.name, p.table_name, p.record_id = g.id FROM auth_permission p JOIN auth_group g ON g.id = " \
             "p.group_id WHERE g.role = ? ORDER BY 1, 2"
    assert env.sql(rights, personal) == env.sql(rights, "user_%04d" % reg_id), env.sql(rights, personal)
    assert email in ok(run(env, "user", "list"))

    c = fx.login(env, email, PASSWORD)
    assert c.get("/vidjil/default/whoami").json()["email"] == email
    out = ok(run(env, "user", "disable", email))
    assert "disabled" in out, out
    # The open session is over, and a new login is refused with a clear message.
    assert c.get("/vidjil/default/whoami").status in (303, 403)
    again = env.client().login(email, PASSWORD).json()
    assert again["error"] == "Account is blocked" and again["user_id"] is None, again
    users = {u["email"]: u for u in json.loads(ok(run(env, "user", "list", "--json")))}
    assert users[email]["state"] == "blocked"

    assert "enabled" in ok(run(env, "user", "enable", email))
    assert fx.login(env, email, PASSWORD).get("/vidjil/default/whoami").json()["email"] == email
    trail = env.sql("SELECT action FROM vidjil_audit WHERE table_name = 'auth_user' AND record_id = ? ORDER BY id",
                    me["id"])
    assert [r[0] for r in trail][-3:] == ["user_add", "user_disable", "user_enable"], trail


def test_user_add_with_admin_flag_and_password_from_stdin(env):
    email = env.unique("cliadm") + "@lab.test"
    ok(run(env, "user", "add", email, "--admin", stdin=PASSWORD + "\n"))
    members = [m["email"] for m in json.loads(ok(run(env, "group", "member", "list", "admin", "--json")))]
    assert email in members
    assert fx.login(env, email, PASSWORD).get("/vidjil/default/whoami").json()["admin"] is True


def test_user_errors_are_clear(env):
    ghost = env.unique("ghost") + "@lab.test"
    for cmd in ("disable", "enable"):
        fails(run(env, "user", cmd, ghost), "no user with e-mail " + ghost)
    fails(run(env, "user", "add", "not-an-email", password=PASSWORD), "not an e-mail address")
    fails(run(env, "user", "add", env.admin_email, password=PASSWORD), "already exists")
    fails(run(env, "user", "add", env.unique("weak") + "@lab.test", password="short"), "")
    fails(run(env, "user", "add", env.unique("g") + "@lab.test", "--group", env.unique("nogroup"), password=PASSWORD),
          "no group named")
    assert run(env, "user").returncode == 2
    assert run(env, "user", "add").returncode == 2
    p = run(env, "user", "list", "--bogus")
    assert p.returncode == 1 and "unknown option --bogus" in p.stderr, p.stderr


def test_last_active_administrator_cannot_be_disabled(env):
    with private(env) as p:
        fails(p.run("user", "disable", p.admin), "last active administrator")
        assert p.sql("SELECT action_token FROM {db}.auth_user WHERE email = ?", p.admin) == [[""]]


# --- group --------------------------------------------------------------------------------------

def test_group_add_list_and_members(env):
    parent = env.unique("lab_")
    ok(run(env, "group", "add", parent, "--description", "the lab"))
    child = env.unique("team_")
    out = ok(run(env, "group", "add", child, "--description", "a team", "--parent", parent))
    assert "created under group" in out, out
    groups = {g["name"]: g for g in json.loads(ok(run(env, "group", "list", "--json")))}
    assert groups[child]["parents"] == [parent] and groups[child]["description"] == "a team", groups[child]
    assert groups[parent]["members"] == 0
    assert child in ok(run(env, "group", "list"))
    # The same rights as a group made by group/add_form.
    rights = "SELECT p.name, p.table_name FROM auth_permission p JOIN auth_group g ON g.id = p.group_id " \
             "WHERE g.role = ? AND (p.record_id = 0 OR p.record_id = g.id) ORDER BY 1, 2"
    assert [r[0] for r in env.sql(rights, child)] == ["access", "admin", "create", "read", "save", "upload"]
    gid = groups[child]["id"]
    assert env.sql("SELECT COUNT(*) FROM auth_permission p JOIN auth_group g ON g.id = p.group_id WHERE g.role = ? "
                   "AND p.name = 'access' AND p.table_name = 'auth_group' AND p.record_id = ?", parent, gid) == [["1"]]

    email, pw, uid = env.new_user()
    assert "added to" in ok(run(env, "group", "member", "add", child, email))
    assert "already a member" in ok(run(env, "group", "member", "add", str(gid), email))  # by id too
    members = json.loads(ok(run(env, "group", "member", "list", child, "--json")))
    assert [m["email"] for m in members] == [email], members
    roles = [g["role"] for g in fx.login(env, email, pw).get("/vidjil/default/whoami").json()["groups"]]
    assert child in roles, roles
    assert "removed from" in ok(run(env, "group", "member", "remove", child, email))
    assert ok(run(env, "group", "member", "list", child)) == ""
    fails(run(env, "group", "member", "remove", child, email), "is not a member")


def test_group_errors_are_clear(env):
    name = env.unique("lab_")
    ok(run(env, "group", "add", name))
    fails(run(env, "group", "add", name), "already exists")
    fails(run(env, "group", "add", env.unique("x"), "--parent", env.unique("nogroup")), "no group named")
    fails(run(env, "group", "member", "list", env.unique("nogroup")), "no group named")
    ghost = env.unique("ghost") + "@lab.test"
    fails(run(env, "group", "member", "add", name, ghost), "no user with e-mail " + ghost)
    assert run(env, "group", "member", "frobnicate", name, ghost).returncode == 2
    assert run(env, "group").returncode == 2


# --- jobs ---------------------------------------------------------------------------------------

def test_jobs_list_requeue_cancel(env):
    with private(env) as p:
        failed = add_job(p, "FAILED", attempts=2)
        queued = add_job(p, "QUEUED")
        done = add_job(p, "COMPLETED")
        alive = add_job(p, "RUNNING", host="elsewhere", pid=4242, heartbeat=int(time.time()))
        stale = add_job(p, "RUNNING", host="elsewhere", pid=4242, heartbeat=int(time.time()) - 3600)
        gone = add_job(p, "RUNNING", host=p.host, pid=dead_pid(), heartbeat=int(time.time()))

        listed = json.loads(ok(p.run("jobs", "list", "--json")))
        assert [j["id"] for j in listed] == [gone, stale, alive, done, queued, failed], listed
        assert [j["id"] for j in json.loads(ok(p.run("jobs", "list", "--status", "failed", "--json")))] == [failed]
        assert len(json.loads(ok(p.run("jobs", "list", "--limit", "2", "--json")))) == 2
        assert str(queued) in ok(p.run("jobs", "list"))

        assert "queued again" in ok(p.run("jobs", "requeue", str(failed)))
        assert job_state(p, failed) == ["QUEUED", "queued again by an administrator", "0"]
        fails(p.run("jobs", "requeue", str(done)), "only FAILED, TIMEOUT or stuck RUNNING")
        fails(p.run("jobs", "requeue", str(alive)), "cancel it first")
        assert job_state(p, alive)[0] == "RUNNING"
        ok(p.run("jobs", "requeue", str(stale)))  # no heartbeat for an hour
        ok(p.run("jobs", "requeue", str(gone)))   # its runner process on this host is gone
        assert job_state(p, stale)[0] == job_state(p, gone)[0] == "QUEUED"

        assert "cancelled" in ok(p.run("jobs", "cancel", str(queued)))
        assert job_state(p, queued)[:2] == ["FAILED", "cancelled by administrator"]
        fails(p.run("jobs", "cancel", str(done)), "already ended")
        out = ok(p.run("jobs", "cancel", str(alive)))  # another host: its runner stops the program
        assert "runner on elsewhere stops" in out, out
        assert job_state(p, alive)[:2] == ["FAILED", "cancelled by administrator"]

        fails(p.run("jobs", "cancel", "999999"), "no job 999999")
        fails(p.run("jobs", "requeue", "abc"), "not a valid job id")
        fails(p.run("jobs", "list", "--status", "BOGUS"), "unknown job status")
        assert p.run("jobs", "explode").returncode == 2


def test_cancel_running_job_on_this_host_signals_its_program(env):
    with private(env) as p:
        prog = subprocess.Popen(["sleep", "60"], start_new_session=True)  # a job's program: its own group
        try:
            runner = subprocess.Popen(["sleep", "60"])
            task = add_job(p, "RUNNING", host=p.host, pid=runner.pid, child_pid=prog.pid, heartbeat=int(time.time()))
            out = ok(p.run("jobs", "cancel", str(task)))
            assert "was sent SIGTERM" in out, out
            assert prog.wait(timeout=20) == -signal.SIGTERM
            assert job_state(p, task)[:2] == ["FAILED", "cancelled by administrator"]
            runner.kill()
            runner.wait()
        finally:
            if prog.poll() is None:
                prog.kill()


def test_cancel_pre_process_fails_the_runs_waiting_for_it(env):
    with private(env) as p:
        p.sql("INSERT INTO {db}.sequence_file (filename, pre_process_flag) VALUES ('r1.fq', 'WAIT')")
        sf = int(p.sql("SELECT MAX(id) FROM {db}.sequence_file")[0][0])
        pre = add_job(p, "QUEUED", kind="pre_process", sequence_file_id=sf)
        waiting = add_job(p, "WAITING", sequence_file_id=sf)
        ok(p.run("jobs", "cancel", str(pre)))
        assert p.sql("SELECT pre_process_flag FROM {db}.sequence_file WHERE id = ?", sf) == [["FAILED"]]
        assert job_state(p, waiting)[0] == "FAILED"
        ok(p.run("jobs", "requeue", str(pre)))
        assert p.sql("SELECT pre_process_flag FROM {db}.sequence_file WHERE id = ?", sf) == [["WAIT"]]


def test_cancelled_job_is_stopped_by_the_runner_that_holds_it(env):
    """The runner checks at each heartbeat that its jobs are still its own: a job cancelled from
    another host (no signal possible) has its program stopped, and stays FAILED."""
    c, ss, sf, cid = None, None, None, None
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Cancel"))
    sf, _ = fx.add_file(env, ss, "c.fa", content=">r\nACGTACGTACGT\n")
    marker = tempfile.mktemp(prefix="vidjil-marker-")
    cid = fx.make_config(env, command="-c clones --fake-hang --fake-marker " + marker)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    conf = fx.runner_conf(env, RUNNER_HEARTBEAT=1)
    other = os.path.join(tempfile.mkdtemp(), "vidjil.conf")
    with open(other, "w") as f:  # vidjil-admin as if on another host: it cannot signal the program
        f.write(open(env.conf).read() + "\nRUNNER_HOST = " + env.unique("admin-host-") + "\n")
    r = fx.start_runner(env, conf, "--once", "--host", env.unique("runner-host-"))
    try:
        fx.wait_for(lambda: fx.status_of(env, rid) == "RUNNING" and os.path.exists(marker), timeout=60)
        program_pid = int(open(marker).read().split()[1])
        task = fx.task_of(env, rid)[1]
        out = ok(run(env, "jobs", "cancel", task, conf=other))
        assert "stops its program at its next heartbeat" in out, out
        assert r.wait(timeout=60) == 0  # the program was stopped: the runner ended its work

        def gone():
            try:
                os.kill(program_pid, 0)
                return False
            except ProcessLookupError:
                return True
        fx.wait_for(gone, timeout=10)
        assert fx.status_of(env, rid) == "FAILED"
        assert fx.job_of(env, rid)[0] == "cancelled by administrator"
        assert "no longer held by this runner" in r.stderr.read()
    finally:
        if r.poll() is None:
            r.kill()
            r.wait()
        os.unlink(conf)
        shutil.rmtree(os.path.dirname(other))
        if os.path.exists(marker):
            os.unlink(marker)


# --- check --------------------------------------------------------------------------------------

def _old(path):
    t = time.time() - 3 * 86400
    os.utime(path, (t, t))


def test_check_reports_missing_and_unreferenced_files_and_stuck_jobs(env):
    with private(env) as p:
        out = ok(p.run("check"))
        assert "everything is consistent" in out, out
        assert json.loads(ok(p.run("check", "--json")))["clean"] is True

        # A consistent sample and result: files present, referenced.
        for d, name in ((p.seq, "sequence_file.data_file.kept.fa"), (p.res, "results_file.data_file.kept.vidjil")):
            open(os.path.join(d, name), "w").write("x")
            _old(os.path.join(d, name))
        p.sql("INSERT INTO {db}.sequence_file (filename, data_file) VALUES ('kept.fa', "
              "'sequence_file.data_file.kept.fa')")
        kept = int(p.sql("SELECT MAX(id) FROM {db}.sequence_file")[0][0])
        p.sql("INSERT INTO {db}.results_file (sequence_file_id, data_file) VALUES (?, "
              "'results_file.data_file.kept.vidjil')", kept)
        assert p.run("check").returncode == 0

        # Problems: a row without its file, files without a row, a job whose runner is gone.
        p.sql("INSERT INTO {db}.sequence_file (filename, data_file, data_file2) VALUES ('lost.fa', "
              "'sequence_file.data_file.lost.fa', NULL)")
        lost = int(p.sql("SELECT MAX(id) FROM {db}.sequence_file")[0][0])
        p.sql("INSERT INTO {db}.fused_file (fused_file) VALUES ('fused_file.fused_file.gone.vidjil')")
        fused = int(p.sql("SELECT MAX(id) FROM {db}.fused_file")[0][0])
        orphan = os.path.join(p.res, "analysis_file.analysis_file.orphan.analysis")
        open(orphan, "w").write("{}")
        _old(orphan)
        fresh = os.path.join(p.seq, "sequence_file.data_file.uploading.fa")  # maybe an upload in progress
        open(fresh, "w").write("x")
        stuck = add_job(p, "RUNNING", host="elsewhere", pid=1, heartbeat=int(time.time()) - 3600)
        add_job(p, "RUNNING", host="elsewhere", pid=1, heartbeat=int(time.time()))  # alive

        q = p.run("check", "--json")
        assert q.returncode == 1, (q.stdout, q.stderr)
        r = json.loads(q.stdout)
        assert r["clean"] is False
        assert sorted((m["table"], m["id"], m["column"], m["problem"]) for m in r["missing_files"]) == sorted([
            ("sequence_file", lost, "data_file", "missing"), ("fused_file", fused, "fused_file", "missing")]), r
        assert [u["path"] for u in r["unreferenced_files"]] == [orphan], r
        assert [s["id"] for s in r["stuck_jobs"]] == [stuck], r
        text = p.run("check")
        assert text.returncode == 1 and "problems found" in text.stdout, text.stdout
        assert orphan in text.stdout and "sequence_file.data_file.lost.fa" in text.stdout
        assert "jobs requeue %d" % stuck in text.stdout


# --- audit --------------------------------------------------------------------------------------

def test_audit_filters_and_csv(env):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Audit"))
    other_ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Audit"))
    sf, _ = fx.add_file(env, ss, "a.fa", content=">r\nACGT\n")
    page = c.get("/vidjil/sample_set/index", query={"id": ss})
    assert page.status == 200, page
    env.sql("INSERT INTO vidjil_audit (created, user_id, client_ip, action, table_name, record_id, detail) "
            "VALUES (NOW(), ?, '127.0.0.1', 'download', 'sequence_file', ?, ?)", uid, sf, "=HYPERLINK(\"x\",\"y\")")

    out = ok(run(env, "audit", "--user", email, "--csv"))
    lines = out.splitlines()
    assert lines[0] == "id,date,user_id,user_email,impersonator_id,client_ip,action,table,record_id,sample_set_id,detail"
    rows = lines[1:]
    assert any(",read,sample_set,%d,%d," % (ss, ss) in l for l in rows), rows
    # The sequence file's row is found through the set; its formula is neutralised and quoted.
    assert any(",download,sequence_file,%d,%d,\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"" % (sf, ss) in l for l in rows), rows
    assert all(email in l for l in rows)

    by_set = ok(run(env, "audit", "--set", str(ss)))
    assert "\tread\tsample_set\t%d\t" % ss in by_set and "\tdownload\tsequence_file\t%d\t" % sf in by_set, by_set
    assert email not in ok(run(env, "audit", "--set", str(other_ss), "--user", email))
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
    assert email in ok(run(env, "audit", "--user", email, "--since", today))
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 2 * 86400))
    assert ok(run(env, "audit", "--user", email, "--since", tomorrow)).count("\n") == 1  # the header only
    assert ok(run(env, "audit", "--user", email, "--until", "2001-01-01")).count("\n") == 1
    assert ok(run(env, "audit", "--user", email, "--limit", "1")).count("\n") == 2

    ghost = env.unique("ghost") + "@lab.test"
    fails(run(env, "audit", "--user", ghost), "no user with e-mail " + ghost)
    fails(run(env, "audit", "--since", "yesterday"), "not a date")
    fails(run(env, "audit", "--set", "x"), "not a valid sample set id")
