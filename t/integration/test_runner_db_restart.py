"""vidjil-runner while the stack's MariaDB stops and starts again: the job that was running ends
COMPLETED exactly once, with its result and fused file stored, whether the database comes back
while the program still runs or only after it has finished. The test restarts the same private
MariaDB (scripts/vidjil-local start starts what is not running) and always leaves it running."""
import os
import subprocess
import sys
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
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert env.sql("SELECT 1") == [["1"]]


def _job(env, seconds):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Restart"))
    sf, _ = fx.add_file(env, ss, "r.fa", content=FASTA)
    cid = fx.make_config(env, command="-c clones --fake-sleep %s" % seconds)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    return c, ss, sf, cid, rid


def _check_completed_once(env, c, ss, sf, cid, rid, runner):
    out, err = runner.communicate(timeout=120)
    assert runner.returncode == 0, err
    assert "database unavailable" in err, err  # it did see the database go away
    assert fx.status_of(env, rid) == "COMPLETED", (fx.job_of(env, rid), err)
    assert env.sql("SELECT COUNT(*) FROM results_file WHERE sequence_file_id = ? AND config_id = ?", sf, cid) == [["1"]]
    data_file = env.sql("SELECT data_file FROM results_file WHERE id = ?", rid)[0][0]
    assert os.path.isfile(os.path.join(fx.conf_values(env)["DIR_RESULTS"], data_file))
    assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid) == [["1"]]
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["samples"]["results_file_id"] == [rid] and len(d["clones"]) == 2, d.get("message")


def _run(env, program_seconds, down_seconds):
    c, ss, sf, cid, rid = _job(env, program_seconds)
    conf = fx.runner_conf(env, RUNNER_HEARTBEAT=1)
    runner = fx.start_runner(env, conf, "--once")
    try:
        fx.wait_for(lambda: fx.status_of(env, rid) == "RUNNING", timeout=30)
        _stop_db(env)
        time.sleep(down_seconds)
        assert runner.poll() is None, runner.communicate()  # waiting for the database, not gone
        _start_db(env)
        _check_completed_once(env, c, ss, sf, cid, rid, runner)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.communicate()
        if not _alive(_pid(env)):
            _start_db(env)
        os.unlink(conf)


def test_database_back_while_the_program_runs(env):
    _run(env, program_seconds=6, down_seconds=2)


def test_database_back_after_the_program_ended(env):
    _run(env, program_seconds=1.5, down_seconds=5)
