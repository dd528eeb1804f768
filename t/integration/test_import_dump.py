"""`vidjil-admin import-dump`: a lab moving over from the original server loads a data-only
mysqldump (`mysqldump -c --no-create-info`, the original's backup.sh format) into a database
just created by `vidjil-admin migrate`. The dump is written here, in mysqldump's shape, from
the original schema of model.md §1 (every table), with legacy password hashes."""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import urllib.parse

import vtest

PBKDF2_PW = "Vieux-Mot-de-passe-1"
DIGEST_PW = "Autre-ancien-42"

# model.md §1: every table of the original schema and its columns.
COLUMNS = {
    "auth_user": "id email password first_name last_name sso_id action_token last_password_change email__tmp "
                 "registration_key reset_password_key registration_id",
    "auth_group": "id role description",
    "auth_membership": "id user_id group_id",
    "auth_permission": "id group_id name table_name record_id",
    "group_assoc": "id first_group_id second_group_id",
    "auth_event": "id time_stamp client_ip user_id origin description",
    "auth_cas": "id user_id created_on service ticket renew",
    "auth_user_tag_groups": "id tagpath record_id",
    "sample_set": "id creator sample_type",
    "patient": "id first_name last_name birth info id_label creator sample_set_id",
    "run": "id name run_date info id_label creator sequencer pcr sample_set_id",
    "generic": "id name info creator sample_set_id",
    "pre_process": "id name command info",
    "classification": "id name info",
    "config": "id name program command fuse_command info classification",
    "sequence_file": "id patient_id sampling_date info filename pcr sequencer producer size_file size_file2 network "
                     "provider pre_process_id pre_process_result pre_process_flag pre_process_scheduler_task_id "
                     "data_file data_file2 pre_process_file",
    "sample_set_membership": "id sample_set_id sequence_file_id",
    "results_file": "id sequence_file_id config_id run_date scheduler_task_id hidden data_file",
    "fused_file": "id patient_id config_id sample_set_id fuse_date status sequence_file_list fused_file",
    "analysis_file": "id patient_id config_id sample_set_id analyze_date status analysis_file",
    "scheduler_task": "id application_name task_name group_name status broadcast function_name uuid args vars "
                      "enabled start_time next_run_time stop_time repeats retry_failed period prevent_drift "
                      "cronline timeout sync_output times_run times_failed last_run_time assigned_worker_name",
    "scheduler_run": "id task_id status start_time stop_time run_output run_result traceback worker_name",
    "scheduler_worker": "id worker_name first_heartbeat last_heartbeat status is_ticker group_names worker_stats",
    "scheduler_task_deps": "id job_name task_parent task_child can_visit",
    "notification": "id creator title message_content message_type priority expiration creation_datetime",
    "user_preference": "id user_id preference val",
    "user_log": "id user_id created msg table_name record_id",
    "tag": "id name",
    "group_tag": "id group_id tag_id",
    "tag_ref": "id tag_id table_name record_id",
}

FUSED_NAME = "fused_file.fused_file.84ac5fad20e80a84.3030303030312d31382e6675736564.fused"
FUSED = {"vidjil_json_version": "2016b", "samples": {"number": 1, "original_names": ["lymphocytes.fa"]},
         "reads": {"total": [1000], "segmented": [900], "germline": {"TRG": [900]}},
         "clones": [{"id": "CCCGGGTTTAAA-imported", "germline": "TRG", "reads": [500], "top": 1}]}


def _sql_literal(v):
    """A value the way mysqldump writes it."""
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    s = str(v)
    for a, b in (("\\", "\\\\"), ("\0", "\\0"), ("\n", "\\n"), ("\r", "\\r"), ("\x1a", "\\Z"), ("'", "\\'"),
                 ('"', '\\"')):
        s = s.replace(a, b)
    return "'" + s + "'"


def _rows():
    pbkdf2_salt = "a1b2c3d4e5f60718"
    pbkdf2 = "pbkdf2(1000,20,sha512)$%s$%s" % (
        pbkdf2_salt, hashlib.pbkdf2_hmac("sha512", PBKDF2_PW.encode(), pbkdf2_salt.encode(), 1000, 20).hex())
    digest_salt = "9f8e7d"
    digest = "sha512$%s$%s" % (digest_salt, hashlib.sha512((DIGEST_PW + digest_salt).encode()).hexdigest())
    now = "2024-05-02 10:11:12"
    cap = ["read", "admin", "upload", "run", "save", "anon", "create"]
    return {
        "auth_user": [
            (1, "admin@old-lab.fr", digest, "Ad", "Min", None, "", now, None, "", "", None),
            (2, "legacy@old-lab.fr", pbkdf2, "Zoë", "Łukasiewicz", None, "", None, None, "", "", None),
            (7, "digest@old-lab.fr", digest.replace(digest_salt, digest_salt, 1), "Dige", "St", "", "", None, None, "", "", None)],
        "auth_group": [(1, "admin", "Administrators"), (3, "public", "public group"), (4, "user_0002", "personal"),
                       (5, "user_0007", None), (9, "Hématologie", "l'équipe \"héma\"\nligne 2")],
        "auth_membership": [(1, 1, 1), (2, 2, 4), (3, 7, 5), (4, 2, 9)],
        "auth_permission": [(i + 1, 9, n, "sample_set", 0) for i, n in enumerate(cap)] +
                           [(20, 9, "access", "sample_set", 11), (21, 9, "access", "config", 2),
                            (22, 9, "access", "patient", 5), (23, 4, "create", "sample_set", 0),
                            (24, 1, "admin", "sample_set", 0)],
        "group_assoc": [(1, 9, 4)],
        "auth_event": [(1, now, "10.0.0.1", 2, "auth", "User 2 Logged-in")],
        "auth_cas": [(1, 2, now, "svc", "ticket", "F")],
        "auth_user_tag_groups": [(1, "/x/", 2)],
        "sample_set": [(11, 2, "patient"), (12, 2, "run"), (13, 2, "generic")],
        "patient": [(5, "Amélie", "Poulain-東京", "1970-01-01", "#MRD suivi", "P-5", 2, 11)],
        "run": [(3, "Run ⚗ 2019", "2019-03-04", "", "R3", 2, "MiSeq", "multiplex", 12)],
        "generic": [(4, "Set générique", "", 2, 13)],
        "pre_process": [(1, "merge", "flash2 &file1& &file2& -o &result&", "paired")],
        "classification": [(1, "tests", "")],
        "config": [(2, "multi+inc+xxx", "vidjil", "-c clones -3 -z 100 -r 1 -g germline/homo-sapiens.g -e 1 -w 50 -d",
                    "-t 100", "standard", 1)],
        "sequence_file": [(21, None, "2019-03-01", "#diag", "lymphocytes.fa", "multiplex", "MiSeq", "", 1234, 0,
                           "F", 2, None, None, None, None,
                           "sequence_file.data_file.ba2b37c7245410bc.6c796d70686f6379746573.fa", None, None)],
        "sample_set_membership": [(1, 11, 21), (2, 12, 21)],
        "results_file": [(31, 21, 2, now, 41, "F", "results_file.data_file.ba2b37c7245410bc.3030303030312e7669646a696c.txt")],
        "fused_file": [(51, None, 2, 11, now, "", "21_", FUSED_NAME)],
        "analysis_file": [(61, None, 2, 11, now, "", None)],
        "scheduler_task": [(41, "vidjil/default", "process", "main", "COMPLETED", "F", "run_process", "6a1e-uuid",
                            "[31, 2, 21]", "{}", "T", now, now, None, 1, 0, 60, "F", None, 3600, "F", 1, 0, now,
                            "worker-1")],
        "scheduler_run": [(1, 41, "COMPLETED", now, now, "stdout line 1\nline 2", "null", "", "worker-1")],
        "scheduler_worker": [(1, "worker-1", now, now, "ACTIVE", "T", "|main|", "{}")],
        "scheduler_task_deps": [(1, "job", 41, 41, "F")],
        "notification": [(1, 1, "Migration ✓", "**bienvenue**", "info", "login", "2099-01-01", now)],
        "user_preference": [(1, 2, "lang", "fr")],
        "user_log": [(1, 2, now, "view patient", "patient", 5)],
        "tag": [(1, "MRD")],
        "group_tag": [(1, 9, 1)],
        "tag_ref": [(1, 1, "patient", 5)],
    }


def _dump(rows, extra=""):
    out = ["-- MySQL dump 10.13  Distrib 5.7.44, for Linux (x86_64)", "--",
           "-- Host: mysql    Database: vidjil", "-- ------------------------------------------------------",
           "-- Server version\t5.7.44", "",
           "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
           "/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;",
           "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;",
           "/*!40101 SET NAMES utf8 */;", "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;",
           "/*!40103 SET TIME_ZONE='+00:00' */;",
           "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;",
           "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;",
           "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;",
           "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;", ""]
    for table in sorted(COLUMNS):  # mysqldump's order: by name, so children before parents
        cols = COLUMNS[table].split()
        out += ["--", "-- Dumping data for table `%s`" % table, "--", "",
                "LOCK TABLES `%s` WRITE;" % table, "/*!40000 ALTER TABLE `%s` DISABLE KEYS */;" % table]
        data = rows.get(table, [])
        if data:
            for r in data:
                assert len(r) == len(cols), table
            out.append("INSERT INTO `%s` (%s) VALUES %s;" % (
                table, ", ".join("`%s`" % c for c in cols),
                ",".join("(" + ",".join(_sql_literal(v) for v in r) + ")" for r in data)))
        out += ["/*!40000 ALTER TABLE `%s` ENABLE KEYS */;" % table, "UNLOCK TABLES;", ""]
        if table == "patient" and extra:
            out.append(extra)
    out += ["/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;", "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;",
            "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;",
            "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;",
            "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;", "", "-- Dump completed on 2024-06-01 12:00:00", ""]
    return "\n".join(out)


class Lab:
    """A database of its own, created by `vidjil-admin migrate`, with a configuration and a
    DIR_RESULTS pointing to it."""

    def __init__(self, env):
        self.env = env
        self.db = "vimp_" + env.unique("")
        self.dir = tempfile.mkdtemp(prefix="vidjil-import-")
        self.results = os.path.join(self.dir, "results")
        os.makedirs(self.results)
        self.root_sql("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; "
                      "GRANT ALL PRIVILEGES ON `%s`.* TO 'vidjil'@'localhost'" % (self.db, self.db))
        self.conf = os.path.join(self.dir, "vidjil.conf")
        with open(self.conf, "w") as f:
            f.write(open(env.conf).read() + "\nDB_NAME = %s\nDIR_RESULTS = %s\nX_ACCEL_RESULTS =\n" % (self.db, self.results))
        m = self.admin("migrate")
        assert m.returncode == 0, m.stderr

    def root_sql(self, query):
        return subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(self.env.state, "run", "mysql.sock"),
                               "-uroot", "-N", "-B", "-e", query], capture_output=True, text=True, check=True).stdout

    def sql(self, query):
        return [line.split("\t") for line in self.root_sql("USE `%s`; %s" % (self.db, query)).splitlines()]

    def admin(self, *args):
        env = dict(os.environ, VIDJIL_CONF=self.conf, VIDJIL_SQL_DIR=os.path.join(self.env.srcdir, "sql"))
        return subprocess.run([os.path.join(self.env.builddir, "vidjil-admin")] + list(args), env=env,
                              capture_output=True, text=True, timeout=120)

    def import_text(self, text):
        path = os.path.join(self.dir, "dump-%s.sql" % self.env.unique())
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return self.admin("import-dump", path)

    def count(self, table):
        return int(self.sql("SELECT COUNT(*) FROM `%s`" % table)[0][0])

    def close(self):
        self.root_sql("DROP DATABASE IF EXISTS `%s`" % self.db)
        shutil.rmtree(self.dir, ignore_errors=True)


def _login(env, lab, email, password):
    body = urllib.parse.urlencode({"login": email, "password": password})
    a = env.cgi("auth", "POST", "/vidjil/auth/submit", body=body, content_type="application/x-www-form-urlencoded",
                conf=lab.conf)
    cookies = [c.split(";")[0] for c in a.headers.get("set-cookie", []) if c.startswith("vidjil_session=")]
    return a, (cookies[0] if cookies else "")


def test_import_dump_loads_an_original_database_that_then_works(env):
    lab = Lab(env)
    try:
        with open(os.path.join(lab.results, FUSED_NAME), "w") as f:
            json.dump(FUSED, f)
        rows = _rows()
        r = lab.import_text(_dump(rows))
        assert r.returncode == 0, r.stderr
        # The report: rows per table, all 30 tables, and the total.
        for table, data in rows.items():
            assert "%s: %d rows" % (table, len(data)) in r.stdout, (table, r.stdout)
            assert lab.count(table) == len(data), table
        assert "loaded %d rows" % sum(len(d) for d in rows.values()) in r.stdout
        # Ids, unicode and escapes are kept; the sequences continue after the imported ids.
        assert lab.sql("SELECT first_name, last_name FROM patient WHERE id = 5") == [["Amélie", "Poulain-東京"]]
        assert lab.sql("SELECT description FROM auth_group WHERE id = 9") == [["l'équipe \"héma\"\\nligne 2"]]
        assert lab.sql("SELECT run_output FROM scheduler_run WHERE id = 1") == [["stdout line 1\\nline 2"]]
        assert lab.sql("SELECT record_id FROM tag_ref WHERE tag_id = 1") == [["5"]]
        assert lab.sql("INSERT INTO tag (name) VALUES ('new'); SELECT LAST_INSERT_ID()") == [["2"]]
        assert lab.sql("INSERT INTO sample_set (sample_type) VALUES ('patient'); SELECT LAST_INSERT_ID()") == [["14"]]

        # The legacy pbkdf2 user logs in, and the hash is upgraded to argon2id.
        a, cookie = _login(env, lab, "legacy@old-lab.fr", PBKDF2_PW)
        assert a.status in (200, 303) and cookie, (a, a.stderr)
        assert lab.sql("SELECT password FROM auth_user WHERE id = 2")[0][0].startswith("$argon2id$")
        # The salted-digest user too.
        d, dcookie = _login(env, lab, "digest@old-lab.fr", DIGEST_PW)
        assert dcookie, d
        assert lab.sql("SELECT password FROM auth_user WHERE id = 7")[0][0].startswith("$argon2id$")

        # She sees her patient (through the group of the dump) ...
        p = env.cgi("sample_set", "GET", "/vidjil/sample_set/all", query="type=patient", cookie=cookie, conf=lab.conf)
        assert p.status == 200 and "Amélie" in p.text and "Poulain-東京" in p.text, p
        # ... and get_data serves the fused file the lab copied into DIR_RESULTS.
        g = env.cgi("get_data", "POST", "/vidjil/default/get_data", query="sample_set_id=11&config=2", cookie=cookie,
                    conf=lab.conf)
        assert g.status == 200, (g, g.stderr)
        data = g.json()
        assert data["clones"][0]["id"] == "CCCGGGTTTAAA-imported", data
        assert data["reads"]["total"] == [1000]

        # A second import into what is now a lab's database is refused, and changes nothing.
        again = lab.import_text(_dump({"tag": [(2, "other")]}))
        assert again.returncode != 0 and "already holds data" in again.stderr, again.stderr
        assert lab.count("tag") == 2
    finally:
        lab.close()


def test_import_dump_refuses_a_forbidden_statement_and_loads_nothing(env):
    forbidden = [
        "DROP TABLE `auth_user`;",
        "UPDATE `auth_user` SET password = '' WHERE id = 2;",
        "GRANT ALL ON *.* TO 'x'@'%';",
        "INSERT INTO `mysql`.`user` (`Host`) VALUES ('%');",
        "INSERT INTO `vidjil_session` (`id`) VALUES (1);",
        "INSERT INTO `tag` (`id`, `name`) VALUES (5, LOAD_FILE('/etc/passwd'));",
        "INSERT INTO `tag` (`id`, `name`) SELECT id, email FROM auth_user;",
        "/*!50003 CREATE PROCEDURE p() SELECT 1 */;",
        "SET GLOBAL general_log = 1;",
        "INSERT INTO `tag` VALUES (5, 'no column list');",
    ]
    lab = Lab(env)
    try:
        for statement in forbidden:
            text = _dump(_rows(), extra=statement)
            line = text.split("\n").index(statement) + 1
            r = lab.import_text(text)
            assert r.returncode != 0, statement
            assert "line %d:" % line in r.stderr and "nothing was loaded" in r.stderr, (statement, r.stderr)
            # All or nothing: the tables before the statement (alphabetically) are empty too.
            for table in ("analysis_file", "auth_user", "patient", "tag"):
                assert lab.count(table) == 0, (statement, table)
        # The database is still usable for a correct dump afterwards.
        ok = lab.import_text(_dump(_rows()))
        assert ok.returncode == 0, ok.stderr
    finally:
        lab.close()


def test_import_dump_refuses_a_database_that_already_has_users(env):
    lab = Lab(env)
    try:
        # init-db (password from $VIDJIL_ADMIN_PASSWORD, set by t/run-all) makes it a lab's database.
        init = lab.admin("init-db", "first@new-lab.fr")
        assert init.returncode == 0 and lab.count("auth_user") == 1, init.stderr
        r = lab.import_text(_dump(_rows()))
        assert r.returncode != 0 and "already holds data" in r.stderr and "auth_user" in r.stderr, r.stderr
        assert lab.count("patient") == 0
    finally:
        lab.close()
