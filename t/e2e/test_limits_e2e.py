"""End-to-end tests of the input limits (issue 9) through nginx: a long query string is a 414
with the server's JSON message (never nginx's 500 "fastcgi request record is too big"), and
deeply nested JSON in data= / keys= is a 400 with a clear message (never a 500)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402,F401

MAX_QUERY = 16384  # http::kMaxQueryString


def _logged_in(env):
    email, pw, _ = env.new_user()
    c = env.client()
    assert c.login(email, pw).status == 200
    return c


def _query(n):
    """A query string of exactly n bytes."""
    return "pad=" + "x" * (n - 4)


def test_query_string_limit(env):
    c = _logged_in(env)
    path = "/vidjil/sample_set/all"
    ok = c.get(path + "?" + _query(MAX_QUERY))
    assert ok.status == 200, ok
    # Just over, up to nginx's own request-line limit, and beyond it (32-64 KB used to be a 500).
    for n in (MAX_QUERY + 1, 20000, 30000, 40000, 60000, 70000):
        a = c.get(path + "?" + _query(n))
        assert a.status == 414, (n, a)
        j = a.json()
        assert j["success"] == "false" and "address is too long" in j["message"], (n, a)
        assert "16384" in j["message"], (n, a)


def test_deeply_nested_json_parameters_are_400(env):
    c = _logged_in(env)
    deep = "[" * 1500 + "]" * 1500
    a = c.get("/vidjil/sample_set/auto_complete", query={"keys": deep})
    assert a.status == 400, a
    j = a.json()
    assert j["success"] == "false" and "'keys' is not valid JSON" in j["message"] and "nested" in j["message"], a
    deep_obj = '{"set":' + "[" * 5000 + "]" * 5000 + "}"
    b = c.post("/vidjil/sample_set/submit", form=[("data", deep_obj)])
    assert b.status == 400, b
    j = b.json()
    assert j["success"] == "false" and "'data' is not valid JSON" in j["message"] and "nested" in j["message"], b
    # A normally nested value still works.
    ok = c.get("/vidjil/sample_set/auto_complete", query={"keys": '["a"]'})
    assert ok.status == 200, ok


def test_filter_words_and_id_lists_are_capped(env):
    c = _logged_in(env)
    ok = c.get("/vidjil/sample_set/all", query={"type": "patient", "filter": " ".join("w%d" % i for i in range(20))})
    assert ok.status == 200, ok
    a = c.get("/vidjil/sample_set/all", query={"type": "patient", "filter": " ".join("w%d" % i for i in range(21))})
    assert a.status == 400, a
    j = a.json()
    assert j["success"] == "false" and "too many words (at most 20)" in j["message"], a
    b = c.get("/vidjil/sample_set/all", query={"type": "patient", "filter": " ".join("#t%d" % i for i in range(30))})
    assert b.status == 400, b
