"""format=json on every page (api.md §1.2 jsontransformer, issue 10 §1): the test walks the route
table of every endpoint program (VIDJIL_DUMP_ROUTES=1, programs named in nginx/programs.d), finds
the page routes (a GET whose normal answer, as an administrator, is an HTML page) and checks
that each answers format=json with a JSON object: the keys api.md names for the pages it
describes (EXPECTED), a non-empty object for every other page. A user who may not open a page
gets the same refusal with format=json as without, and no page's JSON shows a non-admin data
they may not read."""
import glob
import importlib.util
import json
import os
import re
import subprocess

_spec = importlib.util.spec_from_file_location(
    "sets_lib_page_json", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)

# Top-level keys of the view-model, for the pages api.md describes (§3.3 for the sets pages; the
# admin list pages carry the original's `message` (title) and `query` (its Rows)).
EXPECTED = {
    "/vidjil/sample_set/all": {"query", "group_ids", "admin_permissions", "isAdmin", "reverse", "step", "page"},
    "/vidjil/sample_set/index": {"query", "owners", "has_shared_sets", "pre_process_list", "config_id", "info",
                                 "can_modify", "can_upload", "fused_count", "fused_file", "fused_filename",
                                 "analysis_count", "analysis_file", "analysis_filename", "sample_type", "config",
                                 "classification", "tag_decorator", "http_origin"},
    "/vidjil/sample_set/form": {"message", "groups", "master_group", "sets", "isEditing"},
    "/vidjil/file/form": {"message", "pre_process_list", "files", "sets", "sample_type", "errors",
                          "source_module_active", "group_ids", "isEditing"},
    "/vidjil/config/index": {"message", "query"},
    "/vidjil/user/index": {"message", "query"},
    "/vidjil/group/index": {"message", "query"},
    "/vidjil/pre_process/index": {"message", "query"},
    "/vidjil/notification/index": {"message", "query"},
}
# Pages that must be found by the walk (so that the test cannot pass by finding nothing).
MUST_FIND = set(EXPECTED) | {"/vidjil/admin/index", "/vidjil/group/info",
                             "/vidjil/results_file/info", "/vidjil/my_account/jobs", "/vidjil/my_account/index",
                             "/vidjil/config/edit", "/vidjil/pre_process/edit", "/vidjil/user/edit", "/vidjil/sample_set/confirm"}

# GET routes that change something or are not pages: never called by the walk.
NOT_WALKED = re.compile(r"(delete|submit|_form|change_permission|rights|invite|kick|run_|restart|save_|upload"
                        r"|impersonate|logout|login|init_db|clean_workers|logger|download|checkProcess|get_data"
                        r"|get_custom_data|get_analysis|auto_complete|filesystem|task|\.cgi)")
SECRET_KEYS = re.compile(r"(password|passwd|session|secret|hash|csrf|uuid)", re.I)


def _routes(env):
    programs = set()
    for m in glob.glob(os.path.join(env.srcdir, "nginx", "programs.d", "*.map")):
        for line in open(m):
            line = line.split("#", 1)[0].strip()
            if line.endswith(";"):
                programs.add(line[:-1].split()[-1])
    routes = []
    for p in sorted(programs):
        exe = os.path.join(env.builddir, "cgi-bin", p)
        out = subprocess.run([exe], env={"VIDJIL_DUMP_ROUTES": "1", "PATH": "/usr/bin:/bin"},
                             capture_output=True, text=True, timeout=30, check=True).stdout
        routes += json.loads(out)
    assert routes, "no route dumped"
    return routes


def _fixtures(env, admin, marker):
    gid = admin.post("/vidjil/group/add_form", multipart=True,
                     form=[("group_name", marker + "_lab"), ("info", marker), ("group_parent", "None")]).json()["group_id"]
    ssid = lib.create_set(admin, gid, "patient", first_name=marker, last_name=marker)
    sfid = lib.create_sample(admin, [ssid], filename=marker + ".fa", info=marker)
    cfg = int(env.sql("SELECT MIN(id) FROM config")[0][0])
    env.sql("INSERT INTO results_file (sequence_file_id, config_id, run_date, hidden, data_file) "
            "VALUES (?, ?, NOW(), 'F', NULL)", sfid, cfg)
    rid = int(env.sql("SELECT MAX(id) FROM results_file WHERE sequence_file_id = ?", sfid)[0][0])
    pp = admin.post("/vidjil/pre_process/add_form", multipart=True, form=[
        ("pre_process_name", marker + "_pp"), ("pre_process_info", ""),
        ("pre_process_command", "cat &file1& &file2& > &result&")]).json()["pre_process_id"]
    news = admin.post("/vidjil/notification/add_form", multipart=True, form=[
        ("title", "page json news"), ("message_content", "hello"), ("message_type", "header"),
        ("priority", "info"), ("expiration", "2999-12-31")]).json()
    nid = news["args"]["id"]
    uid = int(env.sql("SELECT MAX(id) FROM auth_user")[0][0])
    by_name = {"sample_set_id": ssid, "redirect_sample_set_id": ssid, "file_id": sfid, "sequence_file_id": sfid,
               "results_file_id": rid, "results_ids": rid, "config_id": cfg, "group_id": gid,
               "pre_process_id": pp, "user_id": uid, "type": "patient",
               "sample_type": "patient", "page": 0}
    ids = {"sample_set": ssid, "file": sfid, "results_file": rid, "config": cfg, "group": gid,
           "pre_process": pp, "notification": nid, "user": uid}
    return by_name, ids


def _query(route, by_name, ids):
    parts = route["path"].split("/")
    controller = parts[2] if len(parts) > 2 else ""  # /metrics is not below /vidjil/<controller>/
    q = {}
    for name in route["params"]:
        v = ids.get(controller) if name == "id" else by_name.get(name)
        if v is not None:
            q[name] = v
    return q


def _is_page(a):
    return a.status == 200 and a.header("content-type").startswith("text/html") and a.text.lstrip().startswith("<")


def _keys(v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from _keys(x)
    elif isinstance(v, list):
        for x in v:
            yield from _keys(x)


def _page_routes(env, admin, by_name, ids):
    pages = []
    for r in _routes(env):
        if "GET" not in r["methods"] or r["path"].endswith("/*") or NOT_WALKED.search(r["path"].rsplit("/", 1)[-1]):
            continue
        q = _query(r, by_name, ids)
        if _is_page(admin.get(r["path"], query=q)):
            pages.append((r, q))
    return pages


def test_every_page_answers_its_view_model_as_json(env):
    admin = env.admin()
    marker = env.unique("pj")
    by_name, ids = _fixtures(env, admin, marker)
    pages = _page_routes(env, admin, by_name, ids)
    found = {r["path"] for r, _ in pages}
    assert MUST_FIND <= found, "pages not found by the walk: %s" % sorted(MUST_FIND - found)
    problems = []
    for r, q in pages:
        a = admin.get(r["path"], query=dict(q, format="json"))
        try:
            v = a.json()
        except ValueError:
            problems.append("%s: not JSON with format=json: %r" % (r["path"], a))
            continue
        if a.status != 200 or not isinstance(v, dict) or not v:
            problems.append("%s: not a non-empty JSON object: %r" % (r["path"], a))
            continue
        missing = EXPECTED.get(r["path"], set()) - set(v)
        if missing:
            problems.append("%s: keys %s missing (has %s)" % (r["path"], sorted(missing), sorted(v)))
        secret = sorted({k for k in _keys(v) if SECRET_KEYS.search(k)})
        if secret:
            problems.append("%s: secret-looking keys %s" % (r["path"], secret))
    assert not problems, "\n".join(problems)


def test_page_json_values_follow_the_original_shapes(env):
    admin = env.admin()
    marker = env.unique("pj")
    by_name, ids = _fixtures(env, admin, marker)
    cfg = admin.get("/vidjil/config/index", query={"format": "json"}).json()
    row = [c for c in cfg["query"] if c["id"] == str(by_name["config_id"])]
    assert row and isinstance(row[0]["name"], str), cfg  # ids as strings, one dict per row
    form = admin.get("/vidjil/sample_set/form", query={"id": ids["sample_set"], "format": "json"}).json()
    assert form["isEditing"] is True and form["message"], form
    assert [s["ssid"] for s in form["sets"]["patient"]] == [str(ids["sample_set"])], form
    assert {"id": str(ids["group"]), "name": marker + "_lab"}.items() <= \
        [g for g in form["groups"] if g["id"] == str(ids["group"])][0].items(), form["groups"]
    assert form["master_group"] == str(ids["group"]), form
    new = admin.get("/vidjil/sample_set/form", query={"type": "run", "format": "json"}).json()
    assert new["isEditing"] is False and list(new["sets"]) == ["run"], new
    ff = admin.get("/vidjil/file/form", query={"file_id": ids["file"], "format": "json"}).json()
    assert ff["isEditing"] is True and [f["id"] for f in ff["files"]] == [str(ids["file"])], ff
    assert ff["sets"][0].endswith("(%d)" % ids["sample_set"]) and ff["errors"] == [], ff
    news = admin.get("/vidjil/notification/index", query={"id": ids["notification"], "format": "json"}).json()
    assert news["selected"]["id"] == str(ids["notification"]) and news["query"], news
    # The HTML of the same page is rendered from the same view-model.
    html = admin.get("/vidjil/config/index").text
    assert 'id="config_name_%s"' % row[0]["id"] in html


def test_format_json_leaks_nothing_to_a_non_admin(env):
    admin = env.admin()
    marker = env.unique("pj")
    by_name, ids = _fixtures(env, admin, marker)
    pages = _page_routes(env, admin, by_name, ids)
    c, _, _ = lib.lab_user(env)
    problems = []
    checked_refusals = 0
    for r, q in pages:
        plain = c.get(r["path"], query=q)
        as_json = c.get(r["path"], query=dict(q, format="json"))
        if marker in as_json.text:
            problems.append("%s: the JSON shows another group's data: %r" % (r["path"], as_json))
        if _is_page(plain):
            continue
        checked_refusals += 1
        if (plain.status, plain.body) != (as_json.status, as_json.body):
            problems.append("%s: refusal differs with format=json: %r vs %r" % (r["path"], plain, as_json))
    assert checked_refusals >= 5, checked_refusals  # admin pages, other groups' set/file/result pages
    assert not problems, "\n".join(problems)
