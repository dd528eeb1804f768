"""End-to-end tests of default/logger through nginx: its own program takes precedence over the
default/* one, anonymous and logged-in clients get the original's answer, and pages that are
not allowed clients cannot write into the log."""
import json
import urllib.parse


def _log(c, msg, **kw):
    q = "msg=%s&lvl=20" % urllib.parse.quote(urllib.parse.quote(msg, safe=""), safe="")
    return c.post("/vidjil/default/logger?" + q, body="", content_type="text/plain;charset=UTF-8", **kw)


def test_logger_answers_like_the_original(env):
    for c in (env.client(), env.admin()):
        a = _log(c, "upload completed")
        assert a.status == 200 and a.header("content-type").startswith("text/html"), a
        assert json.loads(a.text) == {"success": "false", "message": "/client/: upload%20completed"}
    g = env.client().get("/vidjil/default/logger?msg=x")
    assert json.loads(g.text) == {"success": "false", "message": "/client/: x"}
    # The rest of default/* is still the default program.
    assert env.client().post("/vidjil/default/home.html").status == 303


def test_logger_allowed_client_origin_only(env):
    allowed = "http://localhost:%d" % env.port
    ok = _log(env.client(), "hi", headers={"Origin": allowed, "Sec-Fetch-Site": "same-site"})
    assert ok.status == 200 and ok.header("access-control-allow-origin") == allowed
    evil = _log(env.client(), "spam", headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert evil.status == 403 and evil.header("access-control-allow-origin") == ""
