"""End-to-end tests of sessions, login, lockout, CSRF/CORS and registration through the real
nginx and FastCGI programs (run once with fcgiwrap and once with persistent spawn-fcgi)."""
import json
import os
import subprocess
import time

import vtest


def _admin_cmd(env, *args):
    return subprocess.run([os.path.join(env.builddir, "vidjil-admin")] + list(args), capture_output=True, text=True,
                          env={"VIDJIL_CONF": env.conf, "PATH": "/usr/bin:/bin"})


def test_login_whoami_logout(env):
    c = env.client()
    assert c.get("/vidjil/auth/login").status == 200
    a = c.login(env.admin_email, env.admin_password)
    assert a.status == 200 and a.json()["user_id"] == 1
    w = c.get("/vidjil//default/whoami")  # the clients' double slash
    assert w.status == 200 and w.json()["email"] == env.admin_email and w.json()["admin"] is True
    assert c.post("/vidjil/default/home.html").json() == {"redirect": "/vidjil/admin/index"}
    out = c.post("/vidjil/auth/logout")
    assert out.json() == {"redirect": "/vidjil/default/home.html"}
    after = c.get("/vidjil/default/whoami")
    assert after.status == 303 and after.header("location").startswith("/vidjil/auth/login?next="), after


def test_unauthenticated_gets_303_to_login_or_403_for_json(env):
    c = env.client()
    a = c.post("/vidjil/default/home.html")
    assert a.status == 303 and a.header("location") == "/vidjil/auth/login?next=%2Fvidjil%2Fdefault%2Fhome.html", a
    b = c.get("/vidjil/default/whoami", headers={"Accept": "application/json"})
    assert b.status == 403 and b.body == b""


def test_ordinary_user_home_and_whoami(env):
    email, pw, uid = env.new_user(first="Ana", last="Lab")
    c = env.client()
    assert c.login(email, pw).json()["user_id"] == uid
    assert c.post("/vidjil/default/home.html").json() == {"redirect": "/vidjil/sample_set/all?type=patient&page=0"}
    w = c.get("/vidjil/default/whoami").json()
    assert w["admin"] is False and w["id"] == uid
    assert [g["role"] for g in w["groups"]] == ["user_%04d" % uid], w


def test_no_state_leaks_between_requests(env):
    """With persistent processes, the next anonymous request must not see the previous user."""
    c = env.admin()
    for _ in range(3):
        assert c.get("/vidjil/default/whoami").status == 200
        assert env.client().get("/vidjil/default/whoami").status == 303


def test_lockout_after_max_wrong_passwords_and_unlock(env):
    email, pw, uid = env.new_user()
    c = env.client()
    for i in range(5):
        assert c.login(email, "wrong-%d" % i).json()["error"] == "Invalid Credentials"
    locked = c.login(email, pw).json()
    assert locked["user_id"] is None and "Invalid Credentials" in locked["error"] and "try again" in locked["error"], locked
    assert env.sql("SELECT COUNT(*) FROM auth_event WHERE description LIKE ?", "Account " + email + " locked%") == [["1"]]
    out = _admin_cmd(env, "unlock", email)
    assert out.returncode == 0, out.stderr
    assert c.login(email, pw).json()["user_id"] == uid
    assert env.sql("SELECT COUNT(*) FROM auth_event WHERE user_id = ? AND description = ?", uid,
                   "User %d Logged-in" % uid) == [["1"]]


def test_unknown_email_is_throttled_like_a_real_one(env):
    c = env.client()
    ghost = env.unique("ghost") + "@lab.test"
    answers = [c.login(ghost, "x").json()["error"] for _ in range(6)]
    assert answers[:5] == ["Invalid Credentials"] * 5 and "try again" in answers[5], answers


def test_idle_and_absolute_session_expiry(env):
    c = env.admin()
    assert c.get("/vidjil/default/whoami").status == 200
    token = c.cookies["vidjil_session"]
    import hashlib
    h = hashlib.sha256(token.encode()).hexdigest()
    assert env.sql("SELECT COUNT(*) FROM vidjil_session WHERE token_hash = ?", h) == [["1"]]
    assert token not in str(env.sql("SELECT token_hash FROM vidjil_session"))  # only the hash is stored
    env.sql("UPDATE vidjil_session SET last_seen = last_seen - 7200 WHERE token_hash = ?", h)
    assert c.get("/vidjil/default/whoami").status == 303
    assert env.sql("SELECT COUNT(*) FROM vidjil_session WHERE token_hash = ?", h) == [["0"]]
    c2 = env.admin()
    h2 = hashlib.sha256(c2.cookies["vidjil_session"].encode()).hexdigest()
    env.sql("UPDATE vidjil_session SET expires = ? WHERE token_hash = ?", int(time.time()) - 1, h2)
    assert c2.get("/vidjil/default/whoami").status == 303


def test_session_rotates_at_login(env):
    c = env.admin()
    first = c.cookies["vidjil_session"]
    c.login(env.admin_email, env.admin_password)
    second = c.cookies["vidjil_session"]
    assert first != second
    stale = env.client()
    stale.cookies["vidjil_session"] = first
    assert stale.get("/vidjil/default/whoami").status == 303


def test_csrf_cross_site_requests_are_refused(env):
    c = env.admin()
    evil = {"Origin": "https://evil.example"}
    a = c.post("/vidjil/auth/logout", headers=evil)
    assert a.status == 403 and "not an allowed Vidjil client" in a.json()["message"], a
    assert a.header("access-control-allow-origin") == ""
    assert c.get("/vidjil/default/whoami").status == 200  # the logout did not happen
    b = c.post("/vidjil/auth/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert b.status == 403
    d = c.post("/vidjil/auth/logout", headers={"Referer": "https://evil.example/attack.html"})
    assert d.status == 403
    # A forged login (login CSRF) is refused too.
    e = env.client().post("/vidjil/auth/submit", headers=evil, form=[("login", env.admin_email),
                                                                     ("password", env.admin_password)])
    assert e.status == 403 and "vidjil_session" not in e.header("set-cookie")


def test_cors_allow_list_and_same_origin(env):
    c = env.admin()
    allowed = "http://localhost:%d" % env.port  # in CLIENT_ORIGINS of the test configuration
    a = c.get("/vidjil/default/whoami", headers={"Origin": allowed, "Sec-Fetch-Site": "same-site"})
    assert a.status == 200
    assert a.header("access-control-allow-origin") == allowed and a.header("access-control-allow-credentials") == "true"
    assert "Origin" in a.header("vary")
    same = c.get("/vidjil/default/whoami", headers={"Origin": "http://127.0.0.1:%d" % env.port})
    assert same.status == 200
    pre = c.request("OPTIONS", "/vidjil/default/whoami", headers={"Origin": allowed,
                                                                  "Access-Control-Request-Method": "POST"})
    assert pre.status == 204 and pre.header("access-control-allow-origin") == allowed
    bad = c.request("OPTIONS", "/vidjil/default/whoami", headers={"Origin": "https://evil.example"})
    assert bad.status == 403 and bad.header("access-control-allow-origin") == ""
    # Python API client: no Origin, no Referer, no Fetch-Metadata: works.
    assert c.get("/vidjil/default/whoami").status == 200


def test_security_headers(env):
    a = env.client().get("/vidjil/auth/login")
    assert a.header("x-content-type-options") == "nosniff"
    assert "frame-ancestors 'none'" in a.header("content-security-policy")
    assert a.header("referrer-policy") and a.header("cache-control") == "no-store"
    assert a.header("server") == "nginx"  # no version


def test_registration_is_admin_only(env):
    email, pw, uid = env.new_user()
    c = env.client()
    c.login(email, pw)
    last = env.unique("Intruder")
    form = [("first_name", "Eve"), ("last_name", last), ("email", env.unique("eve") + "@lab.test"),
            ("password", "Str0ng-Passw0rd!"), ("confirm_password", "Str0ng-Passw0rd!")]
    a = c.post("/vidjil/auth/register_form", form=form, multipart=True)
    assert a.json()["success"] == "false" and "access denied" in a.json()["message"], a
    anon = env.client().post("/vidjil/auth/register_form", form=form, multipart=True)
    assert anon.status == 303
    assert env.client().get("/vidjil/auth/register").status == 303
    assert env.sql("SELECT COUNT(*) FROM auth_user WHERE last_name = ?", last) == [["0"]]
    admin = env.admin()
    page = admin.get("/vidjil/auth/register")
    assert 'id="register_user"' in page.text and 'id="sign_up"' in page.text
    ok = admin.post("/vidjil/auth/register_form", form=form, multipart=True).json()
    assert ok["redirect"] == "back" and ok["message"].endswith("user added"), ok
    dup = admin.post("/vidjil/auth/register_form", form=form, multipart=True).json()
    assert dup["success"] == "false" and "already used" in dup["message"]
    weak = admin.post("/vidjil/auth/register_form", multipart=True, form=[
        ("first_name", "W"), ("last_name", "K"), ("email", env.unique("w") + "@lab.test"),
        ("password", "aaaaaaaaaaaa"), ("confirm_password", "aaaaaaaaaaaa")]).json()
    assert weak["success"] == "false" and "too easy to guess" in weak["message"], weak
    # The original's shapes: a mismatch alone, else the field errors as a JSON text.
    assert json.loads(weak["message"]).keys() == {"password"}, weak
    mismatch = admin.post("/vidjil/auth/register_form", multipart=True, form=[
        ("first_name", ""), ("last_name", "K"), ("email", "x"),
        ("password", "Str0ng-Passw0rd!"), ("confirm_password", "other")]).json()
    assert mismatch == {"success": "false", "message": "password fields must match"}, mismatch
    fields = admin.post("/vidjil/auth/register_form", multipart=True, form=[
        ("first_name", ""), ("last_name", "K"), ("email", "not-an-address"),
        ("password", "Str0ng-Passw0rd!"), ("confirm_password", "Str0ng-Passw0rd!")]).json()
    assert fields["success"] == "false" and json.loads(fields["message"]).keys() == {"first_name", "email"}, fields
    new = env.client()
    assert new.login(form[2][1], "Str0ng-Passw0rd!").json()["user_id"] == ok["user_id"]
    groups = env.sql("SELECT g.role FROM auth_membership m JOIN auth_group g ON g.id = m.group_id WHERE m.user_id = ? "
                     "ORDER BY g.role", ok["user_id"])
    assert groups == [["public"], ["user_%04d" % ok["user_id"]]], groups


def test_impersonation_is_for_admins_only(env):
    email, pw, uid = env.new_user()
    c = env.client()
    c.login(email, pw)
    a = c.post("/vidjil/default/impersonate", query={"id": 1, "next": "/vidjil/user/index"})
    assert a.json()["success"] == "false" and c.get("/vidjil/default/whoami").json()["id"] == uid
    admin = env.admin()
    r = admin.post("/vidjil/default/impersonate", query={"id": uid, "next": "https://evil.example/"})
    assert r.status == 303 and r.header("location") == "/vidjil/default/home.html", r  # no open redirect
    assert admin.get("/vidjil/default/whoami").json()["id"] == uid
    back = admin.post("/vidjil/default/stop_impersonate")
    assert back.json() == {"redirect": "reload"}
    assert admin.get("/vidjil/default/whoami").json()["id"] == 1


def test_password_change_needs_current_password_and_ends_other_sessions(env):
    email, pw, uid = env.new_user()
    a, b = env.client(), env.client()
    a.login(email, pw)
    b.login(email, pw)
    page = a.get("/vidjil/user/edit", query={"id": uid})
    assert 'id="current_password"' in page.text and 'action="DB_ADDRESS/user/edit_form"' in page.text
    new_pw = "An0ther-Passw0rd!"
    form = [("id", str(uid)), ("first_name", "Test"), ("last_name", "User"), ("email", ""),
            ("password", new_pw), ("confirm_password", new_pw)]
    bad = a.post("/vidjil/user/edit_form", form=form + [("current_password", "wrong")], multipart=True).json()
    assert bad["success"] == "false" and "current password" in bad["message"]
    ok = a.post("/vidjil/user/edit_form", form=form + [("current_password", pw)], multipart=True).json()
    assert ok["redirect"] == "back", ok
    assert a.get("/vidjil/default/whoami").status == 200  # the session that changed it stays
    assert b.get("/vidjil/default/whoami").status == 303  # every other session ended
    assert env.client().login(email, pw).json()["error"] == "Invalid Credentials"
    assert env.client().login(email, new_pw).json()["user_id"] == uid
    other, _, other_id = env.new_user()
    denied = a.post("/vidjil/user/edit_form", form=[("id", str(other_id)), ("first_name", "X"), ("last_name", "Y")],
                    multipart=True).json()
    assert denied == {"success": "false", "message": "access denied"}


def test_legacy_pbkdf2_password_logs_in_and_is_upgraded(env):
    email = env.unique("legacy") + "@lab.test"
    # pbkdf2_hmac('sha512', b'Vidjil-Lab-2024', b'b2ac6c047bcce393', 1000, 20): an imported account.
    env.sql("INSERT INTO auth_user (email, first_name, last_name, password, action_token) VALUES (?, 'Old', 'Account', ?, '')",
            email, "pbkdf2(1000,20,sha512)$b2ac6c047bcce393$a2b3fbc19ec8505e44ecb4ede960ef2b250ebb43")
    c = env.client()
    assert c.login(email, "Vidjil-Lab-2024").json()["error"] is None
    stored = env.sql("SELECT password FROM auth_user WHERE email = ?", email)[0][0]
    assert stored.startswith("$argon2id$"), stored
    assert env.client().login(email, "Vidjil-Lab-2024").json()["error"] is None


def test_database_restart_gives_503_then_recovers(env):
    sock = os.path.join(env.state, "run", "mysql.sock")
    subprocess.run(["mariadb", "--no-defaults", "--socket=" + sock, "-uroot", "-e", "SHUTDOWN"], check=True)
    pid = int(open(os.path.join(env.state, "run", "mysql.pid")).read())
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.1)
    a = env.client().get("/vidjil/auth/login")
    assert a.status == 503 and "database is unavailable" in a.json()["message"], a
    out = subprocess.run([os.path.join(env.srcdir, "scripts", "vidjil-local"), "start"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    c = env.admin()
    assert c.get("/vidjil/default/whoami").status == 200


def test_early_refusals_keep_their_message_with_a_large_body(env):
    """An answer given before the body is read (refused origin, wrong method, unknown route)
    reaches the client intact even when the body is larger than a pipe buffer."""
    body = b"x" * (2 << 20)
    c = env.admin()
    a = c.post("/vidjil/auth/logout", body=body, content_type="text/plain", headers={"Origin": "https://evil.example"})
    assert a.status == 403 and "not an allowed" in a.json()["message"], a
    b = c.post("/vidjil/default/nothing", body=body, content_type="text/plain")
    assert b.status == 404, b
    d = c.request("PUT", "/vidjil/default/whoami", body=body, content_type="text/plain")
    assert d.status == 405 and d.json()["success"] == "false", d
