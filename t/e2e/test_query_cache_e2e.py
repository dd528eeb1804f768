"""The session statement and MariaDB's query cache (issue 13, small routes): the local stack runs
MariaDB with query_cache_type = DEMAND (as README.Debian recommends) and the session statement
asks to be cached (SELECT SQL_CACHE), so repeated requests of a session are answered from the
cache; a write to the session's tables (a logout, an account blocked by SQL) is seen by the very
next request, whichever process answers it."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

WHOAMI = "/vidjil/default/whoami"


def _hits(env):
    return int(env.sql("SHOW GLOBAL STATUS LIKE 'Qcache_hits'")[0][1])


def test_session_statement_answered_from_the_query_cache(env):
    assert env.sql("SELECT @@global.query_cache_type, @@global.query_cache_size > 0") == [["DEMAND", "1"]]
    email, pw, uid = env.new_user()[:3]
    c = fx.login(env, email, pw)
    assert c.get(WHOAMI).status == 200
    before = _hits(env)
    for _ in range(10):
        assert c.get(WHOAMI).json()["email"] == email
    # One cached answer per request; a write elsewhere in between (the runner, another test's
    # journal) may invalidate it once or twice.
    assert _hits(env) - before >= 6, _hits(env) - before
    c.post("/vidjil/auth/logout")
    assert [c.get(WHOAMI).status for _ in range(4)] == [303] * 4


def test_blocked_account_seen_through_the_query_cache(env):
    email, pw, uid = env.new_user()[:3]
    c = fx.login(env, email, pw)
    assert all(c.get(WHOAMI).status == 200 for _ in range(6))
    env.sql("UPDATE auth_user SET action_token = 'blocked' WHERE id = ?", uid)
    assert [c.get(WHOAMI).status for _ in range(6)] == [303] * 6


def test_check_process_follows_the_job_through_the_query_cache(env):
    """checkProcess's job statement is cached too: the runner's writes (here by SQL, as a runner on
    another host would) are seen by the very next poll."""
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Poll"))
    sf, _ = fx.add_file(env, ss, "poll.fa", content=">r1\n" + "ACGT" * 20 + "\n")
    cid = fx.make_config(env, command="-c clones --fake-clones 10", fuse="-t 0")
    rid = fx.request_run(c, ss, sf, cid)["results_file_id"]
    task = int(env.sql("SELECT scheduler_task_id FROM results_file WHERE id = ?", rid)[0][0])

    def polls():
        return [c.get("/vidjil/default/checkProcess", query={"processId": rid}).json() for _ in range(6)]

    assert all(p["status"] == "QUEUED" for p in polls())
    env.sql("UPDATE scheduler_task SET status = 'RUNNING' WHERE id = ?", task)
    assert [p["status"] for p in polls()] == ["RUNNING"] * 6
    env.sql("UPDATE vidjil_job SET message = 'out of memory' WHERE task_id = ?", task)
    env.sql("UPDATE scheduler_task SET status = 'FAILED' WHERE id = ?", task)
    assert [(p["status"], p.get("message")) for p in polls()] == [("FAILED", "out of memory")] * 6
