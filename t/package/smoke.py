#!/usr/bin/env python3
"""Smoke test of an installed vidjil-server over HTTPS (run by t/package-test from the host
against the chroot's nginx). `smoke.py setup URL CAFILE EMAIL PASSWORD STATE` logs in as the
administrator, makes a `none` config, a patient, uploads a generated FASTA and a generated
.vidjil result, runs the import through the runner, reads get_data and downloads the FASTA;
`smoke.py check URL CAFILE EMAIL PASSWORD STATE` (after an upgrade) logs in again and checks
that the same data are still served. Prints one "ok"/"FAIL" line per check; exit 1 on a failure."""
import hashlib
import http.client
import json
import random
import ssl
import sys
import time
import urllib.parse
import uuid

failures = 0


def check(name, cond, detail=""):
    global failures
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + str(detail)[:400]), flush=True)
    if not cond:
        failures += 1
    return cond


class Client:
    def __init__(self, url, cafile):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 443
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.ctx.check_hostname = False  # the certificate names the chroot's server_name
        self.cookies = {}

    def request(self, method, path, query=None, body=None, ctype=None):
        if query:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(query)
        h = {"Host": "%s:%d" % (self.host, self.port)}
        if ctype:
            h["Content-Type"] = ctype
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=60)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    self.cookies[name] = rest.split(";")[0]
            return r.status, data
        finally:
            c.close()

    def json(self, method, path, **kw):
        status, data = self.request(method, path, **kw)
        try:
            return status, json.loads(data)
        except ValueError:
            return status, {"_raw": data[:300].decode("latin-1")}


def multipart(parts):
    b = "----pkgtest" + uuid.uuid4().hex
    out = []
    for name, filename, data in parts:
        disp = 'form-data; name="%s"' % name + ('; filename="%s"' % filename if filename is not None else "")
        out.append(("--%s\r\nContent-Disposition: %s\r\n\r\n" % (b, disp)).encode())
        out.append(data if isinstance(data, bytes) else data.encode())
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return b"".join(out), "multipart/form-data; boundary=" + b


def login(c, email, password):
    body, ctype = multipart([("login", None, email), ("password", None, password)])
    st, j = c.json("POST", "/vidjil/auth/submit", body=body, ctype=ctype)
    return check("login over HTTPS", st == 200 and j.get("error") is None and j.get("user_id"), (st, j))


def fasta():
    rnd = random.Random(11)
    return "".join(">read%d\n%s\n" % (i, "".join(rnd.choice("ACGT") for _ in range(90))) for i in range(50)).encode()


CLONE = "CGAGAGGTTACTATGATAGTAGTGGTTATTACGGGGTAGGGCAGTACTACTACTACTACATGGACGTC"
RESULT = {"vidjil_json_version": "2016b", "samples": {"number": 1, "original_names": ["smoke.vidjil"]},
          "reads": {"total": [120], "segmented": [100], "germline": {"IGH": [100]}},
          "clones": [{"id": CLONE, "germline": "IGH", "reads": [60], "top": 1},
                     {"id": "TTTTGGGGCCCCAAAA", "germline": "IGH", "reads": [40], "top": 2}]}


def add_sample(c, ss, filename, data):
    d = {"source": "computer", "pre_process": "0", "set_ids": ":p+(%d)" % ss,
         "file": [{"id": "", "filename": filename, "filename2": "", "sampling_date": "2026-01-02", "info": "smoke",
                   "set_ids": ""}]}
    st, j = c.json("POST", "/vidjil//file/submit?data=" + urllib.parse.quote(json.dumps(d)))
    if not check("file/submit " + filename, "file_ids" in j, (st, j)):
        return None
    sf = j["file_ids"][0]
    body, ctype = multipart([("pre_process", None, "0"), ("id", None, str(sf)), ("file_number", None, "1"),
                             ("file", filename, data)])
    st, j = c.json("POST", "/vidjil/file/upload", body=body, ctype=ctype)
    check("file/upload " + filename, st == 200, (st, j))
    return sf


def setup(c, state):
    st, who = c.json("GET", "/vidjil/default/whoami")
    group = int(who["groups"][0]["id"])
    body, ctype = multipart([("config_name", None, "smoke-import-" + uuid.uuid4().hex[:6]), ("config_program", None, "none"),
                             ("config_command", None, ""), ("config_fuse_command", None, "-t 100"),
                             ("config_classification", None, "-1"), ("config_info", None, "package test")])
    st, j = c.json("POST", "/vidjil/config/add_form", body=body, ctype=ctype)
    if not check("config (program none) created", "config_id" in j, (st, j)):
        return
    cid = j["config_id"]
    c.json("POST", "/vidjil/config/change_permission", query={"config_id": cid, "group_id": group})
    row = {"id": "", "sample_set_id": "", "first_name": "Smoke", "last_name": "Test", "birth": "2001-02-03",
           "info": "", "id_label": ""}
    data = json.dumps({"group": group, "patient": [row]}, separators=(",", ":"))
    st, j = c.json("POST", "/vidjil//sample_set/submit?data=" + urllib.parse.quote(data))
    if not check("patient created", j.get("redirect") == "sample_set/index", (st, j)):
        return
    ss = j["args"]["id"]
    fa = fasta()
    sf_fa = add_sample(c, ss, "smoke.fa", fa)
    sf_res = add_sample(c, ss, "smoke.vidjil", json.dumps(RESULT).encode())
    st, j = c.json("POST", "/vidjil/default/run_request", query={"sequence_file_id": sf_res, "sample_set_id": ss,
                                                                 "config_id": cid})
    if not check("run_request", j.get("results_file_id"), (st, j)):
        return
    rid = j["results_file_id"]
    deadline = time.time() + 120
    status = None
    while time.time() < deadline:
        st, j = c.json("POST", "/vidjil/default/checkProcess", query={"processId": rid})
        status = j.get("status")
        if status in ("COMPLETED", "FAILED"):
            break
        time.sleep(1)
    check("analysis run by vidjil-runner.service (checkProcess COMPLETED)", status == "COMPLETED", j)
    state.update(ss=ss, cid=cid, sf_fa=sf_fa, fa_sha=hashlib.sha256(fa).hexdigest())


def verify(c, state, fetch_stored):
    st, d = c.json("POST", "/vidjil/default/get_data", query={"sample_set_id": state["ss"], "config": state["cid"]})
    ids = [cl.get("id") for cl in d.get("clones", [])]
    check("get_data has the imported clones", st == 200 and CLONE in ids and d.get("reads", {}).get("total") == [120],
          (st, str(d)[:300]))
    stored = fetch_stored(state["sf_fa"])
    st, data = c.request("GET", "/vidjil/sample_set/download_sequence_file/" + stored)
    check("download is byte-identical", st == 200 and hashlib.sha256(data).hexdigest() == state["fa_sha"],
          (st, len(data)))


def main():
    mode, url, cafile, email, password, state_file, stored_cmd = sys.argv[1:8]
    import subprocess

    def fetch_stored(sf):
        return subprocess.run(stored_cmd.replace("{id}", str(int(sf))), shell=True, capture_output=True,
                              text=True, check=True).stdout.strip()

    c = Client(url, cafile)
    if not login(c, email, password):
        return 1
    if mode == "setup":
        state = {}
        setup(c, state)
        json.dump(state, open(state_file, "w"))
        if state:
            verify(c, state, fetch_stored)
    else:
        state = json.load(open(state_file))
        if check("state of the first install", state.get("ss"), state):
            verify(c, state, fetch_stored)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
