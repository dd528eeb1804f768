"""IDOR matrix: every route of the sets area, and the compare / quality-control / pre-process /
rerun routes of the analyses area, x (member of the owner group, member of another group, reader
through the public group, anonymous, admin), with the expected allow/deny.
A denied request must also leave the database and the upload directory unchanged."""
import importlib.util
import json
import os

_spec = importlib.util.spec_from_file_location(
    "sets_lib_idor", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)

DENIED = {"message": "access denied"}


def _json(a):
    try:
        return a.json()
    except ValueError:
        return None


def _page(a, marker):
    return a.status == 200 and marker in a.text


def _ok_json(a, key):
    j = _json(a)
    return a.status == 200 and isinstance(j, dict) and key in j and j.get("success") != "false"


class World:
    """An owner group with a private set S and a set P shared with the public group, each with
    an uploaded sample; a second member of the owner group; an outsider; an admin."""

    def __init__(self, env):
        self.env = env
        self.owner, self.owner_uid, self.group = lib.lab_user(env)
        self.s = lib.create_set(self.owner, self.group, "patient", info="#idor")
        self.p = lib.create_set(self.owner, self.group, "generic", name=env.unique("pub"))
        pub = int(env.sql("SELECT id FROM auth_group WHERE role = 'public'")[0][0])
        self.owner.post("/vidjil/sample_set/change_permission", query={"sample_set_id": self.p, "group_id": pub})
        self.fs = self.sample(self.s)
        self.fp = self.sample(self.p)
        self.stored_s = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", self.fs)[0][0]
        self.stored_p = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", self.fp)[0][0]
        email, pw, uid = env.new_user()
        env.sql("INSERT INTO auth_membership (user_id, group_id) VALUES (?, ?)", uid, self.group)
        self.member = env.client()
        self.member.login(email, pw)
        self.outsider, _, self.outsider_group = lib.lab_user(env)
        self.third_group = lib.lab_user(env)[2]
        self.roles = {"member": self.member, "outsider": self.outsider, "anonymous": env.client(), "admin": env.admin()}
        # Analyses: a completed result of each sample, a file of each set whose pre-process
        # failed, and a config with no result (run_all_patients then changes nothing).
        env.sql("INSERT INTO config (name, program, command, fuse_command, info) VALUES (?, 'vidjil', '-c clones', "
                "'-t 100', 'idor')", env.unique("idor"))
        self.config = int(env.sql("SELECT MAX(id) FROM config")[0][0])
        env.sql("INSERT INTO config (name, program, command, fuse_command, info) VALUES (?, 'vidjil', '-c clones', "
                "'-t 100', 'idor')", env.unique("idor-empty"))
        self.empty_config = int(env.sql("SELECT MAX(id) FROM config")[0][0])
        self.result = {self.s: self.result_of(self.fs), self.p: self.result_of(self.fp)}
        env.sql("INSERT INTO pre_process (name, command, info) VALUES (?, 'false', 'idor')", env.unique("idor"))
        self.pre_process = int(env.sql("SELECT MAX(id) FROM pre_process")[0][0])
        self.failed_pp = {self.s: self.failed_pre_process(self.s), self.p: self.failed_pre_process(self.p)}

    def sample(self, ssid):
        f = lib.create_sample(self.owner, [ssid], filename="x.fa")
        assert lib.upload(self.owner, f, "x.fa", lib.fasta()).status == 200
        return f


    def result_of(self, f):
        name = "results_file.data_file.%s.aWRvci52aWRqaWw=.vidjil" % os.urandom(8).hex()
        with open(os.path.join(self.results_dir(), name), "w") as out:
            json.dump({"vidjil_json_version": "2016b", "samples": {"number": 1}, "clones": [],
                       "reads": {"total": [10], "segmented": [8], "germline": {"IGH": [8]}}}, out)
        self.env.sql("INSERT INTO results_file (sequence_file_id, config_id, run_date, hidden, data_file) VALUES "
                     "(?, ?, NOW(), 'F', ?)", f, self.config, name)
        return int(self.env.sql("SELECT MAX(id) FROM results_file WHERE sequence_file_id = ?", f)[0][0])

    def results_dir(self):
        for line in open(self.env.conf):
            k, _, v = line.partition("=")
            if k.strip() == "DIR_RESULTS":
                return v.strip()
        raise AssertionError("no DIR_RESULTS in " + self.env.conf)

    def failed_pre_process(self, ss):
        self.env.sql("INSERT INTO sequence_file (filename, data_file, data_file2, pre_process_id, pre_process_flag) "
                     "VALUES ('pp_R1.fa', 'sequence_file.data_file.0000000000000000.cHBfUjEuZmE=.fa', "
                     "'sequence_file.data_file2.0000000000000000.cHBfUjIuZmE=.fa', ?, 'FAILED')", self.pre_process)
        f = int(self.env.sql("SELECT MAX(id) FROM sequence_file WHERE pre_process_id = ?", self.pre_process)[0][0])
        self.env.sql("INSERT INTO sample_set_membership (sample_set_id, sequence_file_id) VALUES (?, ?)", ss, f)
        return f


def _routes(w):
    """name -> function(client, set id, file id, stored name) -> True when allowed."""
    def listed(c, ss, f, st):
        j = _json(c.get("/vidjil/sample_set/all", query={"type": "patient" if ss == w.s else "generic", "format": "json"}))
        return bool(j) and ss in [r["sample_set_id"] for r in j["query"]]

    def edit_set(c, ss, f, st):
        kind = "patient" if ss == w.s else "generic"
        row = {"sample_set_id": str(ss), "info": "edited", "first_name": "A", "last_name": "B", "name": "n"}
        return _ok_json(lib.submit_sets(c, {"group": w.group, kind: [row]}), "redirect")

    def share(c, ss, f, st):
        a = c.post("/vidjil/sample_set/change_permission", query={"sample_set_id": ss, "group_id": w.third_group})
        ok = a.status == 200 and "granted" in (_json(a) or {}).get("message", "")
        if ok:  # undo
            w.owner.post("/vidjil/sample_set/change_permission", query={"sample_set_id": ss, "group_id": w.third_group})
        return ok

    def completion(c, ss, f, st):
        j = _json(c.post("/vidjil/sample_set/auto_complete", form=[("keys", '["%d"]' % ss)]))
        return bool(j) and ss in [t["id"] for t in list(j.values())[0]]

    def add_file(c, ss, f, st):
        return _ok_json(lib.submit_files(c, [ss], [{"id": "", "filename": "n.fa", "filename2": "", "sampling_date": "",
                                                    "info": "", "set_ids": ""}]), "file_ids")

    def edit_file(c, ss, f, st):
        return _ok_json(lib.submit_files(c, [ss], [{"id": str(f), "filename": "", "filename2": "", "sampling_date": "",
                                                    "info": "edited", "set_ids": ""}]), "file_ids")

    def tags(c, ss, f, st):
        j = _json(c.post("/vidjil/tag/auto_complete", form=[("keys", "[%d]" % w.group)]))
        return bool(j) and str(w.group) in j

    def restart(c, ss, f, st):
        pf = w.failed_pp[ss]
        a = c.post("/vidjil/file/restart_pre_process", query={"sequence_file_id": pf})
        ok = a.status == 200 and "process requested" in (_json(a) or {}).get("message", "")
        # undo: the new task is never run, the file is failed again for the next role
        w.env.sql("UPDATE scheduler_task SET status = 'FAILED' WHERE task_name = 'pre_process' AND args = ?",
                  "[%d, %d]" % (w.pre_process, pf))
        w.env.sql("UPDATE sequence_file SET pre_process_flag = 'FAILED' WHERE id = ?", pf)
        return ok

    def stats(c, ss, f, st):
        a = c.post("/vidjil/sample_set/multi_sample_stats", query={"results_ids": [w.result[ss]], "sample_set_id": ss})
        return _page(a, 'id="open_sample_result_%d"' % f) and "<td>80.00%</td>" in a.text

    def rerun_all(c, ss, f, st):
        j = _json(c.post("/vidjil/results_file/run_all_patients", query={"config_id": w.empty_config}))
        return bool(j) and j.get("success") == "true" and j.get("message", "").startswith("rerun all: 0 ")

    def logs(c, ss, f, st):  # the rows about the set (its creation is logged)
        j = _json(c.get("/vidjil/log/index", query={"table": "sample_set", "id": ss, "format": "json"}))
        return bool(j) and any(r["record_id"] == ss for r in j.get("query", []))

    def admin_json(url, key):
        return lambda c, ss, f, st: _ok_json(c.get(url, query={"format": "json"}), key)

    return {
        "log/index": logs,
        "download (app)": lambda c, ss, f, st: c.get(
            "/vidjil/download/" + w.env.sql("SELECT data_file FROM sequence_file WHERE id = ?", f)[0][0]).status == 200,
        "admin/showlog": admin_json("/vidjil/admin/showlog", "files"),
        "admin/clean_workers_status": admin_json("/vidjil/admin/clean_workers_status", "hosts"),
        "segmenter": lambda c, ss, f, st: c.post("/vidjil/segmenter", form=[("sequences", "")]).status == 200,
        "proxy/index": lambda c, ss, f, st: c.post("/vidjil/proxy/index").status == 200,
        "sample_set/custom": lambda c, ss, f, st: _page(c.post("/vidjil/sample_set/custom", query={"id": ss}),
                                                        'id="checkbox_sample_%d"' % w.result[ss]),
        "sample_set/multi_sample_stats": stats,
        "file/restart_pre_process": restart,
        "results_file/run_all_patients": rerun_all,
        "sample_set/all": listed,
        "sample_set/index": lambda c, ss, f, st: _ok_json(
            c.get("/vidjil/sample_set/index", query={"id": ss, "format": "json"}), "query"),
        "sample_set/samplesetById": lambda c, ss, f, st: bool(_json(c.get(
            "/vidjil/sample_set/samplesetById",
            query={"id": ss, "type": "patient" if ss == w.s else "generic", "format": "json"}))),
        "sample_set/form": lambda c, ss, f, st: _page(c.get("/vidjil/sample_set/form", query={"id": ss}), "object_form"),
        "sample_set/submit": edit_set,
        "sample_set/confirm": lambda c, ss, f, st: _page(c.get("/vidjil/sample_set/confirm", query={"id": ss}),
                                                         "delete_button"),
        "sample_set/permission": lambda c, ss, f, st: _page(c.get("/vidjil/sample_set/permission", query={"id": ss}),
                                                            "permission_checkbox_"),
        "sample_set/change_permission": share,
        "sample_set/auto_complete": completion,
        # the current stored name: uploads by allowed roles replace the file
        "sample_set/download_sequence_file": lambda c, ss, f, st: c.get(
            "/vidjil/sample_set/download_sequence_file/" +
            w.env.sql("SELECT data_file FROM sequence_file WHERE id = ?", f)[0][0]).status == 200,
        "file/form (add)": lambda c, ss, f, st: _page(c.get("/vidjil/file/form", query={"sample_set_id": ss}),
                                                      "upload_sample_form"),
        "file/form (edit)": lambda c, ss, f, st: _page(c.get("/vidjil/file/form", query={"file_id": f}),
                                                       "upload_sample_form"),
        "file/submit (add)": add_file,
        "file/submit (edit)": edit_file,
        "file/upload": lambda c, ss, f, st: lib.upload(c, f, "x.fa", lib.fasta()).status == 200,
        "file/confirm": lambda c, ss, f, st: _page(c.get("/vidjil/file/confirm", query={"id": f}), "delete_button"),
        "tag/auto_complete": tags,
    }


READ_ROUTES = {"sample_set/all", "sample_set/index", "sample_set/samplesetById", "sample_set/download_sequence_file",
               "sample_set/custom", "sample_set/multi_sample_stats", "download (app)"}
ADMIN_ROUTES = {"results_file/run_all_patients", "admin/showlog", "admin/clean_workers_status"}
# any logged-in user, whatever the set: services that touch no stored object
LOGGED_IN_ROUTES = {"segmenter", "proxy/index"}


def test_idor_matrix(env):
    w = World(env)
    routes = _routes(w)
    failures = []
    for role, client in w.roles.items():
        for name, call in routes.items():
            for label, ss, f, st in (("private", w.s, w.fs, w.stored_s), ("public", w.p, w.fp, w.stored_p)):
                if name == "tag/auto_complete" and label == "public":
                    continue
                if role == "anonymous":
                    expected = False
                elif name in ADMIN_ROUTES:
                    expected = role == "admin"
                elif name in LOGGED_IN_ROUTES:
                    expected = True
                elif role in ("member", "admin"):
                    expected = True
                else:  # the outsider reads what the public group shares, and nothing else
                    expected = label == "public" and name in READ_ROUTES
                got = call(client, ss, f, st)
                if got != expected:
                    failures.append("%s %s on %s set: expected %s, got %s" % (role, name, label,
                                                                              "allow" if expected else "deny",
                                                                              "allow" if got else "deny"))
    assert not failures, "\n".join(failures)


def test_idor_destructive_routes(env):
    w = World(env)
    for role, client in w.roles.items():
        allowed = role in ("member", "admin")
        ss = lib.create_set(w.owner, w.group, "generic", name="victim")
        f = w.sample(ss)
        before = lib.disk_state(env)
        d = client.post("/vidjil/file/delete", query={"id": f, "redirect_sample_set_id": ss, "delete_results": "True"})
        assert (lib.row_count(env, "sequence_file", "id = ?", f) == 0) == allowed, (role, d)
        if not allowed:
            assert lib.disk_state(env) == before
            assert d.status == 303 if role == "anonymous" else _json(d)["success"] == "false"
        a = client.post("/vidjil/sample_set/delete", query={"id": ss})
        assert (lib.row_count(env, "sample_set", "id = ?", ss) == 0) == allowed, (role, a)
        if not allowed and role != "anonymous":
            assert _json(a) == DENIED
    # ids that do not exist get the same answers as ids of other groups
    for url, q in (("/vidjil/sample_set/index", {"id": 999999999}), ("/vidjil/sample_set/delete", {"id": 999999999}),
                   ("/vidjil/sample_set/permission", {"id": 999999999})):
        assert _json(w.outsider.get(url, query=q)) == DENIED
        assert _json(w.outsider.get(url, query={"id": w.s})) == DENIED
    unknown = w.outsider.get("/vidjil/file/confirm", query={"id": 999999999}).json()
    assert unknown == w.outsider.get("/vidjil/file/confirm", query={"id": w.fs}).json()
    fake = "sequence_file.data_file.0000000000000000.eHg=.fa"
    assert w.outsider.get("/vidjil/sample_set/download_sequence_file/" + fake).status == 404
    assert w.outsider.get("/vidjil/sample_set/download_sequence_file/../../etc/passwd").status in (400, 404)
    assert json.loads(w.outsider.post("/vidjil/tag/auto_complete", form=[("keys", "[%d]" % w.group)]).body) == {}
