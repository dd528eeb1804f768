"""Several runner hosts on one database and one shared directory (issue 12, "Several hosts"):
runners started with distinct --host names, in --watch, as on separate machines. Every queued job
runs exactly once; a host killed with SIGKILL mid-job (no heartbeat any more) has its job taken
over by another LIVE runner after RUNNER_HEARTBEAT_TIMEOUT (requeued, or failed after
RUNNER_MAX_ATTEMPTS), while a live host's jobs are never taken."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n"


class Runners:
    """vidjil-runner --watch processes, one per host name, their stderr in files (no pipe to fill)."""

    def __init__(self, env, **conf):
        self.env = env
        self.conf = fx.runner_conf(env, **conf)
        self.procs = {}
        self.logs = {}

    def start(self, host, *args):
        log = tempfile.NamedTemporaryFile(prefix="vidjil-runner-%s-" % host, suffix=".log", delete=False)
        self.logs[host] = log.name
        self.procs[host] = subprocess.Popen(fx.runner_cmd(self.env, "--watch", "--host", host, "--poll", "0.2", *args),
                                            env={"VIDJIL_CONF": self.conf, "PATH": "/usr/bin:/bin"},
                                            stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        return self.procs[host]

    def log(self, host):
        return open(self.logs[host]).read()

    def stop(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for path in list(self.logs.values()) + [self.conf]:
            if os.path.exists(path):
                os.unlink(path)


def _setup(env, command, files):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Hosts"))
    sfs = [fx.add_file(env, ss, "h%d.fa" % i, content=FASTA)[0] for i in range(files)]
    cid = fx.make_config(env, command="-c clones -z 100 " + command)
    return c, ss, sfs, cid


def test_three_runner_hosts_run_40_jobs_each_exactly_once(env):
    marker = tempfile.mktemp(prefix="vidjil-multihost-")
    n = 40
    c, ss, sfs, cid = _setup(env, "--fake-sleep 0.2 --fake-marker " + marker, n)
    runners = Runners(env, RUNNER_HEARTBEAT=1)
    try:
        # The runners watch before the jobs arrive: they race for each one as it is queued.
        for h in ("host-a", "host-b", "host-c"):
            runners.start(h, "--max-jobs", "2")
        rids = [fx.request_run(c, ss, sf, cid)["results_file_id"] for sf in sfs]
        fx.wait_for(lambda: all(fx.status_of(env, rid) in ("COMPLETED", "FAILED") for rid in rids), timeout=240, step=0.5)
        assert [fx.status_of(env, rid) for rid in rids] == ["COMPLETED"] * n, \
            [(rid, fx.job_of(env, rid)) for rid in rids if fx.status_of(env, rid) != "COMPLETED"]
        # The program appended "<result id> <pid>" (O_APPEND) to one shared file: each id exactly once.
        runs = [line.split()[0] for line in open(marker).read().splitlines() if line]
        assert sorted(runs) == sorted("%06d" % rid for rid in rids), sorted(runs)
        rows = env.sql("SELECT j.host, t.times_run, j.attempts FROM vidjil_job j JOIN results_file r ON "
                       "r.scheduler_task_id = j.task_id JOIN scheduler_task t ON t.id = j.task_id WHERE r.config_id = ?",
                       cid)
        assert len(rows) == n and all(r[1] == "1" and r[2] == "1" for r in rows), rows
        hosts = {r[0] for r in rows}
        assert hosts <= {"host-a", "host-b", "host-c"} and len(hosts) >= 2, hosts
        for h in ("host-a", "host-b", "host-c"):
            assert "ERROR" not in runners.log(h), runners.log(h)
        # Each host's last sign of life, as admin/clean_workers_status shows it.
        seen = {r[0] for r in env.sql("SELECT host FROM vidjil_runner_host WHERE host LIKE 'host-_'")}
        assert {"host-a", "host-b", "host-c"} <= seen, seen
    finally:
        runners.stop()
        if os.path.exists(marker):
            os.unlink(marker)


def _killed_host_taken_over(env, attempts):
    marker = tempfile.mktemp(prefix="vidjil-multihost-")
    c, ss, (sf,), cid = _setup(env, "--fake-sleep 120 --fake-marker " + marker, 1)
    runners = Runners(env, RUNNER_HEARTBEAT=1, RUNNER_HEARTBEAT_TIMEOUT=4, RUNNER_MAX_ATTEMPTS=attempts)
    # Jobs earlier tests queued without running them would be claimed first (oldest first):
    # they are set aside, so that the one runner slot of dying-a takes this test's job.
    env.sql("UPDATE scheduler_task SET status = 'FAILED' WHERE status = 'QUEUED'")
    try:
        a = runners.start("dying-a", "--max-jobs", "1")
        rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
        fx.wait_for(lambda: fx.status_of(env, rid) == "RUNNING" and os.path.exists(marker), timeout=60)
        assert fx.job_of(env, rid)[2] == "dying-a"
        runners.start("live-b", "--max-jobs", "1")
        # Longer than the timeout with both alive: dying-a's heartbeats keep its job.
        time.sleep(7)
        assert fx.status_of(env, rid) == "RUNNING" and fx.job_of(env, rid)[1:3] == ["1", "dying-a"], fx.job_of(env, rid)
        program_pid = int(open(marker).read().split()[1])
        env.sql("UPDATE config SET command = ? WHERE id = ?", "-c clones -z 100 --fake-marker " + marker, cid)
        a.send_signal(signal.SIGKILL)
        a.wait(timeout=10)
        t0 = time.time()

        def gone():
            try:
                os.kill(program_pid, 0)
                return False
            except ProcessLookupError:
                return True
        fx.wait_for(gone, timeout=10)  # the program died with its runner
        assert fx.status_of(env, rid) == "RUNNING"  # as left by the dead host
        # live-b, still in its --watch loop (no runner started), notices the silence.
        final = "COMPLETED" if attempts > 1 else "FAILED"
        fx.wait_for(lambda: fx.status_of(env, rid) == final, timeout=60, step=0.2)
        return rid, time.time() - t0, runners.log("live-b"), marker
    except BaseException:
        if os.path.exists(marker):
            os.unlink(marker)
        raise
    finally:
        runners.stop()


def test_runner_host_killed_mid_job_is_taken_over_by_a_live_runner(env):
    rid, took, log, marker = _killed_host_taken_over(env, attempts=2)
    try:
        assert "no news from the runner on dying-a for more than 4 s" in log, log
        message, attempts, host = fx.job_of(env, rid)[:3]
        assert host == "live-b" and attempts == "2" and message == "NULL", fx.job_of(env, rid)
        assert len(open(marker).read().splitlines()) == 2  # the killed run, then the one on live-b
        assert took < 45, took
    finally:
        os.unlink(marker)


def test_runner_host_killed_fails_its_job_after_max_attempts(env):
    rid, took, log, marker = _killed_host_taken_over(env, attempts=1)
    try:
        message, attempts, host = fx.job_of(env, rid)[:3]
        assert host == "dying-a" and attempts == "1", fx.job_of(env, rid)
        assert "no news from the runner on dying-a" in message and "given up after 1 attempts" in message, message
        assert len(open(marker).read().splitlines()) == 1
    finally:
        os.unlink(marker)
