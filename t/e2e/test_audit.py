"""admin/audit through nginx (issue 11, Audit): a user's get_data of a patient appears on the
administrator's page and in its CSV export, filtered by user, set and date; the page is paginated;
CSV cells cannot become spreadsheet formulas; other users are refused."""
import csv
import io
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402


def _reader_of_a_patient(env):
    """A user who read a patient's results through get_data: (email, uid, set id)."""
    email, pw, uid, c = fx.new_lab_user(env, first="Grace", last="Hopper")
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), first="Alan", last=env.unique("Audited"))
    sf, _ = fx.add_file(env, ss, "audit.fa", content=">r1\n" + "ACGT" * 15 + "\n")
    cid = fx.make_config(env, command="-c clones --fake-clones 5", fuse="-t 0")
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    p = fx.run_runner(env)
    assert p.returncode == 0 and fx.status_of(env, rid) == "COMPLETED", (p.stderr, fx.job_of(env, rid))
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid})
    assert d.status == 200, d
    # get_data records the read once its answer is sent.
    fx.wait_for(lambda: env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'get_data' AND user_id = ? "
                                "AND record_id = ?", uid, ss) == [["1"]])
    # A download of the result: found by set too (the trail names the results row).
    stored = env.sql("SELECT data_file FROM results_file WHERE id = ?", rid)[0][0]
    dl = c.get("/vidjil/default/download/" + stored, query={"filename": "r.vidjil"})
    assert dl.status == 200, dl
    out = c.post("/vidjil/results_file/output", query={"results_file_id": rid, "format": "json"})
    assert out.status == 200 and "files" in out.json(), out
    assert env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'results_file_output' AND user_id = ? "
                   "AND record_id = ?", uid, rid) == [["1"]]
    return email, uid, ss, rid


def _page(admin, **q):
    q["format"] = "json"
    a = admin.post("/vidjil/admin/audit", query=q)
    assert a.status == 200, a
    return a.json()


def test_get_data_read_is_on_the_page_and_in_the_csv(env):
    email, uid, ss, rid = _reader_of_a_patient(env)
    admin = env.admin()

    by_user = _page(admin, user=email)
    reads = [r for r in by_user["query"] if r["action"] == "get_data"]
    assert len(reads) == 1, by_user
    r = reads[0]
    assert r["user_email"] == email and r["user_id"] == str(uid) and r["sample_set_id"] == str(ss), r
    assert r["table"] == "sample_set" and r["record_id"] == str(ss) and r["client_ip"], r
    assert all(x["user_email"] == email for x in by_user["query"])

    by_set = _page(admin, set=str(ss))
    assert any(x["action"] == "get_data" and x["user_email"] == email for x in by_set["query"]), by_set
    assert all(x["sample_set_id"] == str(ss) for x in by_set["query"]), by_set
    assert any(x["action"] == "download" and x["table"] == "results_file" and x["record_id"] == str(rid)
               for x in by_set["query"]), by_set
    today = time.strftime("%Y-%m-%d", time.gmtime())
    yesterday = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
    dated = _page(admin, user=email, since=yesterday, until=today)
    assert any(x["action"] == "get_data" for x in dated["query"]), dated
    assert _page(admin, user=email, until="2001-01-01")["query"] == []

    # The page itself: the table and a CSV link carrying the same filters.
    html = admin.post("/vidjil/admin/audit", query={"user": email, "set": str(ss)}).text
    assert 'id="table_audit"' in html and email in html
    assert 'href="DB_ADDRESS/admin/audit?format=csv&amp;user=%s&amp;set=%d"' % (email.replace("@", "%40"), ss) in html, html

    exp = admin.get("/vidjil/admin/audit", query={"format": "csv", "user": email, "set": str(ss), "since": yesterday})
    assert exp.status == 200 and exp.header("Content-Type").startswith("text/csv"), exp
    assert exp.header("Content-Disposition").startswith("attachment;"), exp.header("Content-Disposition")
    rows = list(csv.reader(io.StringIO(exp.text)))
    assert rows[0][:3] == ["id", "date", "user_id"], rows[0]
    got = [x for x in rows[1:] if x[6] == "get_data"]
    assert len(got) == 1 and got[0][3] == email and got[0][9] == str(ss), rows


def test_csv_cells_cannot_be_formulas(env):
    email, pw, uid = env.new_user()
    for detail in ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", 'say "hi", twice'):
        env.sql("INSERT INTO vidjil_audit (created, user_id, client_ip, action, table_name, record_id, detail) "
                "VALUES (NOW(), ?, '127.0.0.1', 'read', 'sample_set', 1, ?)", uid, detail)
    exp = env.admin().get("/vidjil/admin/audit", query={"format": "csv", "user": email})
    details = [row[10] for row in list(csv.reader(io.StringIO(exp.text)))[1:]]
    assert sorted(details) == sorted(["'=cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'@SUM(A1:A9)", 'say "hi", twice']), details
    assert '"\'=cmd|\' /C calc\'!A0"' not in exp.text and "\r\n" in exp.text


def test_pagination(env):
    email, pw, uid = env.new_user()
    for i in range(5):
        env.sql("INSERT INTO vidjil_audit (created, user_id, client_ip, action, detail) VALUES (NOW(), ?, '', 'read', ?)",
                uid, "n%d" % i)
    admin = env.admin()
    first = _page(admin, user=email, limit="2")
    assert first["total"] == "5" and [r["detail"] for r in first["query"]] == ["n4", "n3"], first
    assert first["has_next"] is True and first["has_previous"] is False
    last = _page(admin, user=email, limit="2", offset="4")
    assert [r["detail"] for r in last["query"]] == ["n0"] and last["has_next"] is False and last["has_previous"] is True
    html = admin.post("/vidjil/admin/audit", query={"user": email, "limit": "2"}).text
    assert 'id="audit_next"' in html and 'id="audit_previous"' not in html


def test_non_admins_are_refused_and_bad_filters_explained(env):
    email, pw, uid = env.new_user()
    c = env.client()
    c.login(email, pw)
    for q in ({}, {"format": "csv"}, {"format": "json", "user": email}):
        a = c.get("/vidjil/admin/audit", query=q)
        assert a.json()["message"] == "access denied" and "text/csv" not in a.header("Content-Type"), a
    admin = env.admin()
    a = admin.get("/vidjil/admin/audit", query={"user": "ghost-" + env.unique("") + "@lab.test", "format": "json"})
    assert a.status == 404 and "no user with e-mail" in a.json()["message"], a
    a = admin.get("/vidjil/admin/audit", query={"since": "yesterday"})
    assert a.status == 400 and "not a date" in a.json()["message"], a
    a = admin.get("/vidjil/admin/audit", query={"set": "x<b>"})
    assert a.status == 400 and "<b>" not in a.text, a


def test_page_escapes_what_it_shows(env):
    email, pw, uid = env.new_user()
    env.sql("INSERT INTO vidjil_audit (created, user_id, client_ip, action, detail) VALUES (NOW(), ?, '<i>ip</i>', "
            "'read', '<script>alert(1)</script>')", uid)
    html = env.admin().post("/vidjil/admin/audit", query={"user": email}).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, html
    assert "<i>ip</i>" not in html and "&lt;i&gt;ip&lt;/i&gt;" in html
