#!/usr/bin/env python3
"""300 simulated web clients polling notification/get_active_notifications (see bench/README-news).

For each FastCGI mode (fcgiwrap, spawn-fcgi) it starts a private stack on a free loopback port in
a temporary directory (scripts/vidjil-local), creates the users and their sessions directly in
the database, lets the administrator post a few notifications, then measures:
  * the database statements of a poll, from MariaDB's general log (cache fresh, and cache stale);
  * polls per second with the cache fresh, and with every user's cache stale.
The stack is always stopped and its directory removed. Not part of the tests.
Usage: bench/news-poll-bench.py [--builddir DIR] [--users 300] [--rounds 5] [--threads 8]
                                [--modes fcgiwrap,spawn-fcgi]
"""
import argparse
import hashlib
import http.client
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLL = "/vidjil/notification/get_active_notifications"


# --- a private stack (also used by bench/align-cgi-bench.py) ---------------------------------

class Stack:
    def __init__(self, builddir, mode):
        self.dir = tempfile.mkdtemp(prefix="vidjil-bench.")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.env = dict(os.environ, VIDJIL_LOCAL_DIR=self.dir, VIDJIL_PORT=str(self.port), VIDJIL_BUILD_DIR=builddir,
                        VIDJIL_FCGI_MODE=mode, VIDJIL_DEMO="0")

    def __enter__(self):
        try:
            subprocess.run([os.path.join(SRCDIR, "scripts", "vidjil-local"), "start"], env=self.env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except BaseException:
            self.__exit__()
            raise
        creds = dict(l.split(" ", 1) for l in open(os.path.join(self.dir, "etc", "admin-credentials")).read().splitlines())
        self.admin_email, self.admin_password = creds["email"], creds["password"]
        return self

    def __exit__(self, *exc):
        subprocess.run([os.path.join(SRCDIR, "scripts", "vidjil-local"), "stop"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def sql(self, query):
        out = subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(self.dir, "run", "mysql.sock"),
                              "-uroot", "-N", "-B", "vidjil", "-e", query], capture_output=True, text=True, check=True)
        return [l.split("\t") for l in out.stdout.splitlines()]

    def request(self, method, path, body=b"", headers=None, conn=None):
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        if conn is None:
            c.close()
        return r.status, r.getheader("Set-Cookie") or "", data


# --- setup ---------------------------------------------------------------------------------

def create_users(stack, n):
    """n users and one open session each (the token is what the browser's cookie would hold)."""
    now = int(time.time())
    tokens = [secrets.token_hex(32) for _ in range(n)]
    users = ",".join("('bench%d@bench.local', 'x', 'Bench', 'User%d')" % (i, i) for i in range(n))
    stack.sql("INSERT INTO auth_user (email, password, first_name, last_name) VALUES " + users)
    first = int(stack.sql("SELECT MIN(id) FROM auth_user WHERE email LIKE 'bench%@bench.local'")[0][0])
    rows = ",".join("('%s', %d, '%s', %d, %d, %d)" % (hashlib.sha256(t.encode()).hexdigest(), first + i,
                                                      "00000000-0000-4000-8000-%012d" % i, now, now, now + 43200)
                    for i, t in enumerate(tokens))
    stack.sql("INSERT INTO vidjil_session (token_hash, user_id, uuid, created, last_seen, expires) VALUES " + rows)
    return tokens


def post_notifications(stack, count):
    from urllib.parse import urlencode
    status, cookie, _ = stack.request("POST", "/vidjil/auth/submit",
                                      urlencode({"login": stack.admin_email, "password": stack.admin_password}).encode(),
                                      {"Content-Type": "application/x-www-form-urlencoded"})
    session = cookie.split(";")[0]
    for i in range(count):
        form = urlencode({"title": "Bench news %d" % i, "message_content": "Maintenance **%d**" % i,
                          "message_type": "header", "priority": "info", "expiration": "2999-12-31"}).encode()
        st, _, body = stack.request("POST", "/vidjil/notification/add_form", form,
                                    {"Content-Type": "application/x-www-form-urlencoded", "Cookie": session})
        assert b"notification added" in body, body


# --- measurements --------------------------------------------------------------------------

def poll_all(stack, tokens, rounds, threads):
    """Every user polls `rounds` times, over `threads` keep-alive connections; returns polls/s."""
    work = [t for _ in range(rounds) for t in tokens]
    errors = []

    def worker(part):
        conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=120)
        for t in part:
            conn.request("GET", POLL, headers={"Cookie": "vidjil_session=" + t})
            r = conn.getresponse()
            body = r.read()
            if r.status != 200 or not body.startswith(b"[{"):
                errors.append((r.status, body[:200]))
        conn.close()

    parts = [work[i::threads] for i in range(threads)]
    t0 = time.time()
    ths = [threading.Thread(target=worker, args=(p,)) for p in parts]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    elapsed = time.time() - t0
    if errors:
        raise SystemExit("poll errors: %r" % errors[:3])
    return len(work) / elapsed


def statements_per_poll(stack, tokens, stale):
    """Statements the programs send to MariaDB for one poll, from the general log."""
    sample = tokens[:20]
    if stale:
        stack.sql("UPDATE vidjil_news_version SET version = version + 1")
    stack.sql("SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1")
    try:
        for t in sample:
            stack.request("GET", POLL, headers={"Cookie": "vidjil_session=" + t})
    finally:
        stack.sql("SET GLOBAL general_log = 0")
    rows = stack.sql("SELECT command_type, REPLACE(CONVERT(argument USING utf8mb4), '\\n', ' ') "
                     "FROM mysql.general_log WHERE user_host LIKE 'vidjil[%'")
    kinds = {}
    for command, arg in rows:
        if command in ("Execute", "Query"):
            if "vidjil_news_cache" in arg and arg.startswith("INSERT"):
                key = "news cache store"
            elif "vidjil_news" in arg:
                key = "news cache lookup"
            elif "FROM notification" in arg:
                key = "notification scan"
            elif "vidjil_session" in arg:
                key = "session " + arg.split()[0]
            elif "auth_user" in arg:
                key = "session user"
            else:
                key = " ".join(arg.split()[:3])
        else:
            key = "(" + command + ")"
        kinds[key] = kinds.get(key, 0) + 1
    return {k: v / len(sample) for k, v in sorted(kinds.items())}


def innodb_rows_read(stack):
    """Rows read by the storage engines (index and table reads), all tables together."""
    return sum(int(v) for _, v in stack.sql("SHOW GLOBAL STATUS LIKE 'Handler_read%'"))


def run_mode(args, mode):
    with Stack(args.builddir, mode) as stack:
        tokens = create_users(stack, args.users)
        post_notifications(stack, 3)
        poll_all(stack, tokens, 1, args.threads)  # warm-up: fills every user's cache
        print("== %s: %d users, %d threads" % (mode, args.users, args.threads))
        for stale in (False, True):
            per = statements_per_poll(stack, tokens, stale)
            print("  statements per poll, cache %s: %s" % ("stale" if stale else "fresh",
                                                          ", ".join("%s %.2f" % kv for kv in per.items())))
        poll_all(stack, tokens, 1, args.threads)
        before = innodb_rows_read(stack)
        rate = poll_all(stack, tokens, args.rounds, args.threads)
        rows = (innodb_rows_read(stack) - before) / (args.rounds * len(tokens))
        print("  cache fresh: %.0f polls/s (%d polls), %.1f rows read per poll" %
              (rate, args.rounds * len(tokens), rows))
        stack.sql("UPDATE vidjil_news_version SET version = version + 1")
        before = innodb_rows_read(stack)
        rate = poll_all(stack, tokens, 1, args.threads)
        rows = (innodb_rows_read(stack) - before) / len(tokens)
        print("  cache stale (one recomputation per user): %.0f polls/s, %.1f rows read per poll" % (rate, rows))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--builddir", default=os.environ.get("VIDJIL_BUILD_DIR", SRCDIR))
    p.add_argument("--users", type=int, default=300)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--modes", default="fcgiwrap,spawn-fcgi")
    args = p.parse_args()
    for mode in args.modes.split(","):
        run_mode(args, mode)


if __name__ == "__main__":
    sys.exit(main())
