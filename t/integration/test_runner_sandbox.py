"""Programs of jobs never run as root and only programs the administrator declared run (issue 9):
a pre-process or config naming an undeclared program is refused when it is saved and fails its
job when it runs anyway (inserted by SQL); run as root, a declared program runs as RUNNER_USER
(the uid it sees); a root runner without RUNNER_USER runs nothing; rlimits stop a program that
writes too much, and the job fails with that reason."""
import os
import pwd
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
import vtest  # noqa: E402

R1 = ">a\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" * 20
R2 = ">c\nGGGGAAAACCCCTTTTGGGGAAAACCCCTTTTGGGGAAAACCCCTTTTGGGG\n" * 20


def _pre_processed_file(env, command):
    """A sample whose pre-process `command` is queued; its files are private, as uploads are."""
    c, ss, sf, r1, r2, task = fx.queued_pair(env, command, R1, R2, name="s", last="Sandbox", private=True)
    return sf, task


def _task(env, task):
    status, = env.sql("SELECT status FROM scheduler_task WHERE id = ?", task)[0]
    reason = env.sql("SELECT COALESCE(MAX(message), '') FROM vidjil_job WHERE task_id = ?", task)
    return status, reason[0][0] if reason else ""


def _merged(env, sf):
    data_file, = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", sf)[0]
    return open(os.path.join(fx.conf_values(env)["DIR_SEQUENCES"], data_file)).read()


def test_undeclared_pre_process_program_is_refused_when_saved(env):
    admin = env.admin()
    for command in ("sh -c 'id -u > /tmp/x'", "/bin/sh -c true", "python3 &file1&"):
        a = admin.post("/vidjil/pre_process/add_form", multipart=True, form=[
            ("pre_process_name", env.unique("pp")), ("pre_process_command", command)]).json()
        assert a["success"] == "false" and "allowed programs: cat" in a["message"], (command, a)
    ok = admin.post("/vidjil/pre_process/add_form", multipart=True, form=[
        ("pre_process_name", env.unique("pp")), ("pre_process_command", "cat &file1& &file2& > &result&")]).json()
    pid = ok["pre_process_id"]
    a = admin.post("/vidjil/pre_process/edit_form", multipart=True, form=[
        ("id", str(pid)), ("pre_process_name", env.unique("pp")), ("pre_process_command", "sh -c 'id -u'")]).json()
    assert a["success"] == "false" and "not declared in vidjil.conf" in a["message"], a
    assert env.sql("SELECT command FROM pre_process WHERE id = ?", pid) == [["cat &file1& &file2& > &result&"]]


def test_undeclared_config_program_is_refused_when_saved(env):
    admin = env.admin()
    form = [("config_name", env.unique("cfg")), ("config_program", "mixcr"), ("config_command", "analyze &file1&"),
            ("config_fuse_command", "-t 100"), ("config_classification", "-1")]
    a = admin.post("/vidjil/config/add_form", form=form, multipart=True).json()
    assert a["success"] == "false" and "PROGRAM_MIXCR" in a["message"] and "allowed programs" in a["message"], a


def test_undeclared_pre_process_program_fails_at_run_time(env):
    marker = tempfile.mktemp(prefix="vidjil-sandbox-")
    sf, task = _pre_processed_file(env, "sh -c 'id -u > %s'" % marker)
    assert fx.run_runner(env).returncode == 0
    status, reason = _task(env, task)
    assert status == "FAILED" and "not declared in vidjil.conf" in reason, (status, reason)
    assert not os.path.exists(marker)
    assert env.sql("SELECT pre_process_flag FROM sequence_file WHERE id = ?", sf) == [["FAILED"]]


def test_declared_program_runs_as_runner_user(env):
    if os.geteuid() != 0:
        raise vtest.Skip("the tests do not run as root: the runner cannot change user")
    user = fx.conf_values(env).get("RUNNER_USER", "")
    assert user, "scripts/vidjil-local run as root must set RUNNER_USER"
    sf, task = _pre_processed_file(env, "id -u > &result&")
    assert fx.run_runner(env, PROGRAM_ID="/usr/bin/id").returncode == 0
    assert _task(env, task)[0] == "COMPLETED", _task(env, task)
    assert _merged(env, sf).strip() == str(pwd.getpwnam(user).pw_uid) != "0"
    # The uploads, unreadable for that user (0640 root), were read through copies.
    sf, task = _pre_processed_file(env, "cat &file1& &file2& > &result&")
    assert fx.run_runner(env).returncode == 0
    assert _task(env, task)[0] == "COMPLETED", _task(env, task)
    assert _merged(env, sf) == R1 + R2


def test_root_runner_without_runner_user_runs_nothing(env):
    if os.geteuid() != 0:
        raise vtest.Skip("the tests do not run as root")
    marker = tempfile.mktemp(prefix="vidjil-sandbox-")
    sf, task = _pre_processed_file(env, "touch %s" % marker)
    assert fx.run_runner(env, RUNNER_USER="", PROGRAM_TOUCH="/usr/bin/touch").returncode == 0
    status, reason = _task(env, task)
    assert status == "FAILED" and "never run as root" in reason and "RUNNER_USER" in reason, (status, reason)
    assert not os.path.exists(marker)


def test_file_size_limit_fails_the_job(env):
    sf, task = _pre_processed_file(env, "cat &file1& &file2& > &result&")
    assert fx.run_runner(env, RUNNER_LIMIT_FSIZE=len(R1) // 2).returncode == 0
    status, reason = _task(env, task)
    assert status == "FAILED" and "file size limit (RUNNER_LIMIT_FSIZE)" in reason, (status, reason)
    assert env.sql("SELECT pre_process_flag FROM sequence_file WHERE id = ?", sf) == [["FAILED"]]
