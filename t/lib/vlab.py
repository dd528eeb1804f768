"""A scratch vidjil-server installation inside the test stack's MariaDB: a database of its own
(created by `vidjil-admin migrate`), its own DIR_RESULTS / DIR_SEQUENCES / DIR_TMP and a
configuration pointing to them, for the tests of backup/restore, export/import and clonedb."""
import hashlib
import os
import shutil
import subprocess
import tempfile


class Lab:
    def __init__(self, env, prefix="vlab_"):
        self.env = env
        self.db = prefix + env.unique("")
        self.dir = tempfile.mkdtemp(prefix="vidjil-lab-")
        self.results = os.path.join(self.dir, "results")
        self.uploads = os.path.join(self.dir, "uploads")
        self.tmp = os.path.join(self.dir, "tmp")
        for d in (self.results, self.uploads, self.tmp):
            os.makedirs(d)
        self.conf = os.path.join(self.dir, "vidjil.conf")
        with open(self.conf, "w") as f:
            f.write(open(env.conf).read() + "\nDB_NAME = %s\nDIR_RESULTS = %s\nDIR_SEQUENCES = %s\nDIR_TMP = %s\n"
                    "DIR_WORK = %s/work\nX_ACCEL_RESULTS =\n" % (self.db, self.results, self.uploads, self.tmp,
                                                                   self.results))
        self.create_database()

    def create_database(self):
        self.root_sql("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; "
                      "GRANT ALL PRIVILEGES ON `%s`.* TO 'vidjil'@'localhost'" % (self.db, self.db))
        m = self.admin("migrate")
        assert m.returncode == 0, m.stderr

    def wipe(self):
        """Drops and re-creates (migrates) the database, empties the data directories."""
        self.root_sql("DROP DATABASE `%s`" % self.db)
        for d in (self.results, self.uploads):
            shutil.rmtree(d)
            os.makedirs(d)
        self.create_database()

    def root_sql(self, query):
        return subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(self.env.state, "run", "mysql.sock"),
                               "-uroot", "-N", "-B", "-e", query], capture_output=True, text=True, check=True,
                              errors="surrogateescape").stdout  # binary columns (sql/062's name keys) kept byte for byte

    def sql(self, query):
        return [line.split("\t") for line in self.root_sql("USE `%s`; %s" % (self.db, query)).splitlines()]

    def admin(self, *args, env=None):
        e = dict(os.environ, VIDJIL_CONF=self.conf, VIDJIL_SQL_DIR=os.path.join(self.env.srcdir, "sql"))
        e.update(env or {})
        return subprocess.run([os.path.join(self.env.builddir, "vidjil-admin")] + list(args), env=e,
                              capture_output=True, text=True, timeout=300)

    def init(self):
        r = self.admin("init-db", "admin-%s@lab.test" % self.env.unique(),
                       env={"VIDJIL_ADMIN_PASSWORD": "Lab-Admin-Passw0rd!93kq"})  # fixed: random ones fail cracklib 1 in 500
        assert r.returncode == 0, r.stderr

    def tables(self):
        return [r[0] for r in self.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                                       "AND table_type = 'BASE TABLE' ORDER BY table_name")]

    def all_rows(self):
        """Every row of every table, as sorted lists of tab-separated texts."""
        return {t: sorted(self.root_sql("USE `%s`; SELECT * FROM `%s`" % (self.db, t)).splitlines())
                for t in self.tables()}

    def count(self, table):
        return int(self.sql("SELECT COUNT(*) FROM `%s`" % table)[0][0])

    def files(self):
        """{relative path under the lab dir: sha256 or 'link:target'} of results and uploads."""
        out = {}
        for top in (self.results, self.uploads):
            for root, dirs, names in os.walk(top):
                for n in names:
                    p = os.path.join(root, n)
                    rel = os.path.relpath(p, self.dir)
                    if os.path.islink(p):
                        out[rel] = "link:" + os.readlink(p)
                    else:
                        out[rel] = hashlib.sha256(open(p, "rb").read()).hexdigest()
        return out

    def close(self):
        self.root_sql("DROP DATABASE IF EXISTS `%s`" % self.db)
        shutil.rmtree(self.dir, ignore_errors=True)
