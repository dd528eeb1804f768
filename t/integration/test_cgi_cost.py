"""What one CGI request (a process per request, as under fcgiwrap) costs the database link
(issue 13): every statement prepared and executed in one round trip, no statement closed one by
one before the process ends. The figures are in bench/README-get-data; these tests check the
counts, which do not depend on the machine's load."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
import vtest  # noqa: E402


def _cgi_env(env, path, cookie):
    return {"PATH": "/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
            "DOCUMENT_URI": path, "REQUEST_URI": path, "QUERY_STRING": "", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:%d" % env.port, "SERVER_NAME": "127.0.0.1", "VIDJIL_CONF": env.conf,
            "HTTP_COOKIE": cookie}


def _whoami_logged(env, wrapper=()):
    """Runs whoami once as a CGI with MariaDB's general log on; returns (answer bytes, the
    commands of the request's connection as (command_type, argument))."""
    email, pw, uid, c = fx.new_lab_user(env, run=False)
    cookie = fx.cookie(c)
    env.sql("SET GLOBAL log_output = 'TABLE'")
    env.sql("TRUNCATE mysql.general_log")
    env.sql("SET GLOBAL general_log = 1")
    try:
        p = subprocess.run(list(wrapper) + [os.path.join(env.builddir, "cgi-bin", "default")],
                           env=_cgi_env(env, "/vidjil/default/whoami", cookie), capture_output=True, timeout=120)
    finally:
        env.sql("SET GLOBAL general_log = 0")
    rows = env.sql("SELECT thread_id, command_type, REPLACE(CONVERT(argument USING utf8mb4), '\\n', ' ') "
                   "FROM mysql.general_log WHERE user_host LIKE 'vidjil[%' ORDER BY event_time")
    # The request's connection: the one that read the session (nothing else runs meanwhile, but
    # keep to that thread in case).
    threads = {r[0] for r in rows if "vidjil_session" in r[2]}
    assert len(threads) == 1, rows
    assert b'"email": "' + email.encode() + b'"' in p.stdout, (p.stdout, p.stderr)
    return p, [(r[1], r[2]) for r in rows if r[0] in threads]


def test_cgi_request_closes_no_statement_one_by_one(env):
    _, cmds = _whoami_logged(env)
    kinds = [k for k, _ in cmds]
    # Closing each statement before the link would be one command each for nothing: the server
    # frees a session's statements when it ends (Quit).
    assert "Close stmt" not in kinds, cmds
    assert kinds[-1] == "Quit", cmds
    assert kinds.count("Prepare") == kinds.count("Execute") >= 3, cmds


def test_cgi_request_one_round_trip_per_statement(env):
    if not shutil.which("strace"):
        raise vtest.Skip("strace is not installed")
    out = tempfile.mktemp(prefix="vidjil-strace-")
    try:
        p, cmds = _whoami_logged(env, wrapper=("strace", "-f", "-qq", "-e", "trace=sendto,sendmsg", "-o", out))
        sends = [l for l in open(out).read().splitlines() if "sendto(" in l or "sendmsg(" in l]
    finally:
        if os.path.exists(out):
            os.unlink(out)
    statements = sum(1 for k, _ in cmds if k == "Prepare")
    others = sum(1 for k, _ in cmds if k not in ("Connect", "Prepare", "Execute", "Quit"))  # SET sql_mode
    # One send for the authentication, one per statement (prepare and execute together), one per
    # other command, one for Quit: a prepare sent apart from its execute would add one each.
    assert statements >= 3, cmds
    assert len(sends) == 1 + statements + others + 1, (len(sends), sends, cmds)
