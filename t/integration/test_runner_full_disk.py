"""vidjil-runner on a full results disk: DIR_RESULTS is a tiny tmpfs filled to the last byte (a
real ENOSPC), the work directory stays where it is. The job ends FAILED with the reason in the log
the user reads, nothing half-written or temporary is left in DIR_RESULTS, no row points to a file
that is not there, and once space is back the same sample runs again to COMPLETED.
Needs root and tmpfs mounts (as on the CI machine); skips, saying so, where mounting is refused."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
import vtest  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" \
        ">r2\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCC\n"


def _full_tmpfs():
    point = tempfile.mkdtemp(prefix="vidjil-full-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0750", "tmpfs", point], capture_output=True,
                       text=True)
    if p.returncode != 0:
        os.rmdir(point)
        raise vtest.Skip("cannot mount a tmpfs to make a full disk here (%s)" % (p.stderr.strip() or "not root"))
    # Fill it to the last byte: every later write gets ENOSPC.
    fd = os.open(os.path.join(point, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\0" * 512) > 0:
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    return point


def _unmount(point):
    subprocess.run(["umount", point], capture_output=True)
    os.rmdir(point)


def test_full_results_disk_fails_the_job_cleanly_and_it_runs_again(env):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Full"))
    sf, _ = fx.add_file(env, ss, "f.fa", content=FASTA)
    cid = fx.make_config(env, command="-c clones")
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    point = _full_tmpfs()
    try:
        work = fx.conf_values(env)["DIR_WORK"]
        p = fx.run_runner(env, DIR_RESULTS=point, DIR_WORK=work, FS_LOCK_THRESHOLD=0)
        assert p.returncode == 0, p.stderr
        assert fx.status_of(env, rid) == "FAILED", (fx.job_of(env, rid), p.stderr)
        message = fx.job_of(env, rid)[0]
        assert "No space left on device" in message, message
        assert sorted(os.listdir(point)) == ["filler"]  # no temporary or partial file left
    finally:
        _unmount(point)
    assert env.sql("SELECT data_file IS NULL FROM results_file WHERE id = ?", rid) == [["1"]]
    assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid) == [["0"]]
    info = c.post("/vidjil/results_file/info", query={"results_file_id": rid})
    assert info.status == 200 and "No space left on device" in info.text and 'id="result_status">FAILED' in info.text
    # Space is back: the same sample runs again.
    again = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert again != rid
    assert fx.run_runner(env).returncode == 0
    assert fx.status_of(env, again) == "COMPLETED", fx.job_of(env, again)
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["samples"]["results_file_id"] == [again] and len(d["clones"]) == 2


def test_upload_to_a_full_disk_is_refused_and_leaves_nothing(env):
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "sets_lib_full", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "test_sets_lib.py"))
    lib = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lib)
    c, uid, group = lib.lab_user(env)
    pid = lib.create_set(c, group, "patient")
    sf = lib.create_sample(c, [pid], filename="big.fa")
    body, ctype = lib.multipart([("pre_process", None, "0"), ("id", None, str(sf)), ("file_number", None, "1"),
                                 ("file", "big.fa", lib.fasta(2000))])
    point = _full_tmpfs()
    conf = fx.runner_conf(env, DIR_SEQUENCES=point)
    try:
        a = env.cgi("file", "POST", "/vidjil/file/upload", body=body, content_type=ctype, cookie=fx.cookie(c), conf=conf)
        leftovers = [os.path.join(d, f) for d, _, files in os.walk(point) for f in files]
    finally:
        _unmount(point)
        os.unlink(conf)
    assert a.status == 507 and a.json() == {"success": "false", "priority": 3, "message":
                                            "The server could not store the file: No space left on device"}, a
    assert leftovers == [os.path.join(point, "filler")], leftovers
    assert env.sql("SELECT data_file IS NULL, size_file IS NULL OR size_file = 0 FROM sequence_file WHERE id = ?",
                   sf) == [["1", "1"]]
