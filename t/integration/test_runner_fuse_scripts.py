"""The --pre/--post scripts and -d distributions of a config's fuse command (model.md §3.5), run by
vidjil-runner after each analysis with the fixture scripts of t/fixtures/fuse-scripts: scripts named
by a plain name of DIR_FUSE_PRE/DIR_FUSE_POST, run without a shell, their output checked; a script
that fails (or cannot be used) fails the fuse and the previous fused file stays."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

SCRIPTS = os.path.join(fx.FIXTURES, "fuse-scripts")
FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" \
        ">r2\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCC\n"


def _conf(env, **extra):
    return fx.runner_conf(env, DIR_FUSE_PRE=os.path.join(SCRIPTS, "pre-fuse"),
                          DIR_FUSE_POST=os.path.join(SCRIPTS, "post-fuse"), **extra)


def _setup(env, fuse, files=1):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("FuseScripts"))
    sfs = [fx.add_file(env, ss, "s%d.fa" % i, content=FASTA)[0] for i in range(files)]
    cid = fx.make_config(env, command="-c clones -z 100", fuse=fuse)
    return c, ss, sfs, cid


def _run(env, c, ss, sf, cid, conf):
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    p = fx.run_runner(env, conf=conf, timeout=60)
    assert p.returncode == 0, p.stderr
    # A failed fuse never fails the analysis: the result is there.
    assert fx.status_of(env, rid) == "COMPLETED", fx.job_of(env, rid)
    return rid


def _job_log(env, rid):
    with open(fx.job_of(env, rid)[3], errors="replace") as f:
        return f.read()


def _fused(env, ss, cid):
    rows = env.sql("SELECT fused_file, fuse_date FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid)
    assert len(rows) == 1, rows
    with open(os.path.join(fx.conf_values(env)["DIR_RESULTS"], rows[0][0]), "rb") as f:
        return f.read(), rows[0][1]


def test_pre_and_post_scripts_and_distributions_shape_the_fused_file(env):
    c, ss, sfs, cid = _setup(env, "-t 100 -d lenSeqAverage -d germline,bogus "
                                  "--pre 'tag-sample --tag \"tag A\"' --post 'add-note one && add-note two'", files=2)
    conf = _conf(env)
    try:
        rids = [_run(env, c, ss, sf, cid, conf) for sf in sfs]
    finally:
        os.unlink(conf)
    body, _ = _fused(env, ss, cid)
    fused = json.loads(body)
    assert fused["samples"]["number"] == 2
    assert fused["samples"]["pre_tag"] == ["tag A", "tag A"], fused["samples"]  # each input, before the fuse
    assert fused["post_notes"] == ["one", "two"]  # once, on the fused result, in order
    repertoires = fused["distributions"]["repertoires"]
    assert len(repertoires) == 2 and fused["distributions"]["keys"] == ["clones", "reads"], fused["distributions"]
    for entries in repertoires.values():
        assert [e["axes"] for e in entries] == [["lenSeqAverage"], ["germline"]], entries
        assert entries[1]["values"] == {"IGH": [2, 2]}, entries  # the fake program's two one-read clones
    log = _job_log(env, rids[-1])
    assert "pre-fuse script: " in log and "tag-sample: 1 sample(s) tagged tag A" in log, log
    assert "add-note: one" in log and "add-note: two" in log
    assert "unknown distribution axis 'bogus' skipped" in log
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["post_notes"] == ["one", "two"] and len(d["distributions"]["repertoires"]) == 2


def test_failing_or_refused_scripts_leave_the_previous_fused_file(env):
    c, ss, (sf,), cid = _setup(env, "-t 100 --post 'add-note first'")
    conf = _conf(env, FUSE_SCRIPT_TIMEOUT=1)
    try:
        _run(env, c, ss, sf, cid, conf)
        before, date = _fused(env, ss, cid)
        assert json.loads(before)["post_notes"] == ["first"]
        tmp = fx.conf_values(env).get("DIR_TMP", "/tmp")
        cases = [
            ("--post fail-loudly", ["post-fuse script fail-loudly failed (exit status 4)",
                                    "fail-loudly: normalisation impossible"]),
            ("--post write-garbage", ["write-garbage did not write a valid .vidjil"]),
            ("--post 'add-note x && ../post-fuse/add-note y'", ["cannot be used", "is not a script name"]),
            ("--post '/bin/sh -c true'", ["is not a script name"]),
            ("--post no-such-script", ["post-fuse script 'no-such-script' not found in"]),
            ("--pre 'add-note x'", ["pre-fuse script 'add-note' not found in"]),  # post-fuse scripts only there
            ("--post sleep-long", ["sleep-long did not finish within 1 s"]),
        ]
        for fuse, messages in cases:
            env.sql("UPDATE config SET fuse_command = ? WHERE id = ?", fuse, cid)
            t0 = time.time()
            rid = _run(env, c, ss, sf, cid, conf)
            assert time.time() - t0 < 30, fuse
            log = _job_log(env, rid)
            assert "fuse of set %d FAILED" % ss in log, (fuse, log)
            for m in messages:
                assert m in log, (fuse, m, log)
            after, after_date = _fused(env, ss, cid)
            assert after == before and after_date == date, fuse
        assert not [f for f in os.listdir(tmp) if f.startswith("vidjil-fuse-")]
    finally:
        os.unlink(conf)


def test_admins_cannot_save_a_script_path(env):
    admin = env.admin()
    for fuse in ("--post '../../bin/sh x'", "--pre '/usr/bin/env python3 x.py'", "--post 'a | b'"):
        r = admin.post("/vidjil/config/add_form", multipart=True, form=[
            ("config_name", env.unique("cfg")), ("config_program", "vidjil"), ("config_command", "-c clones"),
            ("config_fuse_command", fuse), ("config_classification", "-1")]).json()
        assert r["success"] == "false" and "config_fuse_command" in r["message"], (fuse, r)
    ok = admin.post("/vidjil/config/add_form", multipart=True, form=[
        ("config_name", env.unique("cfg")), ("config_program", "vidjil"), ("config_command", "-c clones"),
        ("config_fuse_command", "-t 100 -d lenSeqAverage --post 'add-note x && add-note y'"),
        ("config_classification", "-1")]).json()
    assert ok.get("config_id"), ok
