"""Metrics (issue 11, doc/metrics.md): the metrics group's user reads the 21 metrics as JSON with
the values env.sql counts, and nothing else; other users and anonymous callers are refused;
/metrics answers Prometheus text only with METRICS_TOKEN, with the same values."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

NAMES = {
    "fast": ["user_count", "group_count", "set_patients_count", "set_runs_count", "set_generics_count",
             "sequence_file_count", "results_file_count", "fused_file_count", "analysis_file_count", "config_count",
             "pre_process_count", "jobs_by_status"],
    "long": ["sequence_file_size_bytes", "results_storage_bytes", "user_by_groups", "set_patients_by_groups",
             "set_runs_by_groups", "set_generics_by_groups", "sequence_file_by_groups", "results_file_by_config",
             "config_analysis_by_groups"],
}
OWNER = "JOIN auth_permission ap ON ap.name = 'access' AND ap.table_name = 'sample_set' AND ap.record_id = "
GROUP_SQL = "SELECT ap.group_id, g.role, COUNT(DISTINCT s.id) FROM %s s " + OWNER + \
    "s.sample_set_id JOIN auth_group g ON g.id = ap.group_id GROUP BY ap.group_id, g.role"


def _conf_copy(env, **keys):
    """env.conf plus `keys`, in a private directory (mode 700: it holds the database password)."""
    d = tempfile.mkdtemp(prefix="metrics-conf-")
    path = os.path.join(d, "vidjil.conf")
    lines = [line for line in open(env.conf) if line.split("=", 1)[0].strip() not in keys]
    with open(path, "w") as f:
        f.writelines(lines)
        for k, v in keys.items():
            f.write("%s = %s\n" % (k, v))
    return path


def _admin_cmd(env, conf, *args):
    return subprocess.run([os.path.join(env.builddir, "vidjil-admin")] + list(args), capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "VIDJIL_CONF": conf,
                                            "VIDJIL_SQL_DIR": os.path.join(env.srcdir, "sql")})


def _metrics_user(env):
    """A metrics account made by `vidjil-admin metrics-user`: (email, password, logged-in client)."""
    email, pw = env.unique("metrics") + "@lab.test", "Metr1cs-Scrape-7qv!"
    conf = _conf_copy(env, METRICS_USER_EMAIL=email, METRICS_USER_PASSWORD=pw)
    try:
        p = _admin_cmd(env, conf, "metrics-user")
        assert p.returncode == 0 and "created" in p.stdout, (p.stdout, p.stderr)
        again = _admin_cmd(env, conf, "metrics-user")  # idempotent
        assert again.returncode == 0 and "already set up" in again.stdout, (again.stdout, again.stderr)
    finally:
        shutil.rmtree(os.path.dirname(conf))
    return email, pw, fx.login(env, email, pw)


def _data_set(env):
    """A group owning 2 patients, 1 run, 1 generic set, 3 files (sizes 10, 20+5, 30), two of
    them in two sets, 3 results with the test's config, 1 fused file, 1 analysis."""
    role = env.unique('metrics "lab\\ ')  # a quote and a backslash: escaped in the Prometheus labels
    env.sql("INSERT INTO auth_group (role, description) VALUES (?, 'metrics test')", role)
    gid = fx.last_id(env, "auth_group")
    p1, _ = fx.make_set(env, gid, "patient", last="M1")
    p2, _ = fx.make_set(env, gid, "patient", last="M2")
    r1, _ = fx.make_set(env, gid, "run")
    g1, _ = fx.make_set(env, gid, "generic")
    cid = fx.make_config(env, name=env.unique("metricscfg"))
    files = []
    for size, size2 in ((10, 0), (20, 5), (30, 0)):
        env.sql("INSERT INTO sequence_file (filename, size_file, size_file2) VALUES ('m.fa', ?, ?)", size, size2)
        files.append(fx.last_id(env, "sequence_file"))
    fx.link(env, p1, files[0])
    fx.link(env, p2, files[1])
    fx.link(env, r1, files[0])
    fx.link(env, r1, files[1])
    fx.link(env, g1, files[2])
    for sf in files:
        env.sql("INSERT INTO results_file (sequence_file_id, config_id, run_date) VALUES (?, ?, NOW())", sf, cid)
    env.sql("INSERT INTO fused_file (config_id, sample_set_id) VALUES (?, ?)", cid, p1)
    env.sql("INSERT INTO analysis_file (config_id, sample_set_id) VALUES (?, ?)", cid, p1)
    return {"group": gid, "role": role, "config": cid, "sets": (p1, p2, r1, g1), "files": files}


def _one(env, sql, *params):
    return env.sql(sql, *params)[0][0]


def _unbatch(text):
    """A string as the mariadb client's batch mode prints it (backslash escapes) -> its value."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": "\0"}.get(m.group(1), m.group(1)), text)


def _labelled(rows, keys):
    return sorted([dict(zip(keys, [int(r[0]), _unbatch(r[1])] + ([int(r[2]), _unbatch(r[3])] if len(keys) > 3 else [])),
                        value=int(r[-1]))
                   for r in rows], key=lambda d: json.dumps(d, sort_keys=True))


def _tree_bytes(root):
    total = 0
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def _expected(env):
    """Every metric computed here, from the database (and DIR_RESULTS)."""
    c = lambda t: int(_one(env, "SELECT COUNT(*) FROM %s" % t))  # noqa: E731
    e = {"user_count": c("auth_user"), "group_count": c("auth_group"), "set_patients_count": c("patient"),
         "set_runs_count": c("run"), "set_generics_count": c("generic"), "sequence_file_count": c("sequence_file"),
         "results_file_count": c("results_file"), "fused_file_count": c("fused_file"),
         "analysis_file_count": c("analysis_file"), "config_count": c("config"), "pre_process_count": c("pre_process")}
    e["jobs_by_status"] = sorted([{"status": r[0] if r[0] != "NULL" else "", "value": int(r[1])}
                                  for r in env.sql("SELECT status, COUNT(*) FROM scheduler_task GROUP BY status")],
                                 key=lambda d: d["status"])
    e["sequence_file_size_bytes"] = int(_one(env, "SELECT COALESCE(SUM(COALESCE(size_file,0)+COALESCE(size_file2,0)),0) "
                                                  "FROM sequence_file"))
    e["results_storage_bytes"] = _tree_bytes(fx.conf_values(env)["DIR_RESULTS"])
    gk = ["group_id", "group"]
    e["user_by_groups"] = _labelled(env.sql(
        "SELECT g.id, g.role, COUNT(DISTINCT m.user_id) FROM auth_group g JOIN auth_membership m ON m.group_id = g.id "
        "WHERE g.role NOT LIKE 'user\\\\_%' GROUP BY g.id, g.role"), gk)
    for name, table in (("set_patients_by_groups", "patient"), ("set_runs_by_groups", "run"),
                        ("set_generics_by_groups", "generic")):
        e[name] = _labelled(env.sql(GROUP_SQL % table), gk)
    e["sequence_file_by_groups"] = _labelled(env.sql(
        "SELECT ap.group_id, g.role, COUNT(DISTINCT m.sequence_file_id) FROM sample_set_membership m " + OWNER +
        "m.sample_set_id JOIN auth_group g ON g.id = ap.group_id WHERE m.sequence_file_id IS NOT NULL "
        "GROUP BY ap.group_id, g.role"), gk)
    e["results_file_by_config"] = _labelled(env.sql(
        "SELECT r.config_id, COALESCE(c.name, ''), COUNT(*) FROM results_file r LEFT JOIN config c ON c.id = r.config_id "
        "WHERE r.config_id IS NOT NULL GROUP BY r.config_id, c.name"), ["config_id", "config"])
    e["config_analysis_by_groups"] = _labelled(env.sql(
        "SELECT r.config_id, COALESCE(c.name, ''), ap.group_id, g.role, COUNT(DISTINCT r.id) FROM results_file r "
        "JOIN sample_set_membership m ON m.sequence_file_id = r.sequence_file_id " + OWNER + "m.sample_set_id "
        "JOIN auth_group g ON g.id = ap.group_id LEFT JOIN config c ON c.id = r.config_id "
        "WHERE r.config_id IS NOT NULL GROUP BY r.config_id, c.name, ap.group_id, g.role"),
        ["config_id", "config", "group_id", "group"])
    return e


def _norm(name, v):
    if isinstance(v, list):
        return sorted(v, key=(lambda d: d["status"]) if name == "jobs_by_status" else
                      (lambda d: json.dumps(d, sort_keys=True)))
    return v


def _get_lists(client, refresh=True):
    out = {}
    for lst in ("fast", "long"):
        a = client.get("/vidjil/metrics/" + lst, query={"refresh": "true"} if refresh else None)
        assert a.status == 200 and a.header("content-type").startswith("application/json"), a
        j = a.json()
        assert j["list"] == lst and isinstance(j["metrics"], dict), j
        out[lst] = j
    return out


def test_metrics_user_reads_the_21_metrics_with_the_values_of_the_database(env):
    _, _, m = _metrics_user(env)
    data = _data_set(env)
    before = _expected(env)
    lists = _get_lists(m)
    after = _expected(env)  # a runner may finish a job meanwhile: each value is one of the two
    names = set(lists["fast"]["metrics"]) | set(lists["long"]["metrics"])
    assert names == set(NAMES["fast"]) | set(NAMES["long"]) and len(names) == 21, sorted(names)
    for lst in ("fast", "long"):
        assert sorted(lists[lst]["metrics"]) == sorted(NAMES[lst]), (lst, sorted(lists[lst]["metrics"]))
        for name, v in lists[lst]["metrics"].items():
            got = _norm(name, v)
            assert got in (before[name], after[name]), (name, got, before[name], after[name])
    # The test's own data set, as the per-group metrics must show it.
    def mine(name, **labels):
        rows = [r for r in lists["long"]["metrics"][name] if all(r[k] == v for k, v in labels.items())]
        return rows[0]["value"] if rows else 0
    g, role, cid = data["group"], data["role"], data["config"]
    assert mine("set_patients_by_groups", group_id=g, group=role) == 2
    assert mine("set_runs_by_groups", group_id=g) == 1 and mine("set_generics_by_groups", group_id=g) == 1
    assert mine("sequence_file_by_groups", group_id=g) == 3
    assert mine("results_file_by_config", config_id=cid) == 3
    assert mine("config_analysis_by_groups", config_id=cid, group_id=g) == 3
    assert lists["long"]["metrics"]["sequence_file_size_bytes"] >= 65


def test_long_metrics_are_cached_until_refreshed(env):
    _, _, m = _metrics_user(env)
    first = _get_lists(m)["long"]
    data = _data_set(env)
    cached = _get_lists(m, refresh=False)["long"]  # METRICS_CACHE_SECONDS (default 3600) not reached
    assert cached["computed_at"] == first["computed_at"], (first["computed_at"], cached["computed_at"])
    assert not [r for r in cached["metrics"]["set_patients_by_groups"] if r["group_id"] == data["group"]]
    row = env.sql("SELECT computed_at FROM vidjil_metrics_cache WHERE list = 'long'")
    assert int(row[0][0]) == first["computed_at"], row
    fresh = _get_lists(m)["long"]
    assert [r["value"] for r in fresh["metrics"]["set_patients_by_groups"] if r["group_id"] == data["group"]] == [2]


def test_metrics_are_refused_to_users_and_anonymous_and_allowed_to_admins(env):
    email, pw, _ = env.new_user()
    user = fx.login(env, email, pw)
    for lst in ("fast", "long"):
        a = user.get("/vidjil/metrics/" + lst)
        assert a.status == 403, a
        j = a.json()
        assert j["success"] == "false" and "metrics group" in j["message"] and "metrics" not in j, j
        anon = env.client().get("/vidjil/metrics/" + lst)
        assert anon.status in (303, 403) and b"user_count" not in anon.body, anon
        if anon.status == 303:
            assert anon.header("location").startswith("/vidjil/auth/login"), anon
        a = env.admin().get("/vidjil/metrics/" + lst)
        assert a.status == 200 and NAMES[lst][0] in a.json()["metrics"], a


def test_metrics_user_sees_no_set_and_no_data(env):
    email, _, m = _metrics_user(env)
    data = _data_set(env)
    p1 = data["sets"][0]
    # The sets exist and an administrator sees them; the metrics user sees none.
    admin = env.admin()
    listed = admin.get("/vidjil/sample_set/all", query={"type": "patient", "format": "json"}).json()
    assert p1 in [r["sample_set_id"] for r in listed["query"]], "the admin does not see the test set"
    # Shared with the public group too (its `read` row and its `access` row, model.md §2.4 step
    # 3): every user sees it, the metrics account (not a member of public) still does not.
    pub = int(_one(env, "SELECT id FROM auth_group WHERE role = 'public'"))
    for name in ("read", "access"):
        env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, ?, 'sample_set', ?)",
                pub, name, p1)
    try:
        other = fx.login(env, *env.new_user()[:2])
        seen = other.get("/vidjil/sample_set/all", query={"type": "patient", "format": "json"}).json()
        assert p1 in [r["sample_set_id"] for r in seen["query"]], "a public set is not listed for a user"
        for kind in ("patient", "run", "generic"):
            j = m.get("/vidjil/sample_set/all", query={"type": kind, "format": "json"}).json()
            assert j["query"] == [], (kind, j["query"][:3])
        a = m.post("/vidjil/default/get_data", query={"sample_set_id": p1, "config": data["config"]})
        assert a.json()["success"] == "false" and "clones" not in a.text, a
        a = m.get("/vidjil/sample_set/index", query={"id": p1, "format": "json"})
        assert a.status in (200, 403) and "M1" not in a.text and '"query"' not in a.text, a
    finally:
        env.sql("DELETE FROM auth_permission WHERE group_id = ? AND table_name = 'sample_set' AND record_id = ?", pub, p1)
    uid = int(_one(env, "SELECT id FROM auth_user WHERE email = ?", email))
    groups = [r[0] for r in env.sql("SELECT g.role FROM auth_membership x JOIN auth_group g ON g.id = x.group_id "
                                    "WHERE x.user_id = ?", uid)]
    assert groups == ["metrics"], groups
    perms = env.sql("SELECT COUNT(*) FROM auth_permission p JOIN auth_group g ON g.id = p.group_id WHERE g.role = 'metrics'")
    assert perms == [["0"]], perms


def test_metrics_user_command_refuses_an_account_of_another_group(env):
    email, pw, uid = env.new_user()
    conf = _conf_copy(env, METRICS_USER_EMAIL=email, METRICS_USER_PASSWORD="Metr1cs-Scrape-7qv!")
    try:
        p = _admin_cmd(env, conf, "metrics-user")
    finally:
        shutil.rmtree(os.path.dirname(conf))
    assert p.returncode == 1 and "member of group" in p.stderr, (p.stdout, p.stderr)
    mg = env.sql("SELECT COUNT(*) FROM auth_membership x JOIN auth_group g ON g.id = x.group_id "
                 "WHERE x.user_id = ? AND g.role = 'metrics'", uid)
    assert mg == [["0"]], mg


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
                    r'(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*)?\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$')
COMMENT = re.compile(r"^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (gauge|counter))$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def _parse_prometheus(text):
    """{(name, frozenset(labels)): value}; every line must be a sample, a HELP/TYPE line."""
    out = {}
    assert text.endswith("\n"), text[-50:]
    for line in text.splitlines():
        if line.startswith("#"):
            assert COMMENT.match(line), line
            continue
        mt = SAMPLE.match(line)
        assert mt, line
        labels = frozenset((k, v.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\"))
                           for k, v in LABEL.findall(mt.group(3) or ""))
        out[(mt.group(1), labels)] = float(mt.group(5))
    return out


def test_prometheus_needs_the_token_and_matches_the_json(env):
    token = "tok-" + env.unique("") + env.unique("")
    conf = _conf_copy(env, METRICS_TOKEN=token, METRICS_FAST_CACHE_SECONDS="3600", METRICS_CACHE_SECONDS="3600")
    try:
        # No token configured (the stack's own vidjil.conf): 404, also through nginx.
        a = env.cgi("metrics", "GET", "/metrics", headers={"Authorization": "Bearer " + token})
        assert a.status == 404 and a.json()["success"] == "false", a
        n = env.client().get("/metrics", headers={"Authorization": "Bearer x"})
        assert n.status == 404 and "METRICS_TOKEN" in n.text, n
        for hdr in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer " + token + "x"},
                    {"Authorization": "Basic " + token}, {"Authorization": token}):
            a = env.cgi("metrics", "GET", "/metrics", headers=hdr, conf=conf)
            assert a.status == 401 and "vidjil_" not in a.text, (hdr, a)
            assert a.header("www-authenticate").startswith("Bearer"), a
            assert token not in a.stderr, "the token was logged"
        _, _, m = _metrics_user(env)
        _data_set(env)
        lists = _get_lists(m)  # fills the cache the scrape reads (cache times of 3600 s in `conf`)
        a = env.cgi("metrics", "GET", "/metrics", headers={"Authorization": "Bearer " + token}, conf=conf)
        assert a.status == 200, a
        assert a.header("content-type") == "text/plain; version=0.0.4; charset=utf-8", a.header("content-type")
        assert token not in a.text and token not in a.stderr
        samples = _parse_prometheus(a.body.decode("utf-8"))
        for lst in ("fast", "long"):
            for name, v in lists[lst]["metrics"].items():
                if isinstance(v, list):
                    for item in v:
                        labels = frozenset((k, str(x)) for k, x in item.items() if k != "value")
                        assert samples.get(("vidjil_" + name, labels)) == item["value"], (name, item)
                    assert len([k for k in samples if k[0] == "vidjil_" + name]) == len(v), name
                else:
                    assert samples.get(("vidjil_" + name, frozenset())) == v, (name, v)
        queued = int(_one(env, "SELECT COUNT(*) FROM scheduler_task WHERE status = 'QUEUED'"))
        assert samples[("vidjil_jobs_queued", frozenset())] >= 0 and abs(samples[("vidjil_jobs_queued", frozenset())] - queued) <= 5
        for key in ("vidjil_jobs_running", "vidjil_jobs_failed_last_hour", "vidjil_metrics_scrape_seconds"):
            assert (key, frozenset()) in samples, key
        assert samples[("vidjil_disk_free_bytes", frozenset({("dir", "results")}))] > 0
        assert samples[("vidjil_disk_free_bytes", frozenset({("dir", "uploads")}))] > 0
        assert samples[("vidjil_metrics_age_seconds", frozenset({("list", "long")}))] < 3600
    finally:
        shutil.rmtree(os.path.dirname(conf))


def test_prometheus_failed_last_hour_and_runner_heartbeat(env):
    token = "tok-" + env.unique("")
    conf = _conf_copy(env, METRICS_TOKEN=token)
    host = env.unique("host-")
    try:
        def scrape():
            a = env.cgi("metrics", "GET", "/metrics", headers={"Authorization": "Bearer " + token}, conf=conf)
            assert a.status == 200, a
            return _parse_prometheus(a.body.decode("utf-8"))
        env.sql("INSERT INTO vidjil_runner_host (host, pid, heartbeat) VALUES (?, 1, UNIX_TIMESTAMP() - 100)", host)
        before = scrape()
        age = before[("vidjil_runner_heartbeat_age_seconds", frozenset({("host", host)}))]
        assert 100 <= age < 400, age
        # A job that failed 10 minutes ago counts, one that failed 2 hours ago does not.
        for minutes in (10, 120):
            env.sql("INSERT INTO scheduler_task (task_name, status) VALUES ('metrics-test', 'FAILED')")
            tid = fx.last_id(env, "scheduler_task")
            env.sql("INSERT INTO vidjil_job (task_id, kind, ended_at) VALUES (?, 'process', NOW() - INTERVAL ? MINUTE)",
                    tid, minutes)
        after = scrape()
        k = ("vidjil_jobs_failed_last_hour", frozenset())
        assert after[k] - before[k] == 1, (before[k], after[k])
    finally:
        env.sql("DELETE FROM vidjil_runner_host WHERE host = ?", host)
        env.sql("DELETE FROM scheduler_task WHERE task_name = 'metrics-test' AND status = 'FAILED'")
        shutil.rmtree(os.path.dirname(conf))


def test_init_db_creates_the_metrics_user_when_configured(env):
    """vidjil-admin init-db on an empty database (a private one, dropped after) with
    METRICS_USER_EMAIL / METRICS_USER_PASSWORD: the metrics group and its only member."""
    name = env.unique("metricsinit")
    env.sql("CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci" % name)
    env.sql("GRANT ALL PRIVILEGES ON %s.* TO 'vidjil'@'localhost'" % name)
    email, pw = env.unique("m") + "@lab.test", "Metr1cs-Scrape-7qv!"
    conf = _conf_copy(env, DB_NAME=name, METRICS_USER_EMAIL=email, METRICS_USER_PASSWORD=pw)
    try:
        assert _admin_cmd(env, conf, "migrate").returncode == 0
        p = subprocess.run([os.path.join(env.builddir, "vidjil-admin"), "init-db", "first@lab.test"], capture_output=True,
                           text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "VIDJIL_CONF": conf,
                                                        "VIDJIL_ADMIN_PASSWORD": "Adm1n-Metrics-Init-4kx!"})
        assert p.returncode == 0 and "metrics user " + email + " created" in p.stdout, (p.stdout, p.stderr)
        rows = env.sql("SELECT u.email, g.role FROM %s.auth_user u JOIN %s.auth_membership m ON m.user_id = u.id "
                       "JOIN %s.auth_group g ON g.id = m.group_id WHERE u.email = ?" % (name, name, name), email)
        assert rows == [[email, "metrics"]], rows
        perms = env.sql("SELECT COUNT(*) FROM %s.auth_permission p JOIN %s.auth_group g ON g.id = p.group_id "
                        "WHERE g.role = 'metrics'" % (name, name))
        assert perms == [["0"]], perms
        pw_hash = env.sql("SELECT password FROM %s.auth_user WHERE email = ?" % name, email)[0][0]
        assert pw not in pw_hash and pw_hash.startswith("$argon2"), "the password is not stored as a hash"
    finally:
        shutil.rmtree(os.path.dirname(conf))
        env.sql("DROP DATABASE IF EXISTS %s" % name)


def test_prometheus_answers_stale_figures_at_once_and_recomputes_them_after(env):
    """Cache times of 0 s: the scrape answers the cached lists as they are (a scrape never waits
    for the long list) and recomputes them once its answer is sent."""
    token = "tok-" + env.unique("")
    conf = _conf_copy(env, METRICS_TOKEN=token, METRICS_FAST_CACHE_SECONDS="0", METRICS_CACHE_SECONDS="0")
    try:
        _, _, m = _metrics_user(env)
        first = _get_lists(m)["long"]
        data = _data_set(env)

        def scrape():
            a = env.cgi("metrics", "GET", "/metrics", headers={"Authorization": "Bearer " + token}, conf=conf)
            assert a.status == 200, a
            return _parse_prometheus(a.body.decode("utf-8"))
        mine = [("group", data["role"]), ("group_id", str(data["group"]))]
        stale = scrape()
        assert ("vidjil_set_patients_by_groups", frozenset(mine)) not in stale, "computed during the scrape"
        computed = int(_one(env, "SELECT computed_at FROM vidjil_metrics_cache WHERE list = 'long'"))
        assert computed >= first["computed_at"]
        fresh = scrape()  # the list the first scrape recomputed after its answer
        assert fresh[("vidjil_set_patients_by_groups", frozenset(mine))] == 2, "not recomputed after the answer"
    finally:
        shutil.rmtree(os.path.dirname(conf))
