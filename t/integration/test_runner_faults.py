"""vidjil-runner against the test database, with the test program t/fixtures/fake-vidjil-algo as
vidjil-algo: time limits, failing and garbage-writing programs, a runner killed with SIGKILL,
two runners at once, --watch, jobs whose file disappeared."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" \
        ">r2\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" \
        ">r3\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCC\n"


def _setup(env, command_extra="", files=1, **config):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Faults"))
    sfs = [fx.add_file(env, ss, "s%d.fa" % i, content=FASTA)[0] for i in range(files)]
    cid = fx.make_config(env, command="-c clones -z 100 " + command_extra, **config)
    return c, ss, sfs, cid


def _results_dir(env):
    return fx.conf_values(env)["DIR_RESULTS"]


def test_hanging_program_hits_the_config_time_limit(env):
    c, ss, (sf,), cid = _setup(env, "--fake-hang", time_limit=2)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    t0 = time.time()
    p = fx.run_runner(env)
    assert p.returncode == 0, p.stderr
    assert time.time() - t0 < 20
    assert fx.status_of(env, rid) == "TIMEOUT"
    message, attempts, host, log_path, started, ended = fx.job_of(env, rid)
    assert "time limit of 2 s" in message and ended != "NULL", message
    poll = c.post("/vidjil/default/checkProcess", query={"processId": rid}).json()
    assert poll["status"] == "TIMEOUT" and "time limit" in poll["message"], poll
    assert env.sql("SELECT data_file FROM results_file WHERE id = ?", rid) == [["NULL"]]


def test_failing_program_shows_its_log_and_can_be_run_again(env):
    c, ss, (sf,), cid = _setup(env, "--fake-crash")
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0
    assert fx.status_of(env, rid) == "FAILED"
    assert "exit status 3" in fx.job_of(env, rid)[0]
    info = c.post("/vidjil/results_file/info", query={"results_file_id": rid})
    assert info.status == 200 and "simulated crash" in info.text and 'id="result_status">FAILED' in info.text, info
    assert "fake-vidjil-algo" in info.text and "command:" in info.text
    out = c.post("/vidjil/results_file/output", query={"results_file_id": rid})
    assert "%06d.vidjil.log" % rid in out.text
    log = c.get("/vidjil/results_file/download", query={"results_file_id": rid, "filename": "%06d.vidjil.log" % rid})
    assert log.status == 200 and b"simulated crash" in log.body
    bad = c.get("/vidjil/results_file/download", query={"results_file_id": rid, "filename": "../out-000001/x"})
    assert bad.json()["success"] == "false"
    # Fixed config, same file: a new run completes.
    env.sql("UPDATE config SET command = '-c clones' WHERE id = ?", cid)
    again = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert again != rid
    assert fx.run_runner(env).returncode == 0
    assert fx.status_of(env, again) == "COMPLETED"


def test_garbage_or_missing_output_fails_without_a_result(env):
    for mode, reason in (("--fake-garbage", "not a valid .vidjil"), ("--fake-no-output", "no result file")):
        c, ss, (sf,), cid = _setup(env, mode)
        rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
        assert fx.run_runner(env).returncode == 0
        assert fx.status_of(env, rid) == "FAILED" and reason in fx.job_of(env, rid)[0], fx.job_of(env, rid)
        assert env.sql("SELECT data_file FROM results_file WHERE id = ?", rid) == [["NULL"]]
        assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ?", ss) == [["0"]]
        assert not [f for f in os.listdir(_results_dir(env)) if ".tmp-" in f]


def test_missing_or_unknown_program(env):
    c, ss, (sf,), cid = _setup(env)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert fx.run_runner(env, VIDJIL_PROGRAM="/nonexistent/vidjil-algo").returncode == 0
    assert fx.status_of(env, rid) == "FAILED" and "missing or not executable" in fx.job_of(env, rid)[0]
    other = fx.make_config(env, program="mixcr", command="analyze")
    rid2 = fx.request_run(c, ss, sf, other)["results_file_id"]
    assert fx.run_runner(env).returncode == 0
    assert fx.status_of(env, rid2) == "FAILED" and "PROGRAM_MIXCR" in fx.job_of(env, rid2)[0]


def test_file_deleted_before_the_job_runs(env):
    c, ss, (sf1, sf2), cid = _setup(env, files=2)
    rid1 = fx.request_run(c, ss, sf1, cid)["results_file_id"]
    rid2 = fx.request_run(c, ss, sf2, cid)["results_file_id"]
    stored = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", sf1)[0][0]
    os.unlink(os.path.join(fx.conf_values(env)["DIR_SEQUENCES"], stored))
    task2 = fx.task_of(env, rid2)[1]
    env.sql("DELETE FROM sequence_file WHERE id = ?", sf2)  # cascades to its results
    assert fx.run_runner(env).returncode == 0
    assert fx.status_of(env, rid1) == "FAILED" and "missing on the server" in fx.job_of(env, rid1)[0]
    assert env.sql("SELECT status FROM scheduler_task WHERE id = ?", task2) == [["FAILED"]]


def test_sigkill_mid_job_then_the_next_runner_recovers_it(env):
    marker = tempfile.mktemp(prefix="vidjil-marker-")
    c, ss, (sf,), cid = _setup(env, "--fake-sleep 60 --fake-marker " + marker)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    conf = fx.runner_conf(env)
    try:
        r = fx.start_runner(env, conf, "--once")
        fx.wait_for(lambda: fx.status_of(env, rid) == "RUNNING" and os.path.exists(marker), timeout=30)
        program_pid = int(open(marker).read().split()[1])
        r.send_signal(signal.SIGKILL)
        r.wait(timeout=10)

        def gone():
            try:
                os.kill(program_pid, 0)
                return False
            except ProcessLookupError:
                return True
        fx.wait_for(gone, timeout=10)  # the program died with its runner (no orphan)
        assert fx.status_of(env, rid) == "RUNNING"  # as left by the dead runner
        env.sql("UPDATE config SET command = ? WHERE id = ?", "-c clones --fake-marker " + marker, cid)
        p = fx.run_runner(env, conf=conf)
        assert p.returncode == 0, p.stderr
        assert "stopped while the job ran" in p.stderr, p.stderr
        assert fx.status_of(env, rid) == "COMPLETED", fx.job_of(env, rid)
        message, attempts = fx.job_of(env, rid)[:2]
        assert attempts == "2" and message == "NULL", fx.job_of(env, rid)
        assert len(open(marker).read().splitlines()) == 2
        assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ?", ss) == [["1"]]
    finally:
        os.unlink(conf)
        if os.path.exists(marker):
            os.unlink(marker)


def test_two_concurrent_runners_run_each_job_once(env):
    marker = tempfile.mktemp(prefix="vidjil-marker-")
    n = 8
    c, ss, sfs, cid = _setup(env, "--fake-sleep 0.3 --fake-marker " + marker, files=n)
    rids = [fx.request_run(c, ss, sf, cid)["results_file_id"] for sf in sfs]
    conf = fx.runner_conf(env)
    try:
        runners = [fx.start_runner(env, conf, "--once", "--host", "host-%s" % h, "--max-jobs", "2") for h in "ab"]
        for r in runners:
            out, err = r.communicate(timeout=120)
            assert r.returncode == 0, err
        assert [fx.status_of(env, rid) for rid in rids] == ["COMPLETED"] * n
        lines = open(marker).read().split("\n")
        runs = [line.split()[0] for line in lines if line]
        assert sorted(runs) == sorted("%06d" % rid for rid in rids), runs  # each job exactly once
        hosts = {row[0] for row in env.sql("SELECT DISTINCT j.host FROM vidjil_job j JOIN results_file r ON "
                                           "r.scheduler_task_id = j.task_id WHERE r.config_id = ?", cid)}
        assert hosts <= {"host-a", "host-b"}
        times = env.sql("SELECT t.times_run FROM scheduler_task t JOIN results_file r ON r.scheduler_task_id = t.id "
                        "WHERE r.config_id = ?", cid)
        assert times == [["1"]] * n
        # All the fuses of one set by two runners: one fused_file row holding every sample.
        fused = env.sql("SELECT sequence_file_list FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid)
        assert len(fused) == 1 and sorted(fused[0][0].strip("_").split("_")) == sorted(str(s) for s in sfs), fused
    finally:
        os.unlink(conf)
        if os.path.exists(marker):
            os.unlink(marker)


def test_watch_mode_starts_jobs_within_seconds_and_stops_cleanly(env):
    conf = fx.runner_conf(env, RUNNER_POLL=1)
    r = fx.start_runner(env, conf, "--watch", "--poll", "0.3")
    try:
        c, ss, (sf,), cid = _setup(env)
        rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
        fx.wait_for(lambda: fx.status_of(env, rid) == "COMPLETED", timeout=15)
        slow = fx.make_config(env, command="-c clones --fake-sleep 30")
        rid2 = fx.request_run(c, ss, sf, slow)["results_file_id"]
        fx.wait_for(lambda: fx.status_of(env, rid2) == "RUNNING", timeout=15)
        r.send_signal(signal.SIGTERM)
        assert r.wait(timeout=20) == 0
        # Stopped while running: queued again for the next runner, never lost.
        assert fx.status_of(env, rid2) == "QUEUED" and "queued again" in fx.job_of(env, rid2)[0]
        env.sql("UPDATE config SET command = '-c clones' WHERE id = ?", slow)
        assert fx.run_runner(env, conf=conf).returncode == 0
        assert fx.status_of(env, rid2) == "COMPLETED"
    finally:
        if r.poll() is None:
            r.kill()
            r.wait()
        os.unlink(conf)


def test_grep_reads_result(env):
    c, ss, (sf,), cid = _setup(env)
    a = fx.request_run(c, ss, sf, cid, grep_reads="TTTTGGGGCCCC")
    rid = a["results_file_id"]
    assert a["message"].endswith("process requested - TTTTGGGGCCCC s0.fa"), a
    assert env.sql("SELECT hidden FROM results_file WHERE id = ?", rid) == [["T"]]
    assert fx.run_runner(env).returncode == 0
    done = c.post("/vidjil/default/checkProcess", query={"processId": rid}).json()
    assert done["status"] == "COMPLETED", (done, fx.job_of(env, rid))
    reads = c.get("/vidjil/default/download/" + done["data"]["data_file"], query={"filename": "reads.fa"})
    assert reads.status == 200 and reads.body.count(b">") == 1 and b"TTTTGGGGCCCC" in reads.body
    assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ?", ss) == [["0"]]  # hidden: not fused
