"""results_file/run_all_patients (admin): every patient result of a config computed again, once
(the original selected no config and could not work, model.md §3.2)."""
import os
import sys

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
