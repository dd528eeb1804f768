"""vidjil-runner with RUNNER_BACKEND = slurm on a real single-node Slurm cluster started by the test
(t/lib/slurm_cluster.py: munged, slurmctld -D, slurmd -D with a private configuration), with the
test program t/fixtures/fake-vidjil-algo as vidjil-algo: analyses to COMPLETED through sbatch,
time and memory limits, scancel from outside, a batch step killed before it reports, slurmctld
restarted while jobs run, and a result deleted in the web interface cancelled in Slurm.

Each test starts its own cluster (a few seconds) and stops it in `finally`. Skipped only when the
Slurm/munge packages are not installed (scripts/install-deps installs them)."""
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import analyses_fixtures as fx  # noqa: E402
import slurm_cluster  # noqa: E402
import vtest  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" \
        ">r2\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCC\n"


class Slurm:
    """A cluster, a runner configuration for it, and the runner processes started on it."""

    def __init__(self, env, preemption=False, **keys):
        why = slurm_cluster.unavailable()
        if why:
            raise vtest.Skip(why)
        self.env = env
        self.cluster = slurm_cluster.SlurmCluster(preemption=preemption)
        self.runners = []
        self.conf = None
        self.cluster.start()
        settings = {"RUNNER_BACKEND": "slurm", "SLURM_POLL": 1, "SLURM_PARTITION": slurm_cluster.PARTITION,
                    "SLURM_DEFAULT_MEM": 300, "SLURM_MISSING_GRACE": 5, "RUNNER_HEARTBEAT": 2,
                    "SLURM_RUNNER": os.path.join(env.builddir, "vidjil-runner")}
        settings.update(keys)
        self.conf = fx.runner_conf(env, **settings)

    def run_env(self):
        return self.cluster.env({"VIDJIL_CONF": self.conf, "PATH": "/usr/bin:/bin"})

    def start_runner(self, *args):
        p = subprocess.Popen(fx.runner_cmd(self.env, *(args or ("--watch",))), env=self.run_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.runners.append(p)
        return p

    def run_once(self, timeout=150):
        return subprocess.run(fx.runner_cmd(self.env, "--once"), env=self.run_env(), capture_output=True, text=True,
                              timeout=timeout)

    def stop_runners(self):
        out = ""
        for p in self.runners:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            try:
                _, err = p.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                _, err = p.communicate()
            out += err or ""
        self.runners = []
        return out

    def close(self):
        try:
            self.stop_runners()
        finally:
            self.cluster.stop()
            if self.conf and os.path.exists(self.conf):
                os.unlink(self.conf)


def _setup(env, command_extra="", files=1, **config):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Slurm"))
    sfs = [fx.add_file(env, ss, "s%d.fa" % i, content=FASTA)[0] for i in range(files)]
    cid = fx.make_config(env, command="-c clones -z 100 " + command_extra, **config)
    return c, ss, sfs, cid


def _slurm_row(env, rid):
    rows = env.sql("SELECT s.slurm_job_id, s.state, s.watched FROM results_file r JOIN vidjil_slurm_job s "
                   "ON s.task_id = r.scheduler_task_id WHERE r.id = ?", rid)
    return rows[0] if rows else None


def _program_runs(env, rid):
    """The batch step took the job and started its program (vidjil_job.child_pid)."""
    rows = env.sql("SELECT t.status, j.child_pid FROM results_file r JOIN scheduler_task t ON t.id = r.scheduler_task_id "
                   "JOIN vidjil_job j ON j.task_id = t.id WHERE r.id = ?", rid)
    return bool(rows) and rows[0][0] == "RUNNING" and rows[0][1] not in ("NULL", "0")


def _admin(env, *args):
    return subprocess.run([os.path.join(env.builddir, "vidjil-admin")] + list(args), capture_output=True, text=True,
                          env={"VIDJIL_CONF": env.conf, "PATH": "/usr/bin:/bin"}, timeout=60)


def _ended(env, rid):
    return fx.status_of(env, rid) in ("COMPLETED", "FAILED", "TIMEOUT")


def test_slurm_analyses_complete_with_their_outputs(env):
    c, ss, sfs, cid = _setup(env, "--fake-sleep 3", files=3)
    rids = [fx.request_run(c, ss, sf, cid)["results_file_id"] for sf in sfs]
    s = Slurm(env)
    try:
        s.start_runner("--watch")
        seen = set()

        def all_ended():
            for rid in rids:
                poll = c.post("/vidjil/default/checkProcess", query={"processId": rid}).json()
                seen.add(poll["status"])
                if poll["status"] == "ASSIGNED":
                    assert "Slurm" in poll.get("message", ""), poll
            return all(_ended(env, rid) for rid in rids)
        fx.wait_for(all_ended, timeout=90, step=0.3)
        log = s.stop_runners()
        for rid in rids:
            assert fx.status_of(env, rid) == "COMPLETED", (fx.job_of(env, rid), log, s.cluster.log("slurmd")[-2000:])
            stored = env.sql("SELECT data_file FROM results_file WHERE id = ?", rid)[0][0]
            assert stored != "NULL" and os.path.exists(os.path.join(fx.conf_values(env)["DIR_RESULTS"], stored))
            slurm_id, state, watched = _slurm_row(env, rid)
            assert int(slurm_id) > 0 and watched == "0", _slurm_row(env, rid)
            message, attempts, host = fx.job_of(env, rid)[:3]
            assert host == slurm_cluster.NODE, fx.job_of(env, rid)  # ran in the batch step on the node
        # Two CPUs for three jobs: at least one waited in Slurm (ASSIGNED, "pending in Slurm").
        assert "ASSIGNED" in seen, seen
        assert "submitted to Slurm as job" in log, log
        assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ?", ss) == [["1"]]
        info = c.post("/vidjil/results_file/info", query={"results_file_id": rids[0]})
        assert 'id="result_status">COMPLETED' in info.text and "fake-vidjil-algo" in info.text, info
        jobs = c.get("/vidjil/my_account/jobs", query={"format": "json"})
        assert jobs.status == 200 and "COMPLETED" in jobs.text, jobs
    finally:
        s.close()


def test_slurm_time_limits_end_in_timeout(env):
    # The config's own limit: the batch step stops the program as a local runner would.
    c, ss, (sf,), short = _setup(env, "--fake-hang", time_limit=2)
    rid_own = fx.request_run(c, ss, sf, short)["results_file_id"]
    # No config limit, SLURM_DEFAULT_TIME = 1 min: Slurm itself kills the step (TIMEOUT).
    c2, ss2, (sf2,), unlimited = _setup(env, "--fake-hang")
    rid_slurm = fx.request_run(c2, ss2, sf2, unlimited)["results_file_id"]
    s = Slurm(env, SLURM_DEFAULT_TIME=1)
    try:
        p = s.run_once(timeout=170)
        assert p.returncode == 0, p.stderr
        assert fx.status_of(env, rid_own) == "TIMEOUT", fx.job_of(env, rid_own)
        assert "time limit of 2 s" in fx.job_of(env, rid_own)[0]
        assert fx.status_of(env, rid_slurm) == "TIMEOUT", (fx.job_of(env, rid_slurm), p.stderr)
        message = fx.job_of(env, rid_slurm)[0]
        assert "Slurm stopped the job at its time limit of 1 min" in message, message
        poll = c2.post("/vidjil/default/checkProcess", query={"processId": rid_slurm}).json()
        assert poll["status"] == "TIMEOUT" and "time limit" in poll["message"], poll
    finally:
        s.close()


def test_slurm_memory_limit_fails_with_the_reason(env):
    c, ss, (sf,), cid = _setup(env, "--fake-memory 400")
    out = _admin(env, "config-limits", str(cid), "--memory", "60")
    assert out.returncode == 0 and "memory 60 MB" in out.stdout, (out.stdout, out.stderr)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    s = Slurm(env)
    try:
        p = s.run_once(timeout=120)
        assert p.returncode == 0, p.stderr
        assert fx.status_of(env, rid) == "FAILED", fx.job_of(env, rid)
        message = fx.job_of(env, rid)[0]
        assert "memory" in message and "60 MB" in message, (message, p.stderr)
        assert env.sql("SELECT data_file FROM results_file WHERE id = ?", rid) == [["NULL"]]
    finally:
        s.close()


def test_slurm_scancel_and_a_killed_step_end_the_jobs(env):
    c, ss, (sf1, sf2), cid = _setup(env, "--fake-sleep 60", files=2)
    rid1 = fx.request_run(c, ss, sf1, cid)["results_file_id"]
    rid2 = fx.request_run(c, ss, sf2, cid)["results_file_id"]
    s = Slurm(env)
    try:
        s.start_runner("--watch")
        fx.wait_for(lambda: _program_runs(env, rid1) and _program_runs(env, rid2), timeout=60)
        # scancel from outside our code.
        s.cluster.run("scancel", _slurm_row(env, rid1)[0])
        # The batch step (vidjil-runner on the node) killed before it could report.
        step_pid = int(env.sql("SELECT j.pid FROM results_file r JOIN vidjil_job j ON j.task_id = r.scheduler_task_id "
                               "WHERE r.id = ?", rid2)[0][0])
        os.kill(step_pid, signal.SIGKILL)
        fx.wait_for(lambda: _ended(env, rid1) and _ended(env, rid2), timeout=60)
        log = s.stop_runners()
        assert fx.status_of(env, rid1) == "FAILED" and "cancelled" in fx.job_of(env, rid1)[0], (fx.job_of(env, rid1), log)
        assert fx.status_of(env, rid2) == "FAILED", (fx.job_of(env, rid2), log)
        assert "without reporting" in fx.job_of(env, rid2)[0], fx.job_of(env, rid2)
        poll = c.post("/vidjil/default/checkProcess", query={"processId": rid1}).json()
        assert poll["status"] == "FAILED" and "cancelled" in poll["message"], poll
    finally:
        s.close()


def test_slurm_controller_restart_while_jobs_run(env):
    c, ss, sfs, cid = _setup(env, "--fake-sleep 6", files=3)
    rids = [fx.request_run(c, ss, sf, cid)["results_file_id"] for sf in sfs[:2]]
    s = Slurm(env)
    try:
        s.start_runner("--watch")
        fx.wait_for(lambda: all(_program_runs(env, r) for r in rids), timeout=60)
        s.cluster.stop_controller()
        # Requested while slurmctld is away: sbatch fails, the job is queued again, then submitted.
        rids.append(fx.request_run(c, ss, sfs[2], cid)["results_file_id"])
        time.sleep(4)
        assert all(not _ended(env, r) or fx.status_of(env, r) == "COMPLETED" for r in rids), \
            [fx.job_of(env, r) for r in rids]
        s.cluster.start_controller()
        fx.wait_for(lambda: all(_ended(env, r) for r in rids), timeout=90)
        log = s.stop_runners()
        for r in rids:
            assert fx.status_of(env, r) == "COMPLETED", (fx.job_of(env, r), log)
    finally:
        s.close()


def test_slurm_preempted_job_is_submitted_again_once(env):
    c, ss, (sf,), cid = _setup(env, "--fake-sleep 4")
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    s = Slurm(env, preemption=True)
    try:
        s.start_runner("--watch")
        fx.wait_for(lambda: _program_runs(env, rid), timeout=60)
        first = _slurm_row(env, rid)[0]
        # A job of the urgent partition needs the whole node: ours is preempted (cancelled).
        s.cluster.run("sbatch", "--parsable", "--partition=" + slurm_cluster.URGENT, "--exclusive", "--mem=100",
                      "-o", "/dev/null", "--wrap", "sleep 2")
        fx.wait_for(lambda: s.cluster.state_of(first) == "PREEMPTED", timeout=30)
        fx.wait_for(lambda: _ended(env, rid), timeout=90)
        log = s.stop_runners()
        assert fx.status_of(env, rid) == "COMPLETED", (fx.job_of(env, rid), log)
        slurm_id, state, watched = _slurm_row(env, rid)
        assert slurm_id != first, (slurm_id, first)
        assert env.sql("SELECT s.requeues FROM results_file r JOIN vidjil_slurm_job s ON s.task_id = "
                       "r.scheduler_task_id WHERE r.id = ?", rid) == [["1"]]
        assert "preempted in Slurm" in log, log
    finally:
        s.close()


def test_slurm_result_or_set_deleted_in_the_ui_is_cancelled(env):
    email, pw, uid, c = fx.new_lab_user(env)
    group = fx.personal_group(env, uid)
    ss, _ = fx.make_set(env, group, last=env.unique("Slurm"))
    sf = fx.add_file(env, ss, "s.fa", content=FASTA)[0]
    cid = fx.make_config(env, command="-c clones -z 100 --fake-sleep 60")
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    # A second set, deleted whole by an administrator (its file and results go with it).
    ss2, _ = fx.make_set(env, group, last=env.unique("SlurmSet"))
    sf2 = fx.add_file(env, ss2, "other.fa", content=FASTA)[0]
    rid2 = fx.request_run(c, ss2, sf2, cid)["results_file_id"]
    tasks = [fx.task_of(env, r)[1] for r in (rid, rid2)]
    s = Slurm(env)
    try:
        s.start_runner("--watch")
        fx.wait_for(lambda: _program_runs(env, rid) and _program_runs(env, rid2), timeout=60)
        slurm_ids = [_slurm_row(env, r)[0] for r in (rid, rid2)]
        a = c.post("/vidjil/results_file/delete", query={"results_file_id": rid, "sample_set_id": ss})
        assert a.status == 200, a
        assert env.sql("SELECT COUNT(*) FROM results_file WHERE id = ?", rid) == [["0"]], a
        a = env.admin().post("/vidjil/sample_set/delete", query={"id": ss2})
        assert a.status == 200, a
        assert env.sql("SELECT COUNT(*) FROM sample_set WHERE id = ?", ss2) == [["0"]], a
        for slurm_id in slurm_ids:
            fx.wait_for(lambda: s.cluster.state_of(slurm_id) in ("CANCELLED", "COMPLETED", "FAILED"), timeout=30)
            assert s.cluster.state_of(slurm_id) == "CANCELLED", (s.cluster.state_of(slurm_id), s.stop_runners())
        for task in tasks:
            fx.wait_for(lambda: env.sql("SELECT status FROM scheduler_task WHERE id = ?", task) in ([["FAILED"]], []),
                        timeout=30)
            rows = env.sql("SELECT message FROM vidjil_job WHERE task_id = ?", task)
            if rows:  # the task row may go with its set
                assert "deleted" in rows[0][0] and "cancelled" in rows[0][0], rows
    finally:
        s.close()


def test_slurm_head_refuses_to_start_without_writable_shared_dirs(env):
    # No cluster needed: the check comes before anything is claimed or submitted.
    conf = fx.runner_conf(env, RUNNER_BACKEND="slurm", SLURM_SBATCH="/bin/true", SLURM_SQUEUE="/bin/true",
                          SLURM_SCANCEL="/bin/true", DIR_WORK="/proc/vidjil-not-writable/work")
    try:
        p = subprocess.run(fx.runner_cmd(env, "--once"), env={"VIDJIL_CONF": conf, "PATH": "/usr/bin:/bin"},
                           capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(conf)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "DIR_WORK" in p.stderr and "/proc/vidjil-not-writable/work" in p.stderr, p.stderr
    bad = fx.runner_conf(env, RUNNER_BACKEND="cluster")
    try:
        p = subprocess.run(fx.runner_cmd(env, "--once"), env={"VIDJIL_CONF": bad, "PATH": "/usr/bin:/bin"},
                           capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(bad)
    assert p.returncode == 1 and "RUNNER_BACKEND must be local or slurm" in p.stderr, p.stderr


def test_slurm_job_unknown_to_slurm_fails_after_the_grace(env):
    # As if slurmctld had lost its state (or MinJobAge had passed with the head away, and no
    # accounting): the job's Slurm id is known to nobody. squeue, then sacct, do not know it.
    c, ss, (sf,), cid = _setup(env)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    task = fx.task_of(env, rid)[1]
    env.sql("UPDATE scheduler_task SET status = 'ASSIGNED' WHERE id = ?", task)
    env.sql("INSERT INTO vidjil_slurm_job (task_id, slurm_job_id, state, submitted_at, watched) "
            "VALUES (?, 99999999, 'RUNNING', NOW(), 1)", task)
    s = Slurm(env, SLURM_MISSING_GRACE=2)
    try:
        t0 = time.time()
        p = s.run_once(timeout=60)
        assert p.returncode == 0, p.stderr
        assert fx.status_of(env, rid) == "FAILED", (fx.job_of(env, rid), p.stderr)
        message = fx.job_of(env, rid)[0]
        assert "Slurm no longer knows the job" in message and "99999999" in message, message
        assert time.time() - t0 >= 2
        assert _slurm_row(env, rid)[2] == "0"  # no longer watched
    finally:
        s.close()


def test_vidjil_admin_config_limits(env):
    cid = fx.make_config(env, command="-c clones")
    out = _admin(env, "config-limits", str(cid))
    assert out.returncode == 0 and "memory SLURM_DEFAULT_MEM" in out.stdout and "time JOB_TIMEOUT" in out.stdout, out
    out = _admin(env, "config-limits", str(cid), "--memory", "2048", "--time", "600")
    assert out.returncode == 0 and "memory 2048 MB, time 600 s" in out.stdout, (out.stdout, out.stderr)
    assert env.sql("SELECT memory_limit, time_limit FROM vidjil_config_limit WHERE config_id = ?", cid) == [["2048", "600"]]
    out = _admin(env, "config-limits", str(cid), "--memory", "none")
    assert out.returncode == 0 and "time 600 s" in out.stdout, out
    assert env.sql("SELECT memory_limit, time_limit FROM vidjil_config_limit WHERE config_id = ?", cid) == [["NULL", "600"]]
    bad = _admin(env, "config-limits", str(cid), "--memory", "-5")
    assert bad.returncode == 2 and "positive whole number" in bad.stderr, bad
    missing = _admin(env, "config-limits", "999999999")
    assert missing.returncode == 1 and "no config with id" in missing.stderr, missing
