"""Declarative authorisation (issue 9): every route of every endpoint program declares who may
call it, the dispatcher enforces it, and no administrator route does anything for a non-admin or
an anonymous client. The route tables are read from the programs themselves
(VIDJIL_DUMP_ROUTES=1 <program>), so a route added later is walked too."""
import glob
import hashlib
import json
import os
import re
import subprocess

# Tables a refused request may legitimately write: the session (last seen), the audit trail and
# the logs of refusals, rate limits and caches; and the runner's own heartbeat.
VOLATILE = {"vidjil_session", "vidjil_audit", "user_log", "auth_event", "vidjil_logger_rate",
            "vidjil_login_throttle", "vidjil_news_cache", "vidjil_news_version", "vidjil_runner_host",
            "scheduler_worker"}
LEVELS = {"public", "user", "admin"}
REFUSALS = {"admin_only_denied", "error", "message", "forbidden"}
LIST_URL = "/vidjil/sample_set/all?type=patient&page=0"


def _programs(env):
    """Program names of every nginx map (URL -> program), as scripts/vidjil-local starts them."""
    names = set()
    for path in glob.glob(os.path.join(env.srcdir, "nginx", "programs.d", "*.map")):
        for line in open(path):
            line = line.split("#", 1)[0].strip().rstrip(";").strip()
            if line:
                names.add(line.split()[-1])
    assert names, "no program in nginx/programs.d"
    return sorted(names)


def _routes(env):
    routes = []
    for program in _programs(env):
        exe = os.path.join(env.builddir, "cgi-bin", program)
        assert os.path.exists(exe), "program %s of the nginx maps is not built" % program
        out = subprocess.run([exe], env={"VIDJIL_DUMP_ROUTES": "1", "PATH": "/usr/bin:/bin"},
                             capture_output=True, timeout=30, check=True).stdout
        for r in json.loads(out):
            r["exe"] = program
            routes.append(r)
    return routes


def _checksums(env):
    tables = [r[0] for r in env.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                                    "AND table_type = 'BASE TABLE' ORDER BY table_name")]
    kept = [t for t in tables if t not in VOLATILE]
    assert "auth_permission" in kept and "config" in kept, kept
    # CHECKSUM TABLE of a table with a generated column (auth_permission.sample_set_grant,
    # sql/058) changes between two calls with no write in between (MariaDB 10.11): those tables
    # are compared by their rows.
    generated = {r[0] for r in env.sql("SELECT DISTINCT table_name FROM information_schema.columns WHERE "
                                        "table_schema = DATABASE() AND is_generated = 'ALWAYS'")}
    rows = env.sql("CHECKSUM TABLE " + ", ".join("`%s`" % t for t in kept if t not in generated))
    sums = {r[0]: r[1] for r in rows}
    for t in sorted(generated & set(kept)):
        sums["vidjil." + t] = hashlib.sha256(repr(env.sql("SELECT * FROM `%s` ORDER BY id" % t)).encode()).hexdigest()
    return sums


def _pre_process(env):
    name = env.unique("pp_")
    env.sql("INSERT INTO pre_process (name, command, info) VALUES (?, 'cat &file1& > &result&', 'authz test')", name)
    return int(env.sql("SELECT id FROM pre_process WHERE name = ?", name)[0][0])


def _config(env):
    name = env.unique("cfg_")
    env.sql("INSERT INTO config (name, program, command, fuse_command, info) "
            "VALUES (?, 'vidjil', '-c clones', '-t 100', 'authz test')", name)
    return int(env.sql("SELECT id FROM config WHERE name = ?", name)[0][0])


def _group_admin_with_access(env, config_id, pre_process_id):
    """A non-admin whose personal group holds `admin` on sample_set (every new account does) and
    `access` to the config and the pre-process: the original let such a user administer them."""
    email, pw, uid = env.new_user()
    c = env.client()
    assert c.login(email, pw).json()["user_id"] == uid
    group = int(c.get("/vidjil/default/whoami").json()["groups"][0]["id"])
    for table, oid in (("config", config_id), ("pre_process", pre_process_id)):
        env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', ?, ?)",
                group, table, oid)
    assert env.sql("SELECT COUNT(*) FROM auth_permission WHERE group_id = ? AND name = 'admin' "
                   "AND table_name = 'sample_set' AND record_id = 0", group)[0][0] == "1"
    return c, uid, group


def _grants(env, table, oid):
    return env.sql("SELECT group_id, name FROM auth_permission WHERE table_name = ? AND record_id = ? ORDER BY id",
                   table, oid)


def test_every_route_declares_its_access(env):
    routes = _routes(env)
    assert len(routes) > 50, len(routes)
    seen = set()
    for r in routes:
        where = "%s %s" % (r["exe"], r["path"])
        assert r.get("level") in LEVELS, where
        assert r.get("access"), where
        if "check" in r:
            assert r["access"] == "%s(%s)" % (r["check"], r["check_param"]), where
        else:
            assert r["access"] == r["level"], where
        if r["level"] == "admin" or "check" in r:
            assert r.get("refusal") in REFUSALS, where
        seen.add(r["path"])
    # The pages of api.md §3 that are the administrators' alone are declared so.
    admin = {r["path"] for r in routes if r["level"] == "admin"}
    for path in ("/vidjil/admin/index", "/vidjil/user/index", "/vidjil/group/index", "/vidjil/group/add_form",
                 "/vidjil/group/rights", "/vidjil/config/index", "/vidjil/config/add_form",
                 "/vidjil/config/permission", "/vidjil/config/change_permission", "/vidjil/pre_process/index",
                 "/vidjil/pre_process/permission", "/vidjil/pre_process/change_permission",
                 "/vidjil/notification/add_form", "/vidjil/notification/delete", "/vidjil/results_file/index",
                 "/vidjil/results_file/run_all_patients"):
        assert path in admin, path


def _plausible(name, kind, ids):
    """A value the parameter's validator accepts, the test's own objects for the ids."""
    if name in ids:
        return str(ids[name])
    return {"int": "1", "id": "1", "bool": "true", "email": "authz@lab.test", "date": "2030-01-01",
            "json": "{}"}.get(kind, "x")


def _expected_refusal(route, answer, logged_in):
    where = "%s %s: %r" % (route["exe"], route["path"], answer)
    if not logged_in:
        assert answer.status == 303, where
        assert answer.header("location").startswith("/vidjil/auth/login"), where
        return
    assert answer.status == (403 if route["refusal"] == "forbidden" else 200), where
    j = answer.json()
    if route["refusal"] == "admin_only_denied":
        assert j["success"] == "false" and j["message"] == "access denied", where
        assert j["redirect"].endswith(LIST_URL) and j["redirect"].startswith("http"), where
    elif route["refusal"] in ("error", "forbidden"):
        assert j == {"success": "false", "message": route["refusal_message"]}, where
    else:
        assert j == {"message": route["refusal_message"]}, where


def test_admin_routes_refuse_non_admins_and_change_nothing(env):
    config_id, pp_id = _config(env), _pre_process(env)
    user, uid, group = _group_admin_with_access(env, config_id, pp_id)
    ids = {"id": config_id, "config_id": config_id, "pre_process_id": pp_id, "group_id": group, "user_id": uid,
           "group_parent": "None", "right": "admin", "name": "sample_set", "config_program": "vidjil",
           "config_command": "-c clones", "config_fuse_command": "-t 100", "pre_process_command": "cat &file1&"}
    admin_routes = [r for r in _routes(env) if r["level"] == "admin"]
    assert len(admin_routes) >= 20, len(admin_routes)
    before = _checksums(env)
    calls = 0
    for r in admin_routes:
        path = r["path"].replace("/*", "/authz-file")
        params = [(p, _plausible(p, r["param_types"][p], ids)) for p in r["params"]]
        for who, client in (("user", user), ("anonymous", env.client())):
            for method in r["methods"]:
                if method == "GET":
                    a = client.get(path, query=params)
                else:
                    a = client.post(path, query=params, form=params, multipart=True)
                _expected_refusal(r, a, who == "user")
                calls += 1
    after = _checksums(env)
    changed = sorted(t for t in before if before[t] != after.get(t))
    assert not changed, changed
    assert calls >= 2 * len(admin_routes)
    # The refusals of the logged-in user are audited, one per call, under the route's name.
    denied = env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE user_id = ? AND action LIKE '%%_denied'", uid)
    assert int(denied[0][0]) >= len(admin_routes), denied


def test_config_access_list_is_for_administrators_only(env):
    config_id, pp_id = _config(env), _pre_process(env)
    user, uid, group = _group_admin_with_access(env, config_id, pp_id)
    other = int(env.sql("SELECT id FROM auth_group WHERE role = 'public'")[0][0])
    for table, key in (("config", "config_id"), ("pre_process", "pre_process_id")):
        oid = config_id if table == "config" else pp_id
        grants = _grants(env, table, oid)
        for g in (group, other):
            a = user.get("/vidjil/%s/change_permission" % table, query={key: oid, "group_id": g})
            assert a.json() == {"message": "access denied"}, (table, a)
            a = user.post("/vidjil/%s/change_permission" % table, query={key: oid, "group_id": g})
            assert a.json() == {"message": "access denied"}, (table, a)
        assert _grants(env, table, oid) == grants, table
        page = user.get("/vidjil/%s/permission" % table, query={key: oid})
        assert page.json() == {"message": "access denied"}, (table, page)
        assert "public" not in page.text and "user_" not in page.text
        # The user may still *use* the config (run analyses with it): access is not revoked.
        assert ["%d" % group, "access"] in grants
    # The administrator still manages the list.
    admin = env.admin()
    a = admin.get("/vidjil/config/change_permission", query={"config_id": config_id, "group_id": other}).json()
    assert re.match(r"c%d: access 'access' granted to 'public'" % config_id, a["message"]), a
    a = admin.get("/vidjil/config/change_permission", query={"config_id": config_id, "group_id": other}).json()
    assert a["message"] == "c%d: access 'access' deleted to 'public'" % config_id, a
    assert 'public' in admin.get("/vidjil/config/permission", query={"config_id": config_id}).text


def test_change_permission_without_group_is_an_error(env):
    config_id, pp_id = _config(env), _pre_process(env)
    admin = env.admin()
    for table, key, oid in (("config", "config_id", config_id), ("pre_process", "pre_process_id", pp_id)):
        grants = _grants(env, table, oid)
        for query in ({key: oid}, {key: oid, "group_id": ""}, {key: oid, "group_id": "0"}):
            a = admin.get("/vidjil/%s/change_permission" % table, query=query)
            assert a.status == 200, a
            j = a.json()
            assert j["success"] == "false" and "group_id" in j["message"], (table, query, j)
        unknown = admin.get("/vidjil/%s/change_permission" % table, query={key: oid, "group_id": 999999999}).json()
        assert unknown["success"] == "false" and "not found" in unknown["message"], unknown
        assert _grants(env, table, oid) == grants


def _sets_lib():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "sets_lib_authz", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_object_checks_refuse_strangers_and_change_nothing(env):
    lib = _sets_lib()
    owner, owner_id, owner_group = lib.lab_user(env)
    ss = lib.create_set(owner, owner_group, "generic")
    sf = lib.create_sample(owner, [ss])
    stranger = lib.lab_user(env)[0]
    target = {"can_view_sample_set": ss, "can_modify_sample_set": ss, "can_view_group": owner_group,
              "can_modify_group": owner_group, "can_modify_user": owner_id, "can_modify_file": sf}
    checked = [r for r in _routes(env) if "check" in r and r["check"] in target]
    assert {r["check"] for r in checked} == set(target), sorted({r["check"] for r in checked})
    before = _checksums(env)
    for r in checked:
        ids = {r["check_param"]: target[r["check"]], "group_id": owner_group, "user_id": owner_id}
        params = [(p, _plausible(p, r["param_types"][p], ids)) for p in r["params"]]
        for method in r["methods"]:
            if method == "GET":
                a = stranger.get(r["path"], query=params)
            else:
                a = stranger.post(r["path"], query=params, form=params, multipart=True)
            _expected_refusal(r, a, True)
        # The owner passes the same check (the route is not simply closed).
        if "GET" in r["methods"] and r["path"].endswith(("/index", "/permission", "/info", "/edit", "/confirm")):
            mine = owner.get(r["path"], query=[(r["check_param"], target[r["check"]])])
            assert mine.status == 200 and mine.text != json.dumps({"message": r.get("refusal_message")}), (r, mine)
            assert "access denied" not in mine.text[:200], (r["path"], mine)
    after = _checksums(env)
    assert sorted(t for t in before if before[t] != after.get(t)) == []
