"""Crashes and wrong answers found by fuzzing (fuzz/README), checked through the real programs."""
import urllib.parse


def test_deeply_nested_json_parameter_is_a_clear_400(env):
    # jsoncpp throws beyond its nesting limit; the parameter check must answer 400 naming the
    # parameter, not let the exception end the request as a server error.
    email, password, _ = env.new_user()
    c = env.client()
    assert c.login(email, password).json()["error"] is None
    cookie = "vidjil_session=" + c.cookies["vidjil_session"]
    body = urllib.parse.urlencode({"keys": "[" * 1001 + "]" * 1001})
    a = env.cgi("sample_set", "POST", "/vidjil/sample_set/auto_complete", body=body,
                content_type="application/x-www-form-urlencoded", cookie=cookie)
    assert a.status == 400, (a, a.stderr)
    assert a.json()["success"] == "false" and "keys" in a.json()["message"], a
