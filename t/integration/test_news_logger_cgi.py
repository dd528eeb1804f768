"""Integration tests of default/logger (the `logger` program run as a CGI, stderr = the server
log): the original's answer, one escaped log line per message whatever it contains, and the
per-IP rate limit, which never changes the answer."""
import json
import os
import random
import time
import urllib.parse


def _ip():
    return "203.0.113.%d" % random.randint(1, 254)  # documentation range: each test its own address


def _log(env, msg, ip, lvl=None, conf=None, encode_twice=True):
    value = urllib.parse.quote(urllib.parse.quote(msg, safe=""), safe="") if encode_twice else msg
    query = "msg=" + value + ("&lvl=%d" % lvl if lvl is not None else "")
    return env.cgi("logger", "POST", "/vidjil/default/logger", query=query, content_type="text/plain",
                   extra_env={"REMOTE_ADDR": ip}, conf=conf)


def _conf_with(env, **keys):
    path = os.path.join(env.state, "etc", "vidjil-logger-test.conf")
    text = open(env.conf).read() + "".join("\n%s = %s\n" % kv for kv in keys.items())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def test_answer_like_the_original_and_one_log_line(env):
    token = env.unique("tok")
    a = _log(env, "[load_data ok] " + token + " <b>é</b>", _ip(), lvl=40)
    assert a.status == 200 and a.header("content-type").startswith("text/html"), a
    j = json.loads(a.text)
    # The client encodes twice; the server decodes once and echoes, as the original did.
    assert j == {"success": "false", "message": "/client/: " + urllib.parse.quote("[load_data ok] " + token + " <b>é</b>", safe="")}
    lines = [l for l in a.stderr.splitlines() if token in l]
    assert len(lines) == 1 and "ERROR" in lines[0] and "/client/: " in lines[0], a.stderr
    assert "anonymous" in lines[0] and "client 203.0.113." in lines[0]


def test_control_characters_cannot_forge_log_lines(env):
    token = env.unique("inj")
    forged = "x\n2024-01-01 00:00:00 vidjil-auth[1] INFO: admin logged in " + token + "\r\n\tend"
    a = _log(env, forged, _ip(), encode_twice=False)
    assert a.status == 200
    assert json.loads(a.text)["message"] == "/client/: " + forged  # the answer is JSON: escaped there too
    lines = [l for l in a.stderr.splitlines() if token in l]
    assert len(lines) == 1 and "\\n2024-01-01" in lines[0], a.stderr
    assert not any(l.startswith("2024-01-01 00:00:00 vidjil-auth") for l in a.stderr.splitlines())
    # Other control characters are refused before anything is logged.
    b = _log(env, "bell\x07" + token, _ip(), encode_twice=False)
    assert b.status == 400 and token not in b.stderr


def test_rate_limit_per_ip_keeps_the_answer(env):
    conf = _conf_with(env, LOGGER_RATE_LIMIT=3)
    if time.time() % 60 > 50:  # the window is the current minute: do not straddle two
        time.sleep(61 - time.time() % 60)
    ip, other = _ip(), _ip()
    while other == ip:
        other = _ip()
    token = env.unique("rate")
    answers, logged, warned = [], 0, 0
    for i in range(6):
        a = _log(env, "%s-%d" % (token, i), ip, conf=conf)
        answers.append(json.loads(a.text))
        logged += sum(1 for l in a.stderr.splitlines() if token in l)
        warned += sum(1 for l in a.stderr.splitlines() if "messages this minute from " + ip in l)
    assert [m["success"] for m in answers] == ["false"] * 6
    assert [m["message"] for m in answers] == ["/client/: %s-%d" % (token, i) for i in range(6)]
    assert logged == 3 and warned == 1
    assert token in _log(env, token + "-other", other, conf=conf).stderr  # another address has its own budget
