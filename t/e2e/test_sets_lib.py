"""Helpers shared by the sets-area tests (sample sets, sequence files, uploads, IDOR matrix).
Not a test module itself: it defines no test_ function. Other modules load it with load()
below (test modules are not on sys.path)."""
import json
import os
import random
import urllib.parse
import uuid


def personal_group(client):
    """Id of the group the user may create sets in (their personal group)."""
    groups = client.get("/vidjil/default/whoami").json()["groups"]
    return int(groups[0]["id"])


def lab_user(env, first="Lab", last="User"):
    """A new user, logged in: (client, user id, personal group id)."""
    email, pw, uid = env.new_user(first=first, last=last)
    c = env.client()
    assert c.login(email, pw).json()["user_id"] == uid
    return c, uid, personal_group(c)


def submit_sets(client, data, in_body=False):
    """sample_set/submit as the api sends it (data= JSON in the query string) or as the web
    client does (urlencoded body)."""
    text = json.dumps(data, separators=(",", ":"))
    if in_body:
        return client.post("/vidjil/sample_set/submit", form=[("data", text)])
    return client.post("/vidjil//sample_set/submit?data=" + urllib.parse.quote(text))


def create_set(client, group, kind, **fields):
    row = {"id": "", "sample_set_id": ""}
    if kind == "patient":
        row.update(first_name="Ana", last_name="Doe", birth="2001-02-03", info="", id_label="")
    elif kind == "run":
        row.update(name="run", run_date="2024-01-01", info="", id_label="", sequencer="", pcr="")
    else:
        row.update(name="set", info="")
    row.update(fields)
    a = submit_sets(client, {"group": group, kind: [row]})
    j = a.json()
    assert j.get("redirect") == "sample_set/index", a
    return j["args"]["id"]


def submit_files(client, set_ids, files, source="computer", pre_process="0"):
    data = {"source": source, "pre_process": pre_process, "set_ids": "|".join(":p+(%d)" % s for s in set_ids),
            "file": files}
    return client.post("/vidjil//file/submit?data=" + urllib.parse.quote(json.dumps(data)))


def create_sample(client, set_ids, filename="sample.fa", info="", sampling_date="", filename2=""):
    a = submit_files(client, set_ids, [{"id": "", "filename": filename, "filename2": filename2,
                                        "sampling_date": sampling_date, "info": info, "set_ids": ""}])
    j = a.json()
    assert "file_ids" in j, a
    return j["file_ids"][0]


def multipart(parts):
    """parts: list of (name, filename or None, data). Returns (body, content type)."""
    boundary = "----setsTest" + uuid.uuid4().hex
    out = []
    for name, filename, data in parts:
        disp = 'form-data; name="%s"' % name + ('; filename="%s"' % filename if filename is not None else "")
        out.append(("--%s\r\nContent-Disposition: %s\r\n\r\n" % (boundary, disp)).encode())
        out.append(data if isinstance(data, bytes) else data.encode())
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def upload(client, file_id, name, data, number="1", file_first=False):
    """file/upload as the api (fields first) or the web client's FormData (file first) send it."""
    fields = [("pre_process", None, "0"), ("id", None, str(file_id)), ("file_number", None, str(number))]
    parts = [("file", name, data)] + fields if file_first else fields + [("file", name, data)]
    body, ctype = multipart(parts)
    return client.post("/vidjil/file/upload", body=body, content_type=ctype)


def index_json(client, ssid, config_id=-1):
    return client.get("/vidjil/sample_set/index", query={"id": ssid, "config_id": config_id, "format": "json"}).json()


def list_json(client, kind, filter_text="", **extra):
    q = {"type": kind, "filter": filter_text, "format": "json"}
    q.update(extra)
    return client.get("/vidjil/sample_set/all", query=q).json()


def uploads_dir(env):
    return os.path.join(env.state, "data", "uploads")


def disk_state(env):
    """Every file under the upload directory, temporary ones included."""
    out = set()
    for root, _, files in os.walk(uploads_dir(env)):
        for f in files:
            out.add(os.path.relpath(os.path.join(root, f), uploads_dir(env)))
    return out


def fasta(n=30, seed=1):
    rng = random.Random(seed)
    return "".join(">read%d\n%s\n" % (i, "".join(rng.choice("ACGT") for _ in range(80))) for i in range(n)).encode()


def fastq(n=30, seed=2):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        s = "".join(rng.choice("ACGT") for _ in range(60))
        out.append("@read%d\n%s\n+\n%s\n" % (i, s, "I" * 60))
    return "".join(out).encode()


def shared_file(env, name):
    if env.shared_data and os.path.exists(os.path.join(env.shared_data, name)):
        return open(os.path.join(env.shared_data, name), "rb").read()
    return None


def row_count(env, table, where="1=1", *params):
    return int(env.sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where), *params)[0][0])

