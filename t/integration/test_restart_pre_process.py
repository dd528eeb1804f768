"""file/restart_pre_process (POST, can_modify_file): only a failed pre-process is queued again, once;
refused to anonymous and cross-site requests, to other groups and unknown ids alike, and when
nothing failed (never queued, still queued, completed, no pre-process at all)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

R1 = ">a\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n"
R2 = ">c\nGGGGAAAACCCCTTTTGGGGAAAACCCCTTTTGGGGAAAACCCCTTTTGGGG\n"
URL = "/vidjil/file/restart_pre_process"


def _pair(env, c_uid, flag, with_r2=True, task_status=None):
    """A paired file of the user's set with a pre-process; optionally its last task in `task_status`."""
    ss, _ = fx.make_set(env, fx.personal_group(env, c_uid), last=env.unique("Restart"))
    env.sql("INSERT INTO pre_process (name, command, info) VALUES (?, 'false', 'test')", env.unique("pp"))
    pp = fx.last_id(env, "pre_process")
    r2 = None
    if with_r2:
        r2 = fx.stored_name("sequence_file", "data_file2", "x_R2.fa")
        with open(os.path.join(fx.conf_values(env)["DIR_SEQUENCES"], r2), "w") as f:
            f.write(R2)
    sf, _ = fx.add_file(env, ss, "x_R1.fa", content=R1, flag=flag, data_file2=r2, pre_process_id=pp)
    if task_status:
        env.sql("INSERT INTO scheduler_task (task_name, status, args, start_time) VALUES ('pre_process', ?, ?, "
                "'2024-01-01 00:00:00')", task_status, "[%d, %d]" % (pp, sf))
        env.sql("UPDATE sequence_file SET pre_process_scheduler_task_id = ? WHERE id = ?",
                fx.last_id(env, "scheduler_task"), sf)
    return ss, sf, pp


def _tasks(env, pp, sf, status=None):
    q = "SELECT COUNT(*) FROM scheduler_task WHERE task_name = 'pre_process' AND args = ?"
    args = ["[%d, %d]" % (pp, sf)]
    if status:
        q += " AND status = ?"
        args.append(status)
    return int(env.sql(q, *args)[0][0])


def test_restart_refused_when_nothing_failed(env):
    email, pw, uid, c = fx.new_lab_user(env)
    # Never queued: the second file of the pair is not uploaded yet (file/upload will queue it).
    ss, sf, pp = _pair(env, uid, "WAIT", with_r2=False)
    a = c.post(URL, query={"sequence_file_id": sf}).json()
    assert a == {"success": "false", "message": "file/restart_pre_process : the pre-process of this file has not "
                                                "failed"}, a
    assert _tasks(env, pp, sf) == 0
    # Still queued (by the original server: no vidjil_job row): already registered, not twice.
    ss, sf, pp = _pair(env, uid, "WAIT", task_status="QUEUED")
    live = ["[%d, %d]" % (pp, sf)]
    assert c.post(URL, query={"sequence_file_id": sf}).json() == {"message": "task already registered"}
    assert _tasks(env, pp, sf) == 1
    ss, sf, pp = _pair(env, uid, "RUNNING", task_status="RUNNING")
    live.append("[%d, %d]" % (pp, sf))
    assert c.post(URL, query={"sequence_file_id": sf}).json() == {"message": "task already registered"}
    # Completed: its output replaced the pair.
    ss, sf, pp = _pair(env, uid, "COMPLETED", task_status="COMPLETED")
    done = c.post(URL, query={"sequence_file_id": sf}).json()
    assert done == {"success": "false", "message": "file/restart_pre_process : the pre-process of this file already "
                                                   "completed"}, done
    assert _tasks(env, pp, sf) == 1
    # No pre-process at all.
    plain_set, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Plain"))
    plain, _ = fx.add_file(env, plain_set, "plain.fa", content=R1)
    assert c.post(URL, query={"sequence_file_id": plain}).json() == \
        {"success": "false", "message": "file/restart_pre_process : this sequence file has no pre-process"}
    assert env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'restart_pre_process' AND user_id = ?", uid) == \
        [["0"]]
    # Nothing is left queued or running for the runners of other tests.
    env.sql("UPDATE scheduler_task SET status = 'FAILED' WHERE task_name = 'pre_process' AND args IN (?, ?)", *live)


def test_restart_of_a_failed_task_left_behind_and_refusals(env):
    email, pw, uid, c = fx.new_lab_user(env)
    # The flag still says WAIT but its task failed (an import from the original): restartable.
    ss, sf, pp = _pair(env, uid, "WAIT", task_status="FAILED")
    anon = env.client()
    a = anon.post(URL, query={"sequence_file_id": sf})
    assert a.status == 303 and a.header("location").startswith("/vidjil/auth/login?next=") and _tasks(env, pp, sf) == 1, a
    cross = c.post(URL, query={"sequence_file_id": sf}, headers={"Origin": "https://evil.example",
                                                                 "Sec-Fetch-Site": "cross-site"})
    assert cross.status == 403 and _tasks(env, pp, sf) == 1, cross
    other = fx.new_lab_user(env)[3]
    denied = {"success": "false", "message": "file/restart_pre_process : permission denied"}
    assert other.post(URL, query={"sequence_file_id": sf}).json() == denied
    assert other.post(URL, query={"sequence_file_id": 10 ** 9}).json() == denied
    assert c.post(URL, query={"sequence_file_id": "x"}).status == 400
    assert c.get(URL, query={"sequence_file_id": sf}).status == 405
    assert _tasks(env, pp, sf) == 1

    ok = c.post(URL, query={"sequence_file_id": sf}).json()
    assert ok == {"redirect": "reload", "message": "{%d} (%d): process requested" % (sf, pp)}, ok
    assert _tasks(env, pp, sf, "QUEUED") == 1 and _tasks(env, pp, sf) == 2
    flag, task = env.sql("SELECT pre_process_flag, pre_process_scheduler_task_id FROM sequence_file WHERE id = ?",
                         sf)[0]
    assert flag == "WAIT" and env.sql("SELECT status FROM scheduler_task WHERE id = ?", task) == [["QUEUED"]]
    assert env.sql("SELECT kind, pre_process_id, sequence_file_id, requested_by FROM vidjil_job WHERE task_id = ?",
                   task) == [["pre_process", str(pp), str(sf), str(uid)]]
    assert c.post(URL, query={"sequence_file_id": sf}).json() == {"message": "task already registered"}
    assert _tasks(env, pp, sf) == 2
    assert env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'restart_pre_process' AND table_name = "
                   "'sequence_file' AND record_id = ? AND user_id = ?", sf, uid) == [["1"]]
    assert env.sql("SELECT COUNT(*) FROM user_log WHERE msg = 'pre-process restarted' AND record_id = ?", sf) == [["1"]]
    # Nothing is left queued for the runners of other tests.
    env.sql("UPDATE scheduler_task SET status = 'FAILED' WHERE id = ?", task)
