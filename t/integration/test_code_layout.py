"""The code layout the guide asks for (issue 9), checked on the sources: SQL only in src/model
(and the connection itself in src/db), and src/jobs (used by endpoints and the runner) never
includes src/runner (the runner depends on jobs, not the reverse)."""
import os
import re

SQL = re.compile(r'"(SELECT|UPDATE|INSERT|DELETE|SET TRANSACTION|CREATE TABLE) |\.exec_raw\(|\bdb\.(query|query_one|exec)\(')


def _sources(env, *dirs):
    for d in dirs:
        for root, _, files in os.walk(os.path.join(env.srcdir, d)):
            for f in files:
                if f.endswith((".cpp", ".h")):
                    path = os.path.join(root, f)
                    yield os.path.relpath(path, env.srcdir), open(path, encoding="utf-8", errors="replace").read()


def test_sql_only_in_src_model(env):
    offenders = [path for path, text in _sources(env, "src", "cgi-bin")
                 if not path.startswith(("src/model/", "src/db/")) and SQL.search(text)]
    assert offenders == [], "SQL outside src/model: %s" % offenders


def test_src_jobs_does_not_include_src_runner(env):
    offenders = [path for path, text in _sources(env, "src/jobs", "src/model", "src/endpoints", "src/vidjil")
                 if re.search(r'#include\s+"runner/', text)]
    assert offenders == [], "includes of src/runner from lower layers: %s" % offenders
