"""Integration tests of password-guess throttling (per account and address, per account, per
address), of the password policy wherever a password is set, and of absolute URLs (BASE_URL),
through the CGI programs with chosen client addresses (REMOTE_ADDR; no network traffic)."""
import os
import subprocess
import tempfile
import uuid

import vtest


def _addr():
    # A documentation address (RFC 5737), unique per call: each test has its own counters.
    h = uuid.uuid4().int
    return "198.51.%d.%d" % ((h >> 8) % 256, h % 254 + 1)


def _conf(env, **overrides):
    """env.conf with some keys replaced; returns the path of a private copy."""
    lines = [l for l in open(env.conf).read().splitlines() if l.split("=")[0].strip() not in overrides]
    lines += ["%s = %s" % kv for kv in overrides.items()]
    fd, path = tempfile.mkstemp(prefix="authhard-", suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _login(env, email, password, addr, conf=None):
    body, ctype = vtest.encode_multipart([("login", email), ("password", password)])
    return env.cgi("auth", "POST", "/vidjil/auth/submit", body=body, content_type=ctype, conf=conf,
                   extra_env={"REMOTE_ADDR": addr})


def _cookie(answer):
    for c in answer.headers.get("set-cookie", []):
        if c.startswith("vidjil_session=") and "Max-Age=0" not in c:
            return c.split(";")[0]
    return ""


def _admin_cmd(env, *args, stdin=None, conf=None):
    return subprocess.run([os.path.join(env.builddir, "vidjil-admin")] + list(args), capture_output=True, text=True,
                          input=stdin, env={"VIDJIL_CONF": conf or env.conf, "PATH": "/usr/bin:/bin"})


def test_lock_is_per_account_and_address(env):
    email, pw, uid = env.new_user()
    attacker, owner = _addr(), _addr()
    for i in range(5):
        assert _login(env, email, "wrong-%d" % i, attacker).json()["error"] == "Invalid Credentials"
    locked = _login(env, email, pw, attacker).json()
    assert locked["user_id"] is None and "try again" in locked["error"], locked
    # Wrong passwords from one address do not lock the owner out of the account.
    assert _login(env, email, pw, owner).json()["user_id"] == uid
    assert env.sql("SELECT COUNT(*) FROM auth_event WHERE description LIKE ?",
                   "Account " + email + " locked from " + attacker + "%") == [["1"]]
    assert _admin_cmd(env, "unlock", email).returncode == 0
    assert _login(env, email, pw, attacker).json()["user_id"] == uid


def test_one_address_is_limited_across_accounts(env):
    conf = _conf(env, ADDRESS_MAX_WRONG_PASSWORDS=3)
    try:
        email, pw, uid = env.new_user()
        sprayer = _addr()
        for i in range(3):  # one guess on each of three (unknown) accounts: password spraying
            assert _login(env, env.unique("victim") + "@lab.test", "Summer-2024!", sprayer, conf).json()["error"] \
                == "Invalid Credentials"
        refused = _login(env, email, pw, sprayer, conf).json()
        assert refused["user_id"] is None and "try again" in refused["error"], refused
        assert _login(env, email, pw, _addr(), conf).json()["user_id"] == uid
        assert env.sql("SELECT COUNT(*) FROM auth_event WHERE description LIKE ?",
                       "Address " + sprayer + " locked%") == [["1"]]
        assert _admin_cmd(env, "unlock", sprayer, conf=conf).returncode == 0
        assert _login(env, email, pw, sprayer, conf).json()["user_id"] == uid
    finally:
        os.unlink(conf)


def test_account_backs_off_after_failures_from_many_addresses(env):
    conf = _conf(env, ACCOUNT_MAX_WRONG_PASSWORDS=4, ACCOUNT_LOCKOUT_TIME=600)
    try:
        email, pw, uid = env.new_user()
        usual = _addr()
        assert _login(env, email, pw, usual, conf).json()["user_id"] == uid
        ghost = env.unique("ghost") + "@lab.test"
        for i in range(4):  # a distributed guess: one failure from each of four addresses
            a = _addr()
            assert _login(env, email, "wrong-%d" % i, a, conf).json()["error"] == "Invalid Credentials"
            assert _login(env, ghost, "wrong-%d" % i, a, conf).json()["error"] == "Invalid Credentials"
        fresh = _addr()
        refused = _login(env, email, pw, fresh, conf).json()
        assert refused["user_id"] is None and "try again in 10 minute(s)" in refused["error"], refused
        # An unknown e-mail gives exactly the same answers (no account enumeration).
        assert _login(env, ghost, pw, fresh, conf).json() == refused
        ev = env.sql("SELECT description FROM auth_event WHERE description LIKE ?", "Account " + email + " refused%")
        assert ev == [["Account %s refused for 600 s after 4 failed logins from any address" % email]], ev
        # Refused attempts are not checked; once the delay is over, each failure doubles it.
        env.sql("UPDATE vidjil_auth_throttle SET locked_until = 0 WHERE email = ? AND address = ''", email)
        _login(env, email, "wrong-again", _addr(), conf)
        assert env.sql("SELECT COUNT(*) FROM auth_event WHERE description LIKE ?",
                       "Account " + email + " refused for 1200 s after 5 failed logins%") == [["1"]]
        out = _admin_cmd(env, "unlock", email, conf=conf)
        assert out.returncode == 0, out.stderr
        assert _login(env, email, pw, fresh, conf).json()["user_id"] == uid
        # The address the owner logged in from before is still let in during a back-off.
        for i in range(4):
            _login(env, email, "wrong-%d" % i, _addr(), conf)
        assert "try again" in _login(env, email, pw, _addr(), conf).json()["error"]
        assert _login(env, email, pw, usual, conf).json()["user_id"] == uid
    finally:
        os.unlink(conf)


def _edit_form(env, cookie, uid, addr, current, new_pw):
    body, ctype = vtest.encode_multipart([("id", str(uid)), ("first_name", "Test"), ("last_name", "User"),
                                          ("email", ""), ("password", new_pw), ("confirm_password", new_pw),
                                          ("current_password", current)])
    return env.cgi("user", "POST", "/vidjil/user/edit_form", body=body, content_type=ctype, cookie=cookie,
                   headers={"Origin": "http://127.0.0.1:%d" % env.port}, extra_env={"REMOTE_ADDR": addr})


def test_current_password_guesses_count_as_failed_logins(env):
    email, pw, uid = env.new_user()
    addr = _addr()
    cookie = _cookie(_login(env, email, pw, addr))
    assert cookie
    new_pw = "Fresh-Passw0rd!77"
    for i in range(5):
        bad = _edit_form(env, cookie, uid, addr, "guess-%d" % i, new_pw).json()
        assert bad["success"] == "false" and bad["message"] == "current password is wrong", bad
    refused = _edit_form(env, cookie, uid, addr, pw, new_pw).json()
    assert refused["success"] == "false" and "too many failed attempts" in refused["message"], refused
    assert env.sql("SELECT COUNT(*) FROM auth_event WHERE user_id = ? AND description = ?", uid,
                   "Current password check failed for " + email) == [["5"]]
    assert env.sql("SELECT COUNT(*) FROM auth_event WHERE description LIKE ?",
                   "Account " + email + " locked from " + addr + "%wrong current passwords") == [["1"]]
    # Same counters as logins: that address may not log in to the account either.
    assert "try again" in _login(env, email, pw, addr).json()["error"]
    assert _login(env, email, pw, _addr()).json()["user_id"] == uid


def test_weak_passwords_are_refused_everywhere_with_the_reason(env):
    admin = env.admin()
    cases = [("Password1", "at least 12 characters"),
             ("aaaaaaaaaaaa", "too easy to guess: it does not contain enough different characters"),
             ("password1234", "too easy to guess: it is based on a dictionary word"),
             ("x" * 129, "at most 128 characters")]
    for pw, why in cases:
        a = admin.post("/vidjil/auth/register_form", multipart=True, form=[
            ("first_name", "W"), ("last_name", "K"), ("email", env.unique("w") + "@lab.test"),
            ("password", pw), ("confirm_password", pw)]).json()
        assert a["success"] == "false" and why in a["message"], (pw, a)
    email, pw, uid = env.new_user()
    c = env.client()
    c.login(email, pw)
    a = c.post("/vidjil/user/edit_form", multipart=True, form=[
        ("id", str(uid)), ("first_name", "Test"), ("last_name", "User"), ("email", ""),
        ("password", "Password1"), ("confirm_password", "Password1"), ("current_password", pw)]).json()
    assert a["success"] == "false" and "at least 12 characters" in a["message"], a
    out = _admin_cmd(env, "set-password", email, stdin="aaaaaaaaaaaa\n")
    assert out.returncode != 0 and "too easy to guess" in out.stderr, out
    assert c.get("/vidjil/default/whoami").status == 200  # nothing changed, no session ended
    out = _admin_cmd(env, "set-password", email, stdin="Another-Lab-Passw0rd!9\n")
    assert out.returncode == 0, out.stderr
    out = _admin_cmd(env, "init-db", env.unique("root") + "@lab.test", stdin="Password1\n")
    assert out.returncode != 0 and "at least 12 characters" in out.stderr, out


def test_absolute_urls_never_come_from_the_host_header(env):
    email, pw, uid = env.new_user()
    cookie = _cookie(_login(env, email, pw, _addr()))
    a = env.cgi("admin", "GET", "/vidjil/admin/index", cookie=cookie, headers={"Host": "evil.example"})
    j = a.json()
    assert j["message"] == "access denied", a
    assert "evil.example" not in j["redirect"], j
    assert j["redirect"] == "http://127.0.0.1:%d/vidjil/sample_set/all?type=patient&page=0" % env.port, j
    # Without BASE_URL the redirect is relative.
    conf = _conf(env, BASE_URL="")
    try:
        j = env.cgi("admin", "GET", "/vidjil/admin/index", cookie=cookie, conf=conf,
                    headers={"Host": "evil.example"}).json()
        assert j["redirect"] == "/vidjil/sample_set/all?type=patient&page=0", j
    finally:
        os.unlink(conf)


def test_an_empty_login_counts_once_on_its_address(env):
    conf = _conf(env, ADDRESS_MAX_WRONG_PASSWORDS=3)
    try:
        email, pw, uid = env.new_user()
        addr = _addr()
        for _ in range(2):
            assert _login(env, "", "x", addr, conf).json()["error"] == "Invalid Credentials"
        assert _login(env, email, pw, addr, conf).json()["user_id"] == uid
    finally:
        os.unlink(conf)
