"""results_file/run_all_patients (admin): every patient result of a config computed again, once
(the original selected no config and could not work, model.md §3.2)."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n"


def _count(env, cid):
    return int(env.sql("SELECT COUNT(*) FROM results_file WHERE config_id = ?", cid)[0][0])


def test_run_all_patients_reschedules_each_patient_result_once(env):
    email, pw, uid, c = fx.new_lab_user(env)
    group = fx.personal_group(env, uid)
    patient, _ = fx.make_set(env, group, last=env.unique("All"))
    run, _ = fx.make_set(env, group, kind="run", name=env.unique("run"))
    p1, _ = fx.add_file(env, patient, "p1.fa", content=FASTA)
    p2, _ = fx.add_file(env, patient, "p2.fa", content=FASTA)
    never, _ = fx.add_file(env, patient, "never-run.fa", content=FASTA)
    r1, _ = fx.add_file(env, run, "r1.fa", content=FASTA)
    cid = fx.make_config(env)
    for ss, sf in ((patient, p1), (patient, p2), (run, r1)):
        fx.request_run(c, ss, sf, cid)
    assert fx.run_runner(env).returncode == 0
    assert _count(env, cid) == 3

    assert c.post("/vidjil/results_file/run_all_patients", query={"config_id": cid}).json()["message"] == "access denied"
    admin = env.admin()
    index = admin.post("/vidjil/results_file/index").text
    assert 'id="run_all_patients_config"' in index and '<option value="%d">' % cid in index
    assert "db.call('results_file/run_all_patients', {'config_id': $('#run_all_patients_config').val()})" in index
    missing = admin.post("/vidjil/results_file/run_all_patients").json()
    assert missing == {"success": "false", "message": "results_file/run_all_patients : id config needed"}, missing
    a = admin.post("/vidjil/results_file/run_all_patients", query={"config_id": cid}).json()
    assert a["success"] == "true" and a["message"].startswith("rerun all: 2 process(es) requested"), a
    assert _count(env, cid) == 5
    assert env.sql("SELECT COUNT(*) FROM vidjil_audit a JOIN results_file r ON r.id = a.record_id WHERE a.action = "
                   "'run_request' AND a.table_name = 'results_file' AND r.config_id = ? AND a.user_id = "
                   "(SELECT id FROM auth_user WHERE email = ?)", cid, env.admin_email) == [["2"]]
    queued = env.sql("SELECT r.sequence_file_id FROM results_file r JOIN scheduler_task t ON t.id = r.scheduler_task_id "
                     "WHERE r.config_id = ? AND t.status = 'QUEUED' ORDER BY 1", cid)
    assert queued == [[str(p1)], [str(p2)]], queued  # not the run's file, not the file never analysed
    b = admin.post("/vidjil/results_file/run_all_patients", query={"config_id": cid}).json()
    assert b["message"].startswith("rerun all: 0 process(es)") and "2 already queued or running" in b["message"], b
    assert _count(env, cid) == 5
    assert fx.run_runner(env).returncode == 0
    assert env.sql("SELECT COUNT(*) FROM results_file r JOIN scheduler_task t ON t.id = r.scheduler_task_id "
                   "WHERE r.config_id = ? AND t.status = 'COMPLETED'", cid) == [["5"]]
    assert never not in [int(x[0]) for x in env.sql("SELECT sequence_file_id FROM results_file WHERE config_id = ?", cid)]


def test_run_all_patients_refusals_and_disk_guard(env):
    email, pw, uid, c = fx.new_lab_user(env)
    patient, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Guard"))
    sf, _ = fx.add_file(env, patient, "g.fa", content=FASTA)
    cid = fx.make_config(env)
    # A result of the config to compute again (as if it had run), with no job left.
    env.sql("INSERT INTO results_file (sequence_file_id, config_id, run_date, hidden, data_file) VALUES (?, ?, NOW(), "
            "'F', 'results_file.data_file.0000000000000000.Zy52aWRqaWw=.vidjil')", sf, cid)
    url = "/vidjil/results_file/run_all_patients"
    anon = env.client().post(url, query={"config_id": cid})
    assert anon.status == 303 and anon.header("location").startswith("/vidjil/auth/login?next="), anon
    assert c.post(url, query={"config_id": cid}).json()["message"] == "access denied"
    admin = env.admin()
    for bad in (10 ** 9, 0, -3):
        assert admin.post(url, query={"config_id": bad}).json() == \
            {"success": "false", "message": "results_file/run_all_patients : id config needed"}, bad
    not_int = admin.post(url, query={"config_id": "x"})
    assert not_int.status == 400 and not_int.json()["success"] == "false", not_int
    fd, conf = tempfile.mkstemp(prefix="vidjil-cgi-", suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(open(env.conf).read() + "\nFS_LOCK_THRESHOLD = 101\n")
    try:
        full = env.cgi("results", "POST", url, query="config_id=%d" % cid, cookie=fx.cookie(admin), conf=conf)
        assert full.json() == {"success": "false", "message": "Runs are temporarily disabled. System admins have been "
                                                              "made aware of the situation."}, full
    finally:
        os.unlink(conf)
    assert _count(env, cid) == 1
    ok = admin.post(url, query={"config_id": cid}).json()
    assert ok["message"].startswith("rerun all: 1 process(es) requested"), ok
    assert _count(env, cid) == 2
    assert env.sql("SELECT COUNT(*) FROM user_log WHERE table_name = 'sequence_file' AND record_id = ? AND msg LIKE "
                   "'run requested with config %%'", sf) == [["1"]]
    # Nothing left queued for the runners of other tests.
    env.sql("UPDATE scheduler_task t JOIN results_file r ON r.scheduler_task_id = t.id SET t.status = 'FAILED' "
            "WHERE r.config_id = ?", cid)
