"""Test harness of vidjil-server: runs the integration tests (the real CGI programs with a CGI
environment, against the test MariaDB) and the end-to-end tests (a real HTTP client through the
test nginx). Test modules are t/integration/test_*.py and t/e2e/test_*.py; every function named
test_* receives the `Env` below. Prints one line per test and a final RESULT line for t/run-all.
"""
import http.client
import importlib.util
import json
import os
import subprocess
import sys
import time
import traceback
import urllib.parse
import uuid


class Skip(Exception):
    """Raised by a test that cannot run here (e.g. ../shared/data is absent)."""


class Answer:
    """An HTTP answer: status, headers (lower-cased names, lists of values) and body bytes."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name, default=""):
        values = self.headers.get(name.lower())
        return values[0] if values else default

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<Answer %s %s %r>" % (self.status, self.header("content-type"), self.body[:300])


def encode_multipart(fields, files=()):
    """fields: list of (name, value); files: list of (name, filename, bytes). Returns (body, content type)."""
    boundary = "----vidjiltest" + uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)).encode())
        out.append(value.encode() if isinstance(value, str) else value)
        out.append(b"\r\n")
    for name, filename, data in files or ():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, filename)).encode())
        out.append(data)
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


class Client:
    """A minimal HTTP client with a cookie jar, talking to the test nginx (no redirects followed)."""

    def __init__(self, env):
        self.env = env
        self.cookies = {}

    def request(self, method, path, query=None, body=None, content_type=None, headers=None, form=None, files=None,
                multipart=False):
        if query:
            path = path + ("&" if "?" in path else "?") + urllib.parse.urlencode(query, doseq=True)
        hdrs = dict(headers or {})
        if form is not None or files:
            if files or multipart:
                body, content_type = encode_multipart(list(form or []), files)
            else:
                body = urllib.parse.urlencode(form, doseq=True).encode()
                content_type = "application/x-www-form-urlencoded"
        if isinstance(body, str):
            body = body.encode()
        if content_type:
            hdrs["Content-Type"] = content_type
        if self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.env.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            headers = {}
            for k, v in r.getheaders():
                headers.setdefault(k.lower(), []).append(v)
        finally:
            conn.close()
        for c in headers.get("set-cookie", []):
            name, _, rest = c.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in c or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Answer(r.status, headers, data)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def login(self, email, password):
        return self.post("/vidjil/auth/submit", form=[("login", email), ("password", password)], multipart=True)


class Env:
    def __init__(self, args):
        self.builddir = args["builddir"]
        self.srcdir = args["srcdir"]
        self.state = args["state"]
        self.port = int(args["port"])
        self.mode = args["mode"]
        self.conf = os.path.join(self.state, "etc", "vidjil.conf")
        creds = dict(line.split(" ", 1) for line in open(os.path.join(self.state, "etc", "admin-credentials")).read().splitlines())
        self.admin_email, self.admin_password = creds["email"], creds["password"]
        shared = os.environ.get("VIDJIL_SHARED_DATA") or os.path.join(self.srcdir, "..", "shared", "data")
        self.shared_data = shared if os.path.isdir(shared) else None

    # --- helpers shared by tests ------------------------------------------------------------
    def client(self):
        return Client(self)

    def admin(self):
        c = self.client()
        a = c.login(self.admin_email, self.admin_password)
        assert a.json()["error"] is None, a
        return c

    def unique(self, prefix="t"):
        return "%s%s" % (prefix, uuid.uuid4().hex[:10])

    def new_user(self, password="Lab-Passw0rd!42", first="Test", last="User"):
        """Creates an account through the admin's register form; returns (email, password, id)."""
        email = self.unique("user") + "@lab.test"
        a = self.admin().post("/vidjil/auth/register_form", multipart=True, form=[
            ("first_name", first), ("last_name", last), ("email", email),
            ("password", password), ("confirm_password", password)])
        j = a.json()
        assert "user_id" in j, a
        return email, password, j["user_id"]

    def sql(self, query, *params):
        """Runs SQL as the database root (test setup and inspection only). Returns rows of strings."""
        if params:
            query = query.replace("?", "%s") % tuple(self._quote(p) for p in params)
        out = subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(self.state, "run", "mysql.sock"),
                              "-uroot", "-N", "-B", "vidjil", "-e", query],
                             capture_output=True, text=True, check=True,
                             errors="surrogateescape").stdout  # binary columns (sql/062's name keys) byte for byte
        return [line.split("\t") for line in out.splitlines()]

    @staticmethod
    def _quote(v):
        if v is None:
            return "NULL"
        if isinstance(v, int):
            return str(v)
        return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"

    def cgi(self, program, method, path, query="", body=b"", content_type="", cookie="", headers=None,
            conf=None, extra_env=None):
        """Runs a real endpoint program as a CGI (the cgit way) and parses its answer."""
        if isinstance(body, str):
            body = body.encode()
        env = {"PATH": "/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method,
               "DOCUMENT_URI": path, "REQUEST_URI": path + ("?" + query if query else ""), "QUERY_STRING": query,
               "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:%d" % self.port, "SERVER_NAME": "127.0.0.1",
               "VIDJIL_CONF": conf or self.conf}
        if body or content_type:
            env["CONTENT_LENGTH"] = str(len(body))
            env["CONTENT_TYPE"] = content_type
        if cookie:
            env["HTTP_COOKIE"] = cookie
        for k, v in (headers or {}).items():
            env["HTTP_" + k.upper().replace("-", "_")] = v
        env.update(extra_env or {})
        p = subprocess.run([os.path.join(self.builddir, "cgi-bin", program)], input=body, env=env,
                           capture_output=True, timeout=60)
        head, _, payload = p.stdout.partition(b"\r\n\r\n")
        status, headers_out = 0, {}
        for line in head.decode("latin-1").split("\r\n"):
            k, _, v = line.partition(": ")
            if k.lower() == "status":
                status = int(v.split()[0])
            elif k:
                headers_out.setdefault(k.lower(), []).append(v)
        a = Answer(status, headers_out, payload)
        a.stderr = p.stderr.decode("utf-8", "replace")
        a.returncode = p.returncode
        return a


def load_modules(paths):
    mods = []
    for path in paths:
        name = "vtest_" + os.path.splitext(os.path.basename(path))[0] + "_" + os.path.basename(os.path.dirname(path))
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mods.append((path, mod))
    return mods


def main(argv):
    args, files = {}, []
    it = iter(argv)
    for a in it:
        if a.startswith("--"):
            args[a[2:]] = next(it)
        else:
            files.append(a)
    env = Env(args)
    only = args.get("only", "")
    passed = failed = skipped = 0
    for path, mod in load_modules(files):
        suite = os.path.basename(os.path.dirname(path))
        for name in sorted(n for n in dir(mod) if n.startswith("test_")):
            full = "%s/%s::%s [%s]" % (suite, os.path.basename(path), name, env.mode)
            if only and only not in full:
                continue
            t0 = time.time()
            try:
                getattr(mod, name)(env)
            except Skip as e:
                skipped += 1
                print("SKIP %s: %s" % (full, e), flush=True)
                continue
            except Exception:
                failed += 1
                print("FAIL %s (%.1fs)\n%s" % (full, time.time() - t0, traceback.format_exc()), flush=True)
                continue
            passed += 1
            print("ok   %s (%.1fs)" % (full, time.time() - t0), flush=True)
    print("RESULT passed=%d failed=%d skipped=%d" % (passed, failed, skipped), flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.modules["vtest"] = sys.modules[__name__]  # test modules `import vtest`: same classes
    sys.exit(main(sys.argv[1:]))
