"""The schema check at program start (package area): a program built with migrations the
database has not applied answers 503 "run vidjil-admin migrate" instead of half-serving; the
runner says it once and exits non-zero; an unconfigured runner says so in one line and exits 0.
Every test works on a scratch database of its own (the run's database is never touched)."""
import os
import shutil
import subprocess
import tempfile

import vtest

MESSAGE = "database schema is older than this server: run vidjil-admin migrate"


class Scratch:
    """A database of its own, migrated, with a configuration pointing to it."""

    def __init__(self, env):
        self.env = env
        self.db = "vschema_" + env.unique("")
        self.dir = tempfile.mkdtemp(prefix="vidjil-schema-")
        self.root_sql("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; "
                      "GRANT ALL PRIVILEGES ON `%s`.* TO 'vidjil'@'localhost'" % (self.db, self.db))
        self.conf = os.path.join(self.dir, "vidjil.conf")
        with open(self.conf, "w") as f:
            f.write(open(env.conf).read() + "\nDB_NAME = %s\n" % self.db)
        m = self.tool("vidjil-admin", "migrate")
        assert m.returncode == 0, m.stderr

    def root_sql(self, query):
        return subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(self.env.state, "run", "mysql.sock"),
                               "-uroot", "-N", "-B", "-e", query], capture_output=True, text=True, check=True).stdout

    def tool(self, name, *args, conf=None):
        env = dict(os.environ, VIDJIL_CONF=conf or self.conf, VIDJIL_SQL_DIR=os.path.join(self.env.srcdir, "sql"))
        return subprocess.run([os.path.join(self.env.builddir, name)] + list(args), env=env,
                              capture_output=True, text=True, timeout=60)

    def close(self):
        self.root_sql("DROP DATABASE IF EXISTS `%s`" % self.db)
        shutil.rmtree(self.dir, ignore_errors=True)


def last_migration(env):
    files = sorted(f for f in os.listdir(os.path.join(env.srcdir, "sql")) if f[:3].isdigit() and f.endswith(".sql"))
    return files[-1][:3]


def test_programs_refuse_a_schema_older_than_the_binaries(env):
    s = Scratch(env)
    try:
        a = env.cgi("default", "GET", "/vidjil/default/whoami", conf=s.conf)
        assert a.status != 503, (a.status, a.text)  # migrated: served (a login redirect)
        last = last_migration(env)
        s.root_sql("DELETE FROM `%s`.vidjil_schema_version WHERE version = %d" % (s.db, int(last, 10)))
        for program, path in (("default", "/vidjil/default/whoami"), ("sample_set", "/vidjil/sample_set/all"),
                              ("auth", "/vidjil/auth/login")):
            a = env.cgi(program, "GET", path, conf=s.conf)
            assert a.status == 503, (program, a.status, a.text)
            assert a.json() == {"success": "false", "message": MESSAGE}, a.text
            assert a.header("retry-after") == "30"
        # The log names what is missing, once per process.
        assert a.stderr.count(MESSAGE) == 1, a.stderr
        assert "migrations not applied: %s" % last in a.stderr, a.stderr
        # The runner: one line, exit status 1, no job touched.
        r = s.tool("vidjil-runner", "--once")
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert r.stderr.count(MESSAGE) == 1, r.stderr
        # `vidjil-admin migrate` puts it right, without restarting anything.
        m = s.tool("vidjil-admin", "migrate")
        assert m.returncode == 0, m.stderr
        a = env.cgi("default", "GET", "/vidjil/default/whoami", conf=s.conf)
        assert a.status != 503, (a.status, a.text)
        assert s.tool("vidjil-runner", "--once").returncode == 0
    finally:
        s.close()


def test_never_migrated_database_is_refused_too(env):
    s = Scratch(env)
    try:
        s.root_sql("DROP TABLE `%s`.vidjil_schema_version" % s.db)
        a = env.cgi("default", "GET", "/vidjil/default/whoami", conf=s.conf)
        assert a.status == 503 and a.json()["message"] == MESSAGE, (a.status, a.text)
    finally:
        s.close()


def test_unconfigured_runner_says_so_in_one_line_and_exits_0(env):
    s = Scratch(env)
    granted = False
    try:
        missing = os.path.join(s.dir, "absent", "vidjil.conf")
        r = s.tool("vidjil-runner", "--once", conf=missing)
        assert r.returncode == 0, (r.returncode, r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        assert len(lines) == 1 and "not configured yet" in lines[0] and missing in lines[0], r.stderr
        assert "ERROR" not in r.stderr.upper(), r.stderr
        # The shipped configuration (DB_PASSWORD = CHANGE_ME) is not configured either.
        shipped = os.path.join(s.dir, "shipped.conf")
        shutil.copy(os.path.join(env.srcdir, "etc", "vidjil.conf"), shipped)
        r = s.tool("vidjil-runner", "--watch", conf=shipped)
        assert r.returncode == 0 and "not configured yet: DB_PASSWORD" in r.stderr, (r.returncode, r.stderr)
        assert len([l for l in r.stderr.splitlines() if l.strip()]) == 1, r.stderr
        # A database not created yet (the user and its grant are, as README.Debian does it).
        s.root_sql("GRANT ALL PRIVILEGES ON `%s_absent`.* TO 'vidjil'@'localhost'" % s.db)
        granted = True
        nodb = os.path.join(s.dir, "nodb.conf")
        with open(nodb, "w") as f:
            f.write(open(s.conf).read() + "\nDB_NAME = %s_absent\n" % s.db)
        r = s.tool("vidjil-runner", "--once", conf=nodb)
        assert r.returncode == 0 and "does not exist" in r.stderr, (r.returncode, r.stderr)
        assert len([l for l in r.stderr.splitlines() if l.strip()]) == 1, r.stderr
    finally:
        if granted:
            s.root_sql("REVOKE ALL PRIVILEGES ON `%s_absent`.* FROM 'vidjil'@'localhost'" % s.db)
        s.close()
