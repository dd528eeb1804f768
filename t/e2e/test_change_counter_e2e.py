"""Per-process caches validated by the change counter (issue 13), through nginx: under spawn-fcgi a
program keeps a reader's rights and get_data answers while the counter read with the session has
not moved. Writes made behind the programs' backs (SQL, as another host or vidjil-admin would)
must be seen by the very next request, whichever process answers it. Under fcgiwrap the same
tests check the uncached path gives the same answers."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

ROUNDS = 8  # requests per step: every process of the program answers some of them


def _get(c, ss, cid):
    return c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid})


def _counter(env):
    return int(env.sql("SELECT counter FROM vidjil_change WHERE id = 1")[0][0])


def test_rights_revoked_and_given_back_behind_the_programs_back(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env, clones=5)
    for _ in range(ROUNDS):
        a = _get(c, ss, cid)
        assert a.status == 200 and a.json()["sample_set_id"] == ss, a
    grant = env.sql("SELECT group_id FROM auth_permission WHERE name = 'access' AND table_name = 'sample_set' "
                    "AND record_id = ?", ss)
    assert len(grant) == 1, grant
    env.sql("DELETE FROM auth_permission WHERE name = 'access' AND table_name = 'sample_set' AND record_id = ?", ss)
    refused = [_get(c, ss, cid).json() for _ in range(ROUNDS)]
    assert all(r.get("success") == "false" and "permission" in r.get("message", "") for r in refused), refused
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'sample_set', ?)",
            grant[0][0], ss)
    assert all(_get(c, ss, cid).json().get("sample_set_id") == ss for _ in range(ROUNDS))


def test_metadata_changed_behind_the_programs_back(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env, clones=5)
    for _ in range(ROUNDS):
        assert _get(c, ss, cid).json()["patient_name"].startswith("Turingham-")
    new = "Hodgkin-" + env.unique("")
    env.sql("UPDATE patient SET last_name = ? WHERE sample_set_id = ?", new, ss)
    names = [_get(c, ss, cid).json()["patient_name"] for _ in range(ROUNDS)]
    assert all(new in n for n in names), names
    env.sql("UPDATE sequence_file SET info = 'day 30' WHERE id = ?", sf)
    infos = [_get(c, ss, cid).json()["samples"]["info"] for _ in range(ROUNDS)]
    assert all(i == ["day 30"] for i in infos), infos


def test_reads_do_not_move_the_counter(env):
    c, ss, sf, cid, _ = fx.patient_with_result(env, clones=5)
    _get(c, ss, cid)
    fx.wait_for(lambda: env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'get_data' AND record_id = ?",
                                ss) == [["1"]], timeout=10)
    before = _counter(env)
    for _ in range(ROUNDS):
        assert _get(c, ss, cid).status == 200
    fx.wait_for(lambda: env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'get_data' AND record_id = ?",
                                ss) == [[str(1 + ROUNDS)]], timeout=10)
    assert _counter(env) == before  # the read records (user_log of the set) are not in any answer
    env.sql("UPDATE patient SET info = 'moved' WHERE sample_set_id = ?", ss)
    assert _counter(env) == before + 1


def test_admin_right_given_and_taken_behind_the_programs_back(env):
    email, pw, uid = env.new_user()[:3]
    c = fx.login(env, email, pw)
    for _ in range(ROUNDS):
        assert c.get("/vidjil/default/whoami").json()["admin"] is False
    admin_group = env.sql("SELECT MIN(id) FROM auth_group WHERE role = 'admin'")[0][0]
    env.sql("INSERT INTO auth_membership (user_id, group_id) VALUES (?, ?)", uid, admin_group)
    assert all(c.get("/vidjil/default/whoami").json()["admin"] is True for _ in range(ROUNDS))
    env.sql("DELETE FROM auth_membership WHERE user_id = ? AND group_id = ?", uid, admin_group)
    assert all(c.get("/vidjil/default/whoami").json()["admin"] is False for _ in range(ROUNDS))


def test_news_poll_follows_new_news_and_read_marks(env):
    email, pw, uid = env.new_user()[:3]
    c = fx.login(env, email, pw)
    poll = "/vidjil/notification/get_active_notifications"

    def ids():
        return [e["notification"]["id"] for e in c.get(poll).json() if isinstance(e, dict)]

    before = [ids() for _ in range(ROUNDS)]
    assert all(b == before[0] for b in before), before
    a = env.admin().post("/vidjil/notification/add_form", multipart=True, form=[
        ("title", env.unique("Counter ")), ("message_content", "x"), ("message_type", "header"),
        ("priority", "info"), ("expiration", "2999-12-31")])
    nid = int(env.sql("SELECT MAX(id) FROM notification")[0][0])
    assert a.status == 200, a
    assert all(nid in ids() for _ in range(ROUNDS))
    c.get("/vidjil/notification/index", query={"id": nid})  # read: not shown again
    assert all(nid not in ids() for _ in range(ROUNDS))


def test_account_changed_behind_the_programs_back(env):
    """A persistent process keeps the user's row while the counter holds (the session row itself is
    read at every request): an e-mail address changed, then the account blocked by SQL are seen at
    once; a blocked account's session is gone for good."""
    email, pw, uid = env.new_user()[:3]
    c = fx.login(env, email, pw)
    whoami = "/vidjil/default/whoami"
    assert all(c.get(whoami).json()["email"] == email for _ in range(ROUNDS))
    new = env.unique("kept") + "@example.org"
    env.sql("UPDATE auth_user SET email = ? WHERE id = ?", new, uid)
    emails = [c.get(whoami).json()["email"] for _ in range(ROUNDS)]
    assert emails == [new] * ROUNDS, emails
    env.sql("UPDATE auth_user SET action_token = 'blocked' WHERE id = ?", uid)
    refused = [c.get(whoami).status for _ in range(ROUNDS)]
    assert refused == [303] * ROUNDS, refused
    assert env.sql("SELECT COUNT(*) FROM vidjil_session WHERE user_id = ?", uid) == [["0"]]
    env.sql("UPDATE auth_user SET action_token = '' WHERE id = ?", uid)
    assert c.get(whoami).status == 303  # the session was deleted: a new login is needed
