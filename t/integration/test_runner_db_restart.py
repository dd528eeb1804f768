"""vidjil-runner while the stack's MariaDB stops and starts again: the job that was running ends
COMPLETED exactly once (its program ran once, one attempt, one result row, one fused file row),
with its result and fused file stored, whether the database comes back while the program still
runs or only after it has finished. While the database is away a program that reaches its time
limit is stopped all the same, and so is the runner on SIGTERM (the next runner takes the job
back). The tests restart the same private MariaDB (scripts/vidjil-local start starts what is not
running, on the same socket, port and datadir) and always leave it running; t/run-all runs the
tests one after the other, so no other test sees the outage."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" \
        ">r2\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCC\n"


def _pid(env):
    try:
        return int(open(os.path.join(env.state, "run", "mysql.pid")).read())
    except (OSError, ValueError):
        return None


def _alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _stop_db(env):
    pid = _pid(env)
    subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(env.state, "run", "mysql.sock"),
                    "-uroot", "-e", "SHUTDOWN"], capture_output=True, timeout=30)
    fx.wait_for(lambda: not _alive(pid), timeout=30)


def _start_db(env):
    local = dict(os.environ, VIDJIL_LOCAL_DIR=env.state, VIDJIL_BUILD_DIR=env.builddir, VIDJIL_PORT=str(env.port),
                 VIDJIL_FCGI_MODE=env.mode, VIDJIL_DEMO="0")
    p = subprocess.run([os.path.join(env.srcdir, "scripts", "vidjil-local"), "start"], env=local,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert env.sql("SELECT 1") == [["1"]]


def _job(env, options, marker="/dev/null", time_limit=None):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Restart"))
    sf, _ = fx.add_file(env, ss, "r.fa", content=FASTA)
    cid = fx.make_config(env, command="-c clones --fake-marker %s %s" % (marker, options), time_limit=time_limit)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    return c, ss, sf, cid, rid


def _outage(env, runner, down_seconds, while_down=None):
    """Stops MariaDB once the job runs, keeps it down for down_seconds, starts it again."""
    _stop_db(env)
    t0 = time.time()
    if while_down:
        while_down()
    time.sleep(max(0, down_seconds - (time.time() - t0)))
    assert runner.poll() is None, runner.communicate()  # waiting for the database, not gone
    _start_db(env)


def _check_completed_once(env, c, ss, sf, cid, rid, runner, marker):
    out, err = runner.communicate(timeout=120)
    assert runner.returncode == 0, err
    assert "database unavailable" in err and "database reachable again" in err, err  # it did see the outage
    assert fx.status_of(env, rid) == "COMPLETED", (fx.job_of(env, rid), err)
    assert len(open(marker).read().splitlines()) == 1  # the program ran once
    message, attempts, host, log_path, started, ended = fx.job_of(env, rid)
    assert attempts == "1" and message == "NULL", (message, attempts)
    log = open(log_path).read()
    assert log.count("program ended") == 1 and log.count(" COMPLETED") == 1, log
    assert env.sql("SELECT COUNT(*) FROM results_file WHERE sequence_file_id = ? AND config_id = ?", sf, cid) == [["1"]]
    data_file = env.sql("SELECT data_file FROM results_file WHERE id = ?", rid)[0][0]
    assert os.path.isfile(os.path.join(fx.conf_values(env)["DIR_RESULTS"], data_file))
    assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid) == [["1"]]
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["samples"]["results_file_id"] == [rid] and len(d["clones"]) == 2, d.get("message")


def _runner(env):
    # Tries again 1 s, then 2 s, after a failed one (30 s apart at most in production).
    conf = fx.runner_conf(env, RUNNER_HEARTBEAT=1, RUNNER_DB_BACKOFF=2)
    return conf, fx.start_runner(env, conf, "--once")


def _cleanup(env, conf, runner, *paths):
    try:
        if runner.poll() is None:
            runner.kill()
            runner.communicate()
    finally:
        if not _alive(_pid(env)):
            _start_db(env)
        for path in (conf,) + paths:
            os.unlink(path)


def _run(env, program_seconds, down_seconds):
    fd, marker = tempfile.mkstemp(prefix="vidjil-restart-marker-")
    os.close(fd)
    os.chmod(marker, 0o666)  # the program runs as RUNNER_USER
    c, ss, sf, cid, rid = _job(env, "--fake-sleep %s" % program_seconds, marker)
    conf, runner = _runner(env)
    try:
        fx.wait_for(lambda: fx.status_of(env, rid) == "RUNNING", timeout=30)
        _outage(env, runner, down_seconds)
        _check_completed_once(env, c, ss, sf, cid, rid, runner, marker)
    finally:
        _cleanup(env, conf, runner, marker)


def _gone(pid):
    try:
        return open("/proc/%d/stat" % pid).read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return True


def test_database_back_while_the_program_runs(env):
    _run(env, program_seconds=6, down_seconds=2)


def test_database_back_after_the_program_ended(env):
    _run(env, program_seconds=1.5, down_seconds=5)


def test_time_limit_reached_while_the_database_is_away(env):
    c, ss, sf, cid, rid = _job(env, "--fake-hang", time_limit=2)
    conf, runner = _runner(env)
    try:
        task = fx.task_of(env, rid)[1]
        child = fx.wait_for(lambda: int(env.sql("SELECT COALESCE(child_pid, 0) FROM vidjil_job WHERE task_id = ?",
                                                task)[0][0]), timeout=30)

        def stopped_at_its_limit():  # while the database is still down ("condition not reached" otherwise)
            fx.wait_for(lambda: _gone(child), timeout=10)
        _outage(env, runner, 1, while_down=stopped_at_its_limit)
        out, err = runner.communicate(timeout=60)
        assert runner.returncode == 0, err
        assert fx.status_of(env, rid) == "TIMEOUT", (fx.job_of(env, rid), err)
        assert "time limit of 2 s" in fx.job_of(env, rid)[0]
        assert env.sql("SELECT data_file FROM results_file WHERE id = ?", rid) == [["NULL"]]
    finally:
        _cleanup(env, conf, runner)


def test_sigterm_while_the_database_is_away(env):
    c, ss, sf, cid, rid = _job(env, "--fake-sleep 3")
    conf, runner = _runner(env)
    try:
        fx.wait_for(lambda: fx.status_of(env, rid) == "RUNNING", timeout=30)
        child = int(env.sql("SELECT child_pid FROM vidjil_job WHERE task_id = ?", fx.task_of(env, rid)[1])[0][0])
        _stop_db(env)
        runner.terminate()  # the runner stops at once, with its program, even without its database
        out, err = runner.communicate(timeout=15)
        assert runner.returncode == 0 and "stopping" in err, err
        assert _gone(child)
        _start_db(env)
        # Left RUNNING under a runner that is gone: the next runner queues it again and runs it.
        assert fx.status_of(env, rid) == "RUNNING"
        p = fx.run_runner(env)
        assert p.returncode == 0 and "stopped while the job ran" in p.stderr, p.stderr
        assert fx.status_of(env, rid) == "COMPLETED", (fx.job_of(env, rid), p.stderr)
        assert fx.job_of(env, rid)[1] == "2"
    finally:
        _cleanup(env, conf, runner)
