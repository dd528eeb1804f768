"""Integration tests of the auth, default and user programs run as plain CGIs (the cgit way):
environment + stdin in, CGI answer out, against the test MariaDB."""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.parse

import vtest


def _login(env, email, password, multipart=True):
    if multipart:
        body, ctype = vtest.encode_multipart([("login", email), ("password", password)])
    else:
        body, ctype = urllib.parse.urlencode({"login": email, "password": password}).encode(), \
            "application/x-www-form-urlencoded"
    return env.cgi("auth", "POST", "/vidjil/auth/submit", body=body, content_type=ctype)


def _session_cookie(answer):
    for c in answer.headers.get("set-cookie", []):
        if c.startswith("vidjil_session=") and "Max-Age=0" not in c:
            return c.split(";")[0]
    return ""


def test_login_page_has_the_fields_the_clients_read(env):
    a = env.cgi("auth", "GET", "/vidjil/auth/login")
    assert a.status == 200 and a.header("content-type").startswith("text/html"), a
    for marker in ('id="data_form"', 'action="DB_ADDRESS/auth/submit"', 'login__label', 'name="login"',
                   'name="password"', 'id="submit_login"', 'id="login_messages"'):
        assert marker in a.text, marker
    assert "db_auth_name" not in a.text
    try:
        json.loads(a.text)
        raise AssertionError("a page must never parse as JSON")
    except ValueError:
        pass


def test_login_multipart_and_urlencoded_then_whoami(env):
    for multipart in (True, False):
        a = _login(env, env.admin_email, env.admin_password, multipart)
        j = a.json()
        assert a.status == 200 and j["error"] is None and j["user_id"] == 1, a
        assert j["redirect"] == "/vidjil/default/home.html"
        assert a.header("content-type").startswith("text/html")  # the web client's content-type trap
        cookie = _session_cookie(a)
        raw = [c for c in a.headers["set-cookie"] if c.startswith("vidjil_session=")][0]
        assert "HttpOnly" in raw and "SameSite=" in raw and "Path=/" in raw, raw
        assert "Secure" not in raw  # plain http: Secure only under https
        w = env.cgi("default", "GET", "/vidjil/default/whoami", cookie=cookie)
        wj = w.json()
        assert w.header("content-type") == "application/json"
        assert wj["id"] == 1 and wj["admin"] is True and wj["email"] == env.admin_email
        assert {"description": None, "id": "1", "role": "admin"} in wj["groups"], wj
        wf = env.cgi("default", "GET", "/vidjil/default/whoami", query="format=json", cookie=cookie)
        assert wf.header("content-type").startswith("text/html") and wf.json()["id"] == 1


def test_session_cookie_is_secure_under_https(env):
    body, ctype = vtest.encode_multipart([("login", env.admin_email), ("password", env.admin_password)])
    a = env.cgi("auth", "POST", "/vidjil/auth/submit", body=body, content_type=ctype, extra_env={"HTTPS": "on"})
    raw = [c for c in a.headers["set-cookie"] if c.startswith("vidjil_session=")][0]
    assert "Secure" in raw and "HttpOnly" in raw, raw


def test_wrong_password_gives_the_original_error_shape(env):
    email, _, _ = env.new_user()
    a = _login(env, email, "not-the-password")
    j = a.json()
    assert a.status == 200 and j["error"] == "Invalid Credentials" and j["user_id"] is None, a
    assert _session_cookie(a) == ""
    events = env.sql("SELECT description, client_ip FROM auth_event WHERE description LIKE ? ORDER BY id DESC LIMIT 1",
                     "Login failed for " + email)
    assert events and events[0][1] == "127.0.0.1", events
    assert not env.sql("SELECT id FROM auth_event WHERE description LIKE '%not-the-password%'")


def test_unknown_route_wrong_method_and_bad_input(env):
    assert env.cgi("auth", "GET", "/vidjil/auth/nothing").status == 404
    a = env.cgi("auth", "GET", "/vidjil/auth/submit")
    assert a.status == 405 and "not allowed" in a.json()["message"], a
    a = env.cgi("default", "GET", "/vidjil/default/init_db", query="x=%zz")
    assert a.status == 400 and a.json()["success"] == "false" and "escape" in a.json()["message"], a
    a = env.cgi("default", "GET", "/vidjil/default/init_db", query="x=%C3%28")
    assert a.status == 400 and "UTF-8" in a.json()["message"], a
    a = env.cgi("auth", "POST", "/vidjil/auth/submit", body=b"--b\r\nbroken", content_type="multipart/form-data; boundary=b")
    assert a.status == 400 and "form" in a.json()["message"], a
    a = env.cgi("auth", "POST", "/vidjil/auth/submit", body=b"x", content_type="multipart/form-data")
    assert a.status == 400 and "boundary" in a.json()["message"], a


def test_typed_parameters_are_validated_before_the_handler(env):
    cookie = _session_cookie(_login(env, env.admin_email, env.admin_password))
    a = env.cgi("user", "GET", "/vidjil/user/edit", query="id=abc", cookie=cookie)
    assert a.status == 400 and a.json()["message"] == "Parameter 'id' must be a positive whole number.", a
    a = env.cgi("user", "GET", "/vidjil/user/edit", query="id=" + "9" * 30, cookie=cookie)
    assert a.status == 400, a


def test_database_down_gives_503_without_details(env):
    tmp = tempfile.mkdtemp()
    try:
        conf = os.path.join(tmp, "vidjil.conf")
        text = open(env.conf).read()
        lines = [l for l in text.splitlines() if not l.startswith("DB_SOCKET")]
        lines.append("DB_SOCKET = " + os.path.join(tmp, "no-such.sock"))
        open(conf, "w").write("\n".join(lines) + "\n")
        a = env.cgi("auth", "GET", "/vidjil/auth/login", conf=conf)
        assert a.status == 503 and "database is unavailable" in a.json()["message"], a
        assert "sock" not in a.text and "mysql" not in a.text.lower()
        assert a.header("retry-after")
    finally:
        shutil.rmtree(tmp)


def test_config_with_default_password_is_refused(env):
    tmp = tempfile.mkdtemp()
    try:
        conf = os.path.join(tmp, "vidjil.conf")
        open(conf, "w").write("DB_PASSWORD = CHANGE_ME\n")
        a = env.cgi("auth", "GET", "/vidjil/auth/login", conf=conf)
        assert a.status == 503 and "not configured" in a.json()["message"], a
        assert "default value" in a.stderr  # the reason is in the server log, not in the answer
        assert "CHANGE_ME" not in a.text
    finally:
        shutil.rmtree(tmp)


def test_init_db_only_once_on_a_fresh_database(env):
    """A second, empty database: init_db shows the form, init_db_form creates exactly one admin
    even when two requests race, and never runs again."""
    db = env.unique("vidjil_empty_")
    env.sql("CREATE DATABASE %s" % db)
    env.sql("GRANT ALL PRIVILEGES ON %s.* TO 'vidjil'@'localhost'" % db)
    tmp = tempfile.mkdtemp()
    try:
        conf = os.path.join(tmp, "vidjil.conf")
        text = open(env.conf).read().replace("DB_NAME = vidjil", "DB_NAME = " + db)
        open(conf, "w").write(text)
        subprocess.run([os.path.join(env.builddir, "vidjil-admin"), "migrate"], check=True, capture_output=True,
                       env={"VIDJIL_CONF": conf, "VIDJIL_SQL_DIR": os.path.join(env.srcdir, "sql"), "PATH": "/usr/bin:/bin"})
        a = env.cgi("auth", "GET", "/vidjil/auth/login", conf=conf)
        assert a.json() == {"redirect": "/vidjil/default/init_db"}, a
        page = env.cgi("default", "GET", "/vidjil/default/init_db", conf=conf)
        assert 'action="DB_ADDRESS/default/init_db_form"' in page.text
        bad = env.cgi("default", "POST", "/vidjil/default/init_db_form", conf=conf,
                      body="email=x&password=short&confirm_password=other",
                      content_type="application/x-www-form-urlencoded").json()
        assert bad["success"] == "false" and "admin email" in bad["message"] and "match" in bad["message"], bad
        results = []

        def init(i):
            body = urllib.parse.urlencode({"email": "first%d@lab.test" % i, "password": "Init-Passw0rd!%d" % i,
                                           "confirm_password": "Init-Passw0rd!%d" % i})
            results.append(env.cgi("default", "POST", "/vidjil/default/init_db_form", conf=conf, body=body,
                                   content_type="application/x-www-form-urlencoded").json())
        threads = [threading.Thread(target=init, args=(i,)) for i in range(3)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert all(r == {"redirect": "vidjil/auth/login"} for r in results), results
        assert env.sql("SELECT COUNT(*) FROM %s.auth_user" % db) == [["1"]]
        assert env.sql("SELECT role FROM %s.auth_group ORDER BY id" % db) == [["admin"], ["user_0001"], ["public"]]
        assert env.sql("SELECT COUNT(*) FROM %s.config" % db) == [["8"]]
        assert env.sql("SELECT COUNT(*) FROM %s.tag" % db) == [["57"]]
        assert env.sql("SELECT COUNT(*) FROM %s.classification" % db) == [["6"]]
        assert env.sql("SELECT password LIKE '$argon2id$%%' FROM %s.auth_user" % db) == [["1"]]
        again = env.cgi("default", "GET", "/vidjil/default/init_db", conf=conf)
        assert again.json() == {"redirect": "vidjil/auth/login"}
    finally:
        shutil.rmtree(tmp)
        env.sql("DROP DATABASE %s" % db)


def test_migrate_is_idempotent(env):
    out = subprocess.run([os.path.join(env.builddir, "vidjil-admin"), "migrate"], capture_output=True, text=True,
                         env={"VIDJIL_CONF": env.conf, "VIDJIL_SQL_DIR": os.path.join(env.srcdir, "sql"),
                              "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0 and "already up to date" in out.stdout, out
    versions = env.sql("SELECT version FROM vidjil_schema_version ORDER BY version")
    assert versions[:2] == [["1"], ["2"]], versions
