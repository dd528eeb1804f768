"""End-to-end tests of sample sets through nginx: the issue's done-when scenario, lists with
filters, tags, paging and sorting, anonymisation, all-or-nothing submits, sharing, deletion and
the batch import of sheets."""
import importlib.util
import os
import re

import vtest

_spec = importlib.util.spec_from_file_location(
    "sets_lib_e2e", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)


def test_done_when_scenario(env):
    """Log in, create a patient, a run and a set, upload Demo-X5.fa to the patient, link it to
    the run, list and filter, download it byte-identical; another group sees none of it."""
    c, uid, group = lib.lab_user(env)
    name = env.unique("Doe")
    pid = lib.create_set(c, group, "patient", first_name="Ana", last_name=name, info="diagnosis #scenario")
    rid = lib.create_set(c, group, "run", name=env.unique("run"), info="#scenario")
    gid = lib.create_set(c, group, "generic", name=env.unique("set"))
    data = lib.shared_file(env, "Demo-X5.fa") or lib.fasta(50)
    fid = lib.create_sample(c, [pid], filename="Demo-X5.fa", info="first sample", sampling_date="2024-05-06")
    up = lib.upload(c, fid, "Demo-X5.fa", data)
    assert up.status == 200 and "upload finished" in up.json()["message"], up
    link = lib.submit_files(c, [pid, rid], [{"id": str(fid), "filename": "", "filename2": "", "sampling_date": "2024-05-06",
                                             "info": "first sample #linked", "set_ids": ""}])
    assert link.json()["file_ids"] == [fid], link
    run_files = lib.index_json(c, rid)["query"]
    assert [q["sequence_file"]["id"] for q in run_files] == [fid]
    listed = lib.list_json(c, "patient", name)["query"]
    assert [r["sample_set_id"] for r in listed] == [pid] and listed[0]["last_name"] == name
    assert listed[0]["file_count"] == 1 and listed[0]["birth"] == "2001-02-03"
    assert [r["sample_set_id"] for r in lib.list_json(c, "run", "#scenario")["query"]] == [rid]
    assert gid in [r["sample_set_id"] for r in lib.list_json(c, "generic")["query"]]
    stored = lib.index_json(c, pid)["query"][0]["sequence_file"]["data_file"]
    got = c.get("/vidjil//sample_set/download_sequence_file/" + stored, query={"filename": "Demo-X5.fa"})
    assert got.status == 200 and got.body == data, got
    # Another lab sees nothing: not in lists, not by id, not downloadable.
    other, _, _ = lib.lab_user(env)
    for kind, sid in (("patient", pid), ("run", rid), ("generic", gid)):
        assert sid not in [r["sample_set_id"] for r in lib.list_json(other, kind)["query"]]
        assert other.get("/vidjil/sample_set/index", query={"id": sid, "format": "json"}).json() == \
            {"message": "access denied"}
    assert other.get("/vidjil/sample_set/download_sequence_file/" + stored).status == 404
    assert other.get("/vidjil/sample_set/samplesetById", query={"id": pid, "type": "patient", "format": "json"}).json() == []


def test_list_paging_sorting_tags_and_counts(env):
    c, uid, group = lib.lab_user(env)
    tag = env.unique("tg")
    rows = [{"id": "", "sample_set_id": "", "name": "n%02d" % i, "info": "#%s%s" % (tag, " #odd" if i % 2 else "")}
            for i in range(55)]
    a = lib.submit_sets(c, {"group": group, "generic": rows}, in_body=True)
    assert a.json()["redirect"] == "sample_set/all" and a.json()["args"] == {"type": "generic", "page": 0}, a
    page0 = lib.list_json(c, "generic", "#" + tag, page=0)
    assert len(page0["query"]) == 50 and page0["step"] == 50
    assert [r["name"] for r in page0["query"]][:2] == ["n54", "n53"]  # newest first
    assert len(lib.list_json(c, "generic", "#" + tag, page=1)["query"]) == 5
    html = c.get("/vidjil/sample_set/all", query={"type": "generic", "filter": "#" + tag, "page": 0}).text
    assert html.count('id="sample_set_open_') == 50 and "icon-right-open-1" in html
    both = lib.list_json(c, "generic", "#%s #odd" % tag)["query"]
    assert len(both) == 27  # every tag must match
    by_name = lib.list_json(c, "generic", "#" + tag, sort="name")["query"]
    assert [r["name"] for r in by_name][:3] == ["n00", "n01", "n02"]
    rev = lib.list_json(c, "generic", "#" + tag, sort="name", reverse="true")["query"]
    assert rev[0]["name"] == "n54"
    assert [r["name"] for r in lib.list_json(c, "generic", "n07")["query"]] == ["n07"]
    assert lib.list_json(c, "generic", "#%s" % tag, sort="nonsense")["query"]  # unknown sort: default order
    sid = by_name[0]["sample_set_id"]
    fid = lib.create_sample(c, [sid])
    assert lib.upload(c, fid, "a.fa", lib.fasta()).status == 200
    row = lib.list_json(c, "generic", "n00")["query"][0]
    assert row["file_count"] == 1 and row["_extra"]["SUM(sequence_file.size_file)"] == len(lib.fasta())
    assert lib.list_json(c, "generic", "#" + tag, sort="file_count", reverse="true")["query"][0]["name"] == "n00"
    # tags are recorded for the owner group and offered by tag/auto_complete
    t = c.post("/vidjil/tag/auto_complete", form=[("keys", "[%d]" % group)]).json()
    assert tag in [x["name"] for x in t[str(group)]]


def test_patient_names_and_birth_hidden_without_anon(env):
    c, uid, group = lib.lab_user(env)
    last = env.unique("Secretname")
    pid = lib.create_set(c, group, "patient", first_name="Zoe", last_name=last, birth="1999-09-09")
    mine = lib.list_json(c, "patient", last)["query"][0]
    assert mine["first_name"] == "Zoe" and mine["birth"] == "1999-09-09"
    admin = env.admin()  # the admin group has no `anon` (model.md §2.5)
    rows = [r for r in lib.list_json(admin, "patient")["query"] if r["sample_set_id"] == pid]
    assert rows and rows[0]["last_name"] == last[:3] and rows[0]["first_name"] == "" and rows[0]["birth"] is None
    assert lib.list_json(admin, "patient", last)["query"] == []  # hidden names are not searchable either
    for url, q in (("/vidjil/sample_set/all", {"type": "patient", "page": 0}), ("/vidjil/sample_set/index", {"id": pid}),
                   ("/vidjil/sample_set/form", {"id": pid})):
        page = admin.get(url, query=q).text
        assert last not in page and "Zoe" not in page and "1999-09-09" not in page, url
    info = lib.index_json(admin, pid)["info"]
    assert last not in info["name"] and info["birth"] is None
    comp = admin.post("/vidjil/sample_set/auto_complete", form=[("keys", '["%d"]' % pid)]).json()
    tokens = [t["name"] for t in list(comp.values())[0] if t["id"] == pid]
    assert tokens and "1999" not in tokens[0] and last not in tokens[0]
    # an edit by a user without anon keeps the hidden names
    a = lib.submit_sets(admin, {"group": group, "patient": [{"id": "", "sample_set_id": str(pid), "first_name": "",
                                                             "last_name": "", "birth": "", "info": "edited", "id_label": ""}]})
    assert a.json()["args"]["id"] == pid, a
    assert env.sql("SELECT first_name, last_name, birth, info FROM patient WHERE sample_set_id = ?", pid) == \
        [["Zoe", last, "1999-09-09", "edited"]]


def test_submit_is_all_or_nothing_with_errors_per_row(env):
    c, uid, group = lib.lab_user(env)
    before = lib.row_count(env, "sample_set")
    a = lib.submit_sets(c, {"group": group, "patient": [
        {"id": "", "sample_set_id": "", "first_name": "A", "last_name": "Good", "birth": "", "info": ""},
        None,
        {"id": "", "sample_set_id": "", "first_name": "B", "last_name": "Bad|name", "birth": "2001-13-45", "info": ""}]})
    j = a.json()
    assert a.status == 200 and j["success"] == "false" and j["message"].startswith("an error occurred"), a
    assert "patient[2] birth" in " ".join(j["errors"]) and "patient[2] last_name" in " ".join(j["errors"])
    assert j["sets"]["patient"][1]["error"]
    assert lib.row_count(env, "sample_set") == before
    other, _, other_group = lib.lab_user(env)
    denied = lib.submit_sets(c, {"group": other_group, "generic": [{"name": "x", "info": ""}]}).json()
    assert denied["success"] == "false" and "group" in denied["message"]
    assert lib.submit_sets(c, {"group": group}).json()["success"] == "false"
    bad_json = c.post("/vidjil/sample_set/submit", query={"data": "{not json"})
    assert bad_json.status == 400 and "data" in bad_json.json()["message"]
    assert lib.row_count(env, "sample_set") == before


def test_edit_share_and_unshare(env):
    c, uid, group = lib.lab_user(env)
    other, other_uid, other_group = lib.lab_user(env)
    sid = lib.create_set(c, group, "run", name="r1", info="v1")
    stranger_edit = lib.submit_sets(other, {"group": other_group, "run": [{"sample_set_id": str(sid), "name": "stolen"}]})
    assert stranger_edit.json()["success"] == "false"
    assert env.sql("SELECT name FROM run WHERE sample_set_id = ?", sid) == [["r1"]]
    page = c.get("/vidjil/sample_set/permission", query={"id": sid}).text
    assert 'id="permission_checkbox_%d" checked' % group in page
    g = c.post("/vidjil/sample_set/change_permission", query={"sample_set_id": sid, "group_id": other_group}).json()
    assert g["message"].startswith("access 'access' granted to 'user_"), g
    assert sid in [r["sample_set_id"] for r in lib.list_json(other, "run")["query"]]
    d = c.post("/vidjil/sample_set/change_permission", query={"sample_set_id": sid, "group_id": other_group}).json()
    assert "deleted" in d["message"]
    assert sid not in [r["sample_set_id"] for r in lib.list_json(other, "run")["query"]]
    last = c.post("/vidjil/sample_set/change_permission", query={"sample_set_id": sid, "group_id": group}).json()
    assert last["success"] == "false"  # a set keeps at least one group
    assert other.post("/vidjil/sample_set/change_permission", query={"sample_set_id": sid, "group_id": other_group}).json() \
        == {"message": "access denied"}


def test_delete_set_keeps_files_shared_with_other_sets(env):
    c, uid, group = lib.lab_user(env)
    pid = lib.create_set(c, group, "patient")
    rid = lib.create_set(c, group, "run")
    shared = lib.create_sample(c, [pid, rid], filename="shared.fa")
    alone = lib.create_sample(c, [pid], filename="alone.fa")
    for f in (shared, alone):
        assert lib.upload(c, f, "s.fa", lib.fasta()).status == 200
    confirm = c.get("/vidjil/sample_set/confirm", query={"id": pid}).text
    assert 'id="delete_button"' in confirm and "1 sample(s) also in other sets" in confirm
    stored = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", alone)[0][0]
    d = c.get("/vidjil//sample_set/delete", query={"id": pid, "format": "json"}).json()
    assert d == {"redirect": "sample_set/all", "args": {"type": "patient", "page": 0}, "success": "true",
                 "message": "sample set (%d) deleted" % pid}, d
    assert lib.row_count(env, "sequence_file", "id = ?", alone) == 0
    assert lib.row_count(env, "sequence_file", "id = ?", shared) == 1
    assert [q["sequence_file"]["id"] for q in lib.index_json(c, rid)["query"]] == [shared]
    assert lib.row_count(env, "auth_permission", "table_name = 'sample_set' AND record_id = ?", pid) == 0
    assert stored in lib.disk_state(env)  # no DIR_TRASH configured: the file is kept
    assert lib.row_count(env, "vidjil_audit", "action = 'delete' AND table_name = 'sample_set' AND record_id = ?", pid) == 1
    assert lib.row_count(env, "user_log", "table_name = 'sample_set' AND record_id = ? AND msg LIKE ?", pid,
                         "%deleted%") == 1


def test_batch_creation_from_sheets(env):
    c, uid, group = lib.lab_user(env)
    page = c.get("/vidjil/sample_set/batch", query={"type": "patient"}).text
    assert 'id="data_form"' in page and "batch_submit" in page
    label = env.unique("L")
    tsv = "Label\tFirst name\tLast name\tBirth date\tinfo\n%s-1\tAna\tOne\t2000-01-01\t#batch\n%s-2\tBo\tTwo\t\t\n" % (label, label)
    a = c.post("/vidjil/sample_set/batch_submit", multipart=True,
               form=[("type", "patient"), ("group", str(group)), ("sheet", tsv)])
    j = a.json()
    assert j["redirect"] == "sample_set/all" and len(j["sample_set_ids"]) == 2, a
    assert lib.row_count(env, "patient", "id_label LIKE ?", label + "%") == 2
    before = lib.row_count(env, "sample_set")
    csv = 'name,run_date,info\n"Run, A",2024-01-01,ok\n,2024-02-30,\nRun C,2024-03-03,"x"\n'
    bad = c.post("/vidjil/sample_set/batch_submit", multipart=True, form=[("type", "run"), ("group", str(group))],
                 files=[("sheet_file", "runs.csv", csv.encode())]).json()
    assert bad["success"] == "false" and lib.row_count(env, "sample_set") == before, bad
    cells = {(e["row"], e["column"]) for e in bad["errors"]}
    assert cells == {(3, "name"), (3, "run_date")}, bad["errors"]
    unknown = c.post("/vidjil/sample_set/batch_submit", multipart=True,
                     form=[("type", "generic"), ("group", str(group)), ("sheet", "name\tcolour\nA\tred\n")]).json()
    assert unknown["success"] == "false" and unknown["errors"][0]["column"] == "colour"
    good_csv = 'name,run_date,info\n"Run, A",2024-01-01,ok\n'
    ok = c.post("/vidjil/sample_set/batch_submit", multipart=True, form=[("type", "run"), ("group", str(group))],
                files=[("sheet_file", "runs.csv", good_csv.encode())]).json()
    assert len(ok["sample_set_ids"]) == 1
    assert env.sql("SELECT name FROM run WHERE sample_set_id = ?", ok["sample_set_ids"][0]) == [["Run, A"]]


def test_index_page_ids_and_samplesetbyid(env):
    c, uid, group = lib.lab_user(env)
    pid = lib.create_set(c, group, "patient", info="see #here")
    fid = lib.create_sample(c, [pid], filename="x.fa", info="<b>bold</b> #t1")
    page = c.get("/vidjil/sample_set/index", query={"id": pid, "config_id": -1}).text
    for marker in ('id="row_sequence_file_%d"' % fid, 'id="sequence_file_%d" class="inactive"' % fid,
                   'id="choose_config"', 'id="add_sample_button"', 'class="owner"', 'class="tag-link"',
                   "&lt;b&gt;bold&lt;/b&gt;"):
        assert marker in page, marker
    assert "<b>bold</b>" not in page
    j = lib.index_json(c, pid, config_id=1)
    q = j["query"][0]
    assert q["sequence_file"]["id"] == fid and q["results_file"]["id"] is None and q["results_file"]["status"] == ""
    assert q["sample_set_membership"]["sample_set_id"] == pid and j["config_id"] == 1
    by_id = c.get("/vidjil/sample_set/samplesetById", query={"id": pid, "type": "patient", "format": "json"}).json()
    assert len(by_id) == 1 and by_id[0]["sample_set_id"] == pid and by_id[0]["file_count"] == 1
    assert set(by_id[0]) >= {"id", "sample_set_id", "info", "creator", "file_count", "first_name", "last_name", "birth",
                             "_extra"}
    assert c.get("/vidjil/sample_set/samplesetById", query={"id": pid, "type": "run", "format": "json"}).json() == []
    assert re.search(r'"creator":"User"', c.get("/vidjil/sample_set/samplesetById",
                                                query={"id": pid, "type": "patient", "format": "json"}).text)
