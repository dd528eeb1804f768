"""Full disk (ENOSPC) for vidjil-runner and file/upload. Two ways to fill a disk:
- tmpfs: a tiny tmpfs filled to the last byte (a real ENOSPC; needs root and mounts, as on the CI
  machine; skipped, saying so, where mounting is refused);
- shim: t/fixtures/enospc-shim.c, an LD_PRELOAD test fixture built here with cc, making writes
  and fsyncs of files under one directory fail with ENOSPC (runs without mount rights; skipped,
  saying so, when there is no C compiler).
A job whose result cannot be stored ends FAILED with the reason in the log the user reads
(results_file/info), nothing half-written or temporary is left, no row points to a file that is
not there, and once space is back the same sample runs again to COMPLETED. A fuse that cannot be
written leaves the previous fused file and its row as they were. An upload is refused with 507
and leaves no file and no row change."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
import vtest  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" \
        ">r2\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCC\n"
ENOSPC = "No space left on device"


class TmpfsDisk:
    """A 64 KiB tmpfs filled to the last byte: every later write gets ENOSPC."""

    def __init__(self, env, name=None):
        self.env_vars = {}

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="vidjil-full-")
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0750", "tmpfs", self.dir],
                           capture_output=True, text=True)
        if p.returncode != 0:
            os.rmdir(self.dir)
            raise vtest.Skip("cannot mount a tmpfs to make a full disk here (%s); the shim tests cover it"
                             % (p.stderr.strip() or "not root"))
        fd = os.open(os.path.join(self.dir, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 512) > 0:
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        return self

    def leftovers(self):
        return sorted(os.path.relpath(os.path.join(d, f), self.dir) for d, _, files in os.walk(self.dir)
                      for f in files if f != "filler" or d != self.dir)

    def __exit__(self, *exc):
        subprocess.run(["umount", self.dir], capture_output=True)
        os.rmdir(self.dir)


_shim_library = []


def _shim(env):
    if not _shim_library:
        cc = shutil.which("cc") or shutil.which("gcc")
        if not cc:
            raise vtest.Skip("no C compiler to build the ENOSPC shim (t/fixtures/enospc-shim.c)")
        out = os.path.join(tempfile.mkdtemp(prefix="vidjil-shim-", dir=env.state), "enospc-shim.so")
        p = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", out, os.path.join(fx.FIXTURES, "enospc-shim.c"),
                            "-ldl"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        _shim_library.append(out)
    return _shim_library[0]


class ShimDisk:
    """A directory whose files cannot be written (ENOSPC) by programs run with env_vars; with
    `name`, only the files whose path contains it. `at` uses an existing directory."""

    def __init__(self, env, name=None, at=None):
        self.env, self.name, self.at = env, name, at

    def __enter__(self):
        self.dir = self.at or tempfile.mkdtemp(prefix="vidjil-full-", dir=self.env.state)
        self.env_vars = {"LD_PRELOAD": _shim(self.env), "VIDJIL_ENOSPC_DIR": os.path.realpath(self.dir)}
        if self.name:
            self.env_vars["VIDJIL_ENOSPC_NAME"] = self.name
        return self

    def leftovers(self):
        return sorted(os.path.relpath(os.path.join(d, f), self.dir) for d, _, files in os.walk(self.dir) for f in files)

    def __exit__(self, *exc):
        if not self.at:
            shutil.rmtree(self.dir)


def _run_runner(env, env_vars, **keys):
    conf = fx.runner_conf(env, **keys)
    try:
        p = subprocess.run(fx.runner_cmd(env, "--once"), env=dict(env_vars, VIDJIL_CONF=conf, PATH="/usr/bin:/bin"),
                           capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(conf)
    assert p.returncode == 0, p.stderr
    return p


def _sample(env, last):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique(last))
    sf, _ = fx.add_file(env, ss, "f.fa", content=FASTA)
    return c, ss, sf


def _result_disk_full_then_space_back(env, disk_class):
    c, ss, sf = _sample(env, "Full")
    cid = fx.make_config(env, command="-c clones")
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    with disk_class(env) as disk:
        work = fx.conf_values(env)["DIR_WORK"]
        p = _run_runner(env, disk.env_vars, DIR_RESULTS=disk.dir, DIR_WORK=work, FS_LOCK_THRESHOLD=0)
        assert fx.status_of(env, rid) == "FAILED", (fx.job_of(env, rid), p.stderr)
        message = fx.job_of(env, rid)[0]
        assert "the result could not be stored" in message and ENOSPC in message, message
        assert disk.leftovers() == []  # no temporary or partial file left
    assert env.sql("SELECT data_file IS NULL FROM results_file WHERE id = ?", rid) == [["1"]]
    assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid) == [["0"]]
    info = c.post("/vidjil/results_file/info", query={"results_file_id": rid})
    assert info.status == 200 and ENOSPC in info.text and 'id="result_status">FAILED' in info.text
    # Space is back: the same sample runs again.
    again = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert again != rid
    assert fx.run_runner(env).returncode == 0
    assert fx.status_of(env, again) == "COMPLETED", fx.job_of(env, again)
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["samples"]["results_file_id"] == [again] and len(d["clones"]) == 2


def test_full_results_disk_fails_the_job_cleanly_and_it_runs_again(env):
    _result_disk_full_then_space_back(env, TmpfsDisk)


def test_full_results_disk_shim_fails_the_job_cleanly_and_it_runs_again(env):
    _result_disk_full_then_space_back(env, ShimDisk)


def test_fuse_on_a_full_disk_keeps_the_previous_fused_file(env):
    c, ss, first = _sample(env, "FullFuse")
    second, _ = fx.add_file(env, ss, "g.fa", content=FASTA.replace("ACGTACGTACGT", "GGGTACGTACGA"))
    cid = fx.make_config(env, command="-c clones")
    r1 = fx.request_run(c, ss, first, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0 and fx.status_of(env, r1) == "COMPLETED"
    results = fx.conf_values(env)["DIR_RESULTS"]
    (fused_id, fused_name), = env.sql("SELECT id, fused_file FROM fused_file WHERE sample_set_id = ? AND config_id = ?",
                                      ss, cid)
    before = open(os.path.join(results, fused_name), "rb").read()
    # The disk fills up once the result is stored: only the fused file cannot be written.
    r2 = fx.request_run(c, ss, second, cid)["results_file_id"]
    listing = set(os.listdir(results))
    with ShimDisk(env, name=".fused", at=results) as disk:
        _run_runner(env, disk.env_vars, FS_LOCK_THRESHOLD=0)
    assert fx.status_of(env, r2) == "COMPLETED", fx.job_of(env, r2)  # the result is there; the next fuse retries
    log = open(fx.job_of(env, r2)[3]).read()
    assert "fuse of set %s" % ss in log and ENOSPC in log, log
    stored = env.sql("SELECT data_file FROM results_file WHERE id = ?", r2)[0][0]
    assert set(os.listdir(results)) - listing == {stored}  # no temporary fused file left
    assert env.sql("SELECT id, fused_file FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid) == \
        [[fused_id, fused_name]]
    assert open(os.path.join(results, fused_name), "rb").read() == before
    # Space is back: the next fuse of the set (another run) has both samples, in the same row.
    r3 = fx.request_run(c, ss, second, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0 and fx.status_of(env, r3) == "COMPLETED"
    assert env.sql("SELECT id, fused_file FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid) == \
        [[fused_id, fused_name]]
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert sorted(d["samples"]["results_file_id"]) == sorted([r1, r3]), d.get("message")


def _sets_lib():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "sets_lib_full", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "test_sets_lib.py"))
    lib = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lib)
    return lib


def _upload_to_a_full_disk(env, disk_class):
    lib = _sets_lib()
    c, uid, group = lib.lab_user(env)
    pid = lib.create_set(c, group, "patient")
    sf = lib.create_sample(c, [pid], filename="big.fa")
    before = env.sql("SELECT * FROM sequence_file WHERE id = ?", sf)
    body, ctype = lib.multipart([("pre_process", None, "0"), ("id", None, str(sf)), ("file_number", None, "1"),
                                 ("file", "big.fa", lib.fasta(2000))])
    with disk_class(env) as disk:
        # UPLOAD_MIN_FREE = 0: the write itself must meet the full disk (the guard is tested elsewhere).
        conf = fx.runner_conf(env, DIR_SEQUENCES=disk.dir, UPLOAD_MIN_FREE=0)
        try:
            a = env.cgi("file", "POST", "/vidjil/file/upload", body=body, content_type=ctype, cookie=fx.cookie(c),
                        conf=conf, extra_env=disk.env_vars)
        finally:
            os.unlink(conf)
        assert disk.leftovers() == []
    assert a.status == 507 and a.json() == {"success": "false", "priority": 3,
                                            "message": "The server could not store the file: " + ENOSPC}, a
    assert env.sql("SELECT data_file IS NULL, size_file IS NULL OR size_file = 0 FROM sequence_file WHERE id = ?",
                   sf) == [["1", "1"]]
    assert env.sql("SELECT * FROM sequence_file WHERE id = ?", sf) == before


def test_upload_to_a_full_disk_is_refused_and_leaves_nothing(env):
    _upload_to_a_full_disk(env, TmpfsDisk)


def test_upload_to_a_full_disk_shim_is_refused_and_leaves_nothing(env):
    _upload_to_a_full_disk(env, ShimDisk)
