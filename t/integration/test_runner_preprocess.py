"""Pre-processes run by vidjil-runner (model.md §3.3): R1 + R2 merged without a shell, the
analysis waiting for it then running on the merged reads, the uploads kept on disk; a failing
pre-process fails the analyses waiting for it."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

R1 = ">a\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n>b\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAA\n"
R2 = ">c\nGGGGAAAACCCCTTTTGGGGAAAACCCCTTTTGGGGAAAACCCCTTTTGGGG\n"


def _paired_file(env, command):
    return fx.queued_pair(env, command, R1, R2)


def test_paired_reads_merged_then_analysed(env):
    c, ss, sf, r1, r2, task = _paired_file(env, "cat &file1& &file2& > &result&")
    cid = fx.make_config(env)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert fx.status_of(env, rid) == "WAITING"
    p = fx.run_runner(env)
    assert p.returncode == 0, p.stderr
    assert env.sql("SELECT status FROM scheduler_task WHERE id = ?", task) == [["COMPLETED"]]
    flag, data_file, data_file2 = env.sql("SELECT pre_process_flag, data_file, data_file2 FROM sequence_file WHERE id = ?",
                                          sf)[0]
    assert flag == "COMPLETED" and data_file2 == "NULL" and data_file != r1
    seqdir = fx.conf_values(env)["DIR_SEQUENCES"]
    assert open(os.path.join(seqdir, data_file)).read() == R1 + R2
    assert os.path.exists(os.path.join(seqdir, r1)) and os.path.exists(os.path.join(seqdir, r2))  # uploads kept
    assert env.sql("SELECT data_file, data_file2 FROM vidjil_sequence_file_origin WHERE sequence_file_id = ?", sf) == [[r1, r2]]
    assert fx.status_of(env, rid) == "COMPLETED", fx.job_of(env, rid)
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["reads"]["total"] == [3] and d["samples"]["sequence_file_id"] == [sf], d["samples"]
    info = c.post("/vidjil/pre_process/info", query={"sample_set_id": ss, "sequence_file_id": sf})
    assert 'id="preprocess_status">COMPLETED' in info.text and "lib_S1_R.fa" in info.text, info.text
    # Someone else's file through one's own set: refused.
    other = fx.new_lab_user(env)[3]
    assert other.post("/vidjil/pre_process/info", query={"sample_set_id": ss, "sequence_file_id": sf}).json() == \
        {"message": "acces denied"}


def test_failed_pre_process_fails_the_waiting_analyses(env):
    c, ss, sf, r1, r2, task = _paired_file(env, "false")
    cid = fx.make_config(env)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0
    assert env.sql("SELECT status FROM scheduler_task WHERE id = ?", task) == [["FAILED"]]
    assert env.sql("SELECT pre_process_flag, data_file FROM sequence_file WHERE id = ?", sf) == [["FAILED", r1]]
    assert fx.status_of(env, rid) == "FAILED" and "pre-process" in fx.job_of(env, rid)[0]


def test_failed_pre_process_restarted_by_the_user(env):
    c, ss, sf, r1, r2, task = _paired_file(env, "false")
    assert fx.run_runner(env).returncode == 0
    assert env.sql("SELECT pre_process_flag FROM sequence_file WHERE id = ?", sf) == [["FAILED"]]
    assert c.get("/vidjil/file/restart_pre_process", query={"sequence_file_id": sf}).status == 405
    other = fx.new_lab_user(env)[3]
    assert other.post("/vidjil/file/restart_pre_process", query={"sequence_file_id": sf}).json() == \
        {"success": "false", "message": "file/restart_pre_process : permission denied"}
    assert other.post("/vidjil/file/restart_pre_process", query={"sequence_file_id": 10 ** 9}).json() == \
        {"success": "false", "message": "file/restart_pre_process : permission denied"}
    env.sql("UPDATE pre_process SET command = 'cat &file1& &file2& > &result&' WHERE id = (SELECT pre_process_id "
            "FROM sequence_file WHERE id = ?)", sf)
    pp = int(env.sql("SELECT pre_process_id FROM sequence_file WHERE id = ?", sf)[0][0])
    a = c.post("/vidjil/file/restart_pre_process", form=[("sequence_file_id", str(sf))]).json()
    assert a == {"redirect": "reload", "message": "{%d} (%d): process requested" % (sf, pp)}, a
    assert env.sql("SELECT pre_process_flag FROM sequence_file WHERE id = ?", sf) == [["WAIT"]]
    again = c.post("/vidjil/file/restart_pre_process", query={"sequence_file_id": sf}).json()
    assert again == {"message": "task already registered"}, again
    assert env.sql("SELECT COUNT(*) FROM scheduler_task WHERE task_name = 'pre_process' AND args = ? AND status = "
                   "'QUEUED'", "[%d, %d]" % (pp, sf)) == [["1"]]
    assert fx.run_runner(env).returncode == 0
    assert env.sql("SELECT pre_process_flag, data_file2 FROM sequence_file WHERE id = ?", sf) == [["COMPLETED", "NULL"]]
    done = c.post("/vidjil/file/restart_pre_process", query={"sequence_file_id": sf}).json()
    assert done["success"] == "false" and "already completed" in done["message"], done
    cid = fx.make_config(env)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0 and fx.status_of(env, rid) == "COMPLETED"
    assert env.sql("SELECT COUNT(*) FROM user_log WHERE table_name = 'sequence_file' AND record_id = ? AND msg = "
                   "'pre-process restarted'", sf) == [["1"]]
