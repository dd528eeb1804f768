"""End-to-end tests of the news (notification/*) through nginx: admin forms, Markdown
sanitising, read/unread per user across two users, and the per-user poll cache with each of its
invalidations (read, create, edit, delete, expiry). Notifications are global, so every test only
looks at the ids it created."""
import json
import re

import vtest

POLL = "/vidjil/notification/get_active_notifications"


def _form(title, message="Some **news**", message_type="header", priority="info", expiration="2999-12-31", **extra):
    fields = [("title", title), ("message_content", message), ("message_type", message_type),
              ("expiration", expiration)]
    if priority is not None:
        fields.append(("priority", priority))
    fields += list(extra.items())
    return fields


def _add(admin, title, **kw):
    a = admin.post("/vidjil/notification/add_form", multipart=True, form=_form(title, **kw))
    j = a.json()
    assert j.get("message") == "notification added", a
    assert j["redirect"] == "notification/index" and j["args"]["redirected"] is True, j
    return j["args"]["id"]


def _edit(admin, nid, title, **kw):
    a = admin.post("/vidjil/notification/edit_form", multipart=True, form=_form(title, **kw) + [("id", str(nid))])
    assert a.json().get("message") == "notification updated", a
    return a


def _user(env):
    email, pw, uid = env.new_user()
    c = env.client()
    assert c.login(email, pw).json()["user_id"] == uid
    return c, uid


def _poll(c):
    a = c.get(POLL)
    assert a.status == 200 and a.header("content-type").startswith("text/html"), a
    return json.loads(a.text)


def _ids(c):
    return [e["notification"]["id"] for e in _poll(c) if isinstance(e, dict)]


def _sentinel(env, uid):
    """Replaces the user's cached answer by a marker: the next poll shows whether the cache was used.
    The generation moves too, as every write of the row does, so that a persistent process does
    not answer from the copy it keeps (that copy is checked against it with the session)."""
    assert env.sql("SELECT COUNT(*) FROM vidjil_news_cache WHERE user_id = ?", uid) == [["1"]]
    env.sql("UPDATE vidjil_news_cache SET answer = '[\"sentinel\"]', gen = gen + 1 WHERE user_id = ?", uid)


def _cached(c):
    return _poll(c) == ["sentinel"]


def test_markdown_news_seen_once_by_two_users_read_then_edit(env):
    admin = env.admin()
    (u1, _), (u2, _) = _user(env), _user(env)
    nid = _add(admin, env.unique("Maintenance "), message="Server **down** on Saturday")
    for c in (u1, u2):
        assert _ids(c).count(nid) == 1
    page = u1.get("/vidjil/notification/index", query={"id": nid})
    assert page.status == 200 and 'id="page_news"' in page.text
    assert "<strong>down</strong>" in page.text
    assert nid not in _ids(u1)
    assert _ids(u2).count(nid) == 1
    _edit(admin, nid, "", message="Server **down** on Sunday")  # title optional when editing
    assert _ids(u1).count(nid) == 1 and _ids(u2).count(nid) == 1
    entry = [e for e in _poll(u1) if e["notification"]["id"] == nid][0]
    assert entry["notification"]["message_content"] == "Server **down** on Sunday"
    assert entry["notification"]["title"].startswith("Maintenance ")


def test_poll_answer_shape(env):
    admin = env.admin()
    u, _ = _user(env)
    title = env.unique("Shape ")
    nid = _add(admin, title, message_type="login", priority="urgent", expiration="2999-01-02")
    raw = u.get(POLL)
    assert raw.header("content-type") == "text/html; charset=UTF-8"
    assert raw.text.startswith("[{\"notification\": {\"id\": ")  # Python's json.dumps separators
    entry = [e for e in json.loads(raw.text) if e["notification"]["id"] == nid][0]
    assert list(entry) == ["notification", "user_preference"] and entry["user_preference"] == {"val": None}
    n = entry["notification"]
    assert list(n) == ["id", "creator", "title", "message_content", "message_type", "priority", "expiration",
                       "creation_datetime"]
    assert n["creator"] == 1 and n["title"] == title and n["message_type"] == "login"
    assert n["priority"] == "urgent" and n["expiration"] == "2999-01-02"
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", n["creation_datetime"]), n


def test_poll_needs_login(env):
    a = env.client().get(POLL)
    assert a.status == 303 and a.header("location").startswith("/vidjil/auth/login"), a


def test_redirected_does_not_mark_read_and_index_lists_older_news(env):
    admin = env.admin()
    u, _ = _user(env)
    nid = _add(admin, env.unique("Fresh "))
    old_title = env.unique("Old ")
    old = _add(admin, old_title, expiration="2001-01-01")
    a = u.get("/vidjil/notification/index", query={"id": nid, "redirected": "true"})
    assert a.status == 200 and nid in _ids(u)
    assert old not in _ids(u)  # expired: not polled...
    page = u.get("/vidjil/notification/index")
    assert old_title in page.text and 'id="notification_row_%d"' % old in page.text  # ...but listed
    assert "add_notification_btn" not in page.text and "notification_delete_" not in page.text
    assert "add_notification_btn" in admin.get("/vidjil/notification/index").text


def test_priority_from_success_field(env):
    admin = env.admin()
    u, _ = _user(env)
    bad = _add(admin, env.unique("Failed "), priority=None, success="false")
    good = _add(admin, env.unique("Done "), priority=None, success="true")
    got = {e["notification"]["id"]: e["notification"]["priority"] for e in _poll(u)}
    assert got[bad] == "urgent" and got[good] == "info"


def test_bad_input_is_refused_with_a_message(env):
    admin = env.admin()
    before = env.sql("SELECT COUNT(*) FROM notification")

    def refused(form, words):
        j = admin.post("/vidjil/notification/add_form", multipart=True, form=form).json()
        assert j["success"] == "false" and words in j["message"], j

    refused(_form(""), "title needed")
    refused(_form("x", priority="critical"), "priority must be info or urgent")
    refused(_form("x", priority=None), "priority needed")
    refused(_form("x", expiration="2024-02-30"), "expiration must be a date")
    refused(_form("x", expiration="31/12/2024"), "expiration must be a date")
    refused(_form("x", expiration=""), "expiration needed")
    refused(_form("x", message_type="popup"), "message type must be header or login")
    refused(_form("x", message="  "), "message needed")
    refused(_form("<img src=x onerror=alert(1)>"), "title must not contain")
    refused(_form("t" * 513), "title too long")
    refused(_form("", priority="x", expiration="y"), "title needed, priority must be info or urgent, expiration")
    assert env.sql("SELECT COUNT(*) FROM notification") == before
    e = admin.post("/vidjil/notification/edit_form", multipart=True, form=_form("x") + [("id", "999999999")]).json()
    assert e["success"] == "false" and "does not exist" in e["message"]


def test_markdown_injection_is_sanitised(env):
    admin = env.admin()
    u, _ = _user(env)
    evil = ("Hello <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
            "[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) **ok**\n\n"
            "<iframe src=\"https://evil.example\"></iframe>\n")
    nid = _add(admin, env.unique("Evil "), message=evil)
    raw = u.get(POLL).text  # polled before opening it (opening marks it read)
    assert "<script" not in raw and "<img" not in raw  # the poll answer is served as text/html too
    entry = [e for e in json.loads(raw) if e["notification"]["id"] == nid][0]
    assert "&lt;script&gt;" in entry["notification"]["message_content"]
    page = u.get("/vidjil/notification/index", query={"id": nid}).text
    body = page.split('id="notification_selected_message"', 1)[1]
    for bad in ("<script", "<img", "<iframe", "javascript:alert(3)\"", 'href="javascript', 'href="data'):
        assert bad not in body, bad
    assert "<strong>ok</strong>" in body and "&lt;script&gt;" in body


def test_non_admin_is_refused_and_logged(env):
    admin = env.admin()
    nid = _add(admin, env.unique("Keep "))
    u, uid = _user(env)
    count = env.sql("SELECT COUNT(*) FROM notification")
    for path, form in (("add_form", _form("hack")), ("edit_form", _form("hack") + [("id", str(nid))])):
        j = u.post("/vidjil/notification/" + path, multipart=True, form=form).json()
        assert j["message"] == "access denied" and j["success"] == "false", j
    for path in ("delete", "edit", "add"):
        j = u.post("/vidjil/notification/" + path, query={"id": nid}).json()
        assert j["message"] == "access denied", j
    assert env.sql("SELECT COUNT(*) FROM notification") == count
    assert env.sql("SELECT title FROM notification WHERE id = ?", nid)[0][0].startswith("Keep ")
    denied = env.sql("SELECT action FROM vidjil_audit WHERE user_id = ? AND action LIKE 'notification%%denied' "
                     "ORDER BY id", uid)
    assert [d[0] for d in denied] == ["notification_add_form_denied", "notification_edit_form_denied",
                                      "notification_delete_denied", "notification_edit_denied",
                                      "notification_add_denied"], denied


def test_admin_pages_and_delete(env):
    admin = env.admin()
    form = admin.get("/vidjil/notification/add").text
    for needle in ('id="page_news"', 'id="data_form"', 'action="DB_ADDRESS/notification/add_form"',
                   'id="notification_title"', 'id="notification_message_content"', 'id="notification_expiration"',
                   'id="notification_id"', 'name="message_type"', 'name="priority"'):
        assert needle in form, needle
    title = env.unique("Edit me ") + " & co"
    nid = _add(admin, title, message="a </textarea><script>x</script>")
    edit = admin.get("/vidjil/notification/edit", query={"id": nid}).text
    assert 'action="DB_ADDRESS/notification/edit_form"' in edit and 'value="%d"' % nid in edit
    assert "&amp; co" in edit and "</textarea><script>" not in edit
    d = admin.post("/vidjil/notification/delete", query={"id": nid}).json()
    assert d == {"redirect": "notification/index", "success": "true", "message": "notification %d deleted" % nid}
    assert env.sql("SELECT COUNT(*) FROM notification WHERE id = ?", nid) == [["0"]]
    again = admin.post("/vidjil/notification/delete", query={"id": nid}).json()
    assert again["success"] == "false"


# --- the per-user cache ----------------------------------------------------------------------

def test_cache_serves_unchanged_polls_and_read_invalidates_only_the_reader(env):
    admin = env.admin()
    (u1, id1), (u2, id2) = _user(env), _user(env)
    nid = _add(admin, env.unique("Cached "))
    assert nid in _ids(u1) and nid in _ids(u2)
    _sentinel(env, id1)
    _sentinel(env, id2)
    assert _cached(u1) and _cached(u2)  # nothing changed: the stored answer is served
    u1.get("/vidjil/notification/index", query={"id": nid})  # u1 reads it
    assert not _cached(u1) and nid not in _ids(u1)
    assert _cached(u2)  # u2's answer did not change: still served from the cache
    env.sql("DELETE FROM vidjil_news_cache WHERE user_id = ?", id2)
    assert nid in _ids(u2)


def test_cache_invalidated_on_create_for_everybody(env):
    admin = env.admin()
    (u1, id1), (u2, id2) = _user(env), _user(env)
    _poll(u1), _poll(u2)
    _sentinel(env, id1)
    _sentinel(env, id2)
    nid = _add(admin, env.unique("New "))
    assert nid in _ids(u1) and nid in _ids(u2)


def test_cache_invalidated_on_edit_for_everybody(env):
    admin = env.admin()
    (u1, id1), (u2, id2) = _user(env), _user(env)
    nid = _add(admin, env.unique("Edited "))
    for c in (u1, u2):
        c.get("/vidjil/notification/index", query={"id": nid})
        assert nid not in _ids(c)
    _sentinel(env, id1)
    _sentinel(env, id2)
    _edit(admin, nid, env.unique("Edited again "))
    assert nid in _ids(u1) and nid in _ids(u2)


def test_cache_invalidated_on_delete_for_everybody(env):
    admin = env.admin()
    (u1, id1), (u2, id2) = _user(env), _user(env)
    nid = _add(admin, env.unique("Doomed "))
    assert nid in _ids(u1) and nid in _ids(u2)
    _sentinel(env, id1)
    _sentinel(env, id2)
    admin.post("/vidjil/notification/delete", query={"id": nid})
    assert not _cached(u1) and nid not in _ids(u1)
    assert not _cached(u2) and nid not in _ids(u2)


def test_cache_expires_with_the_first_notification(env):
    admin = env.admin()
    (u1, id1), (u2, id2) = _user(env), _user(env)
    today = env.sql("SELECT CURDATE()")[0][0]
    nid = _add(admin, env.unique("Today only "), expiration=today)
    assert nid in _ids(u1) and nid in _ids(u2)
    # The cached answers are valid until the end of the notification's last day.
    tomorrow = env.sql("SELECT UNIX_TIMESTAMP(CURDATE() + INTERVAL 1 DAY)")[0][0]
    assert env.sql("SELECT valid_until FROM vidjil_news_cache WHERE user_id = ?", id1) == [[tomorrow]]
    # A day passes: expiration dates and cached times move one day back, as the clock would.
    _sentinel(env, id1)
    _sentinel(env, id2)
    env.sql("UPDATE notification SET expiration = expiration - INTERVAL 1 DAY WHERE id = ?", nid)
    env.sql("UPDATE vidjil_news_cache SET valid_until = valid_until - 86400 WHERE user_id IN (?, ?)", id1, id2)
    assert not _cached(u1) and nid not in _ids(u1)
    assert not _cached(u2) and nid not in _ids(u2)


def test_cached_poll_runs_no_news_query(env):
    """With nothing changed, a poll reads the cache row only (the general log shows every query)."""
    admin = env.admin()
    u, uid = _user(env)
    _add(admin, env.unique("Logged "))
    _poll(u)  # fills the cache
    env.sql("SET GLOBAL log_output = 'TABLE'")
    env.sql("TRUNCATE mysql.general_log")
    env.sql("SET GLOBAL general_log = 1")
    try:
        for _ in range(3):
            _poll(u)
    finally:
        env.sql("SET GLOBAL general_log = 0")
    queries = [r[0] for r in env.sql("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log "
                                     "WHERE user_host LIKE 'vidjil[%' AND command_type IN ('Query', 'Execute')")]
    news = [q for q in queries if "notification" in q or "user_preference" in q]
    # (the session statement reads the cache row's generation too: it is not counted)
    cache = [q for q in queries if "vidjil_news_cache" in q and "vidjil_session" not in q]
    assert news == [], news
    if env.mode == "fcgiwrap":
        assert len(cache) == 3, queries
    else:  # a persistent process reads the row once, then answers from its copy while it holds
        assert len(cache) <= 2, queries
