"""Integration tests of the sample_set and file programs run as CGIs, with configurations the
shared stack does not have: malformed uploads, size limit and quota, the trash directory, the
mounted filesystem (FILE_SOURCE) with its confinement, and the audit / user_log lines."""
import importlib.util
import os
import shutil
import uuid

_spec = importlib.util.spec_from_file_location(
    "sets_lib_cgi", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)


def _conf(env, extra):
    path = os.path.join(env.state, "etc", "sets-%s.conf" % uuid.uuid4().hex[:8])
    with open(path, "w") as f:
        f.write(open(env.conf).read() + "\n" + extra + "\n")
    return path


def _cookie(client):
    return "vidjil_session=" + client.cookies["vidjil_session"]


def _upload(env, client, body, ctype, conf=None, query=""):
    return env.cgi("file", "POST", "/vidjil/file/upload", query=query, body=body, content_type=ctype,
                   cookie=_cookie(client), conf=conf)


def _setup(env):
    c, uid, group = lib.lab_user(env)
    ssid = lib.create_set(c, group, "generic")
    return c, uid, ssid, lib.create_sample(c, [ssid])


def _state(env, fid):
    return lib.disk_state(env), env.sql("SELECT COALESCE(data_file, '-'), size_file FROM sequence_file WHERE id = ?", fid)


def test_malformed_uploads_change_nothing(env):
    c, uid, ssid, fid = _setup(env)
    good, ctype = lib.multipart([("id", None, str(fid)), ("file_number", None, "1"), ("file", "a.fa", lib.fasta())])
    boundary = ctype.split("boundary=")[1]
    before = _state(env, fid)
    cases = [
        ("no boundary", good, "multipart/form-data"),
        ("truncated part", good[: len(good) - 60], ctype),
        ("truncated in the file", good[: len(good) // 2], ctype),
        ("huge headers", ("--%s\r\nContent-Disposition: form-data; name=\"id\"\r\nX-Pad: %s\r\n\r\n1\r\n--%s--\r\n"
                          % (boundary, "p" * 40000, boundary)).encode(), ctype),
        ("NUL in headers", good.replace(b'name="file"', b'name="fi\x00le"'), ctype),
        ("NUL in a field", good.replace(b"\r\n\r\n%d\r\n" % fid, b"\r\n\r\n%d\x00\r\n" % fid), ctype),
        ("control chars in the name", good.replace(b'filename="a.fa"', b'filename="a\x07.fa"'), ctype),
        ("path in the name", good.replace(b'filename="a.fa"', b'filename="../../a.fa"'), ctype),
        ("bad file_number", good.replace(b"\r\n\r\n1\r\n", b"\r\n\r\n3\r\n"), ctype),
        ("not multipart", b"id=%d" % fid, "application/x-www-form-urlencoded"),
        ("no file", lib.multipart([("id", None, str(fid))])[0], None),
    ]
    for name, body, ct in cases:
        if ct is None:
            body, ct = lib.multipart([("id", None, str(fid))])
        a = _upload(env, c, body, ct)
        j = a.json()
        assert 400 <= a.status < 500 and j["success"] == "false" and j["message"], (name, a)
        assert _state(env, fid) == before, name
    assert _upload(env, c, good, ctype).status == 200  # and the well-formed one works


def test_size_limit_and_quota(env):
    c, uid, ssid, fid = _setup(env)
    small = _conf(env, "UPLOAD_MAX_SIZE = 1000")
    body, ctype = lib.multipart([("id", None, str(fid)), ("file", "a.fa", lib.fasta(100))])
    before = _state(env, fid)
    a = _upload(env, c, body, ctype, conf=small)
    assert a.status == 413 and "larger than the limit" in a.json()["message"], a
    assert _state(env, fid) == before
    data = lib.fasta(60)  # about 5.5 kB
    quota = _conf(env, "UPLOAD_QUOTA = %d" % (len(data) * 3 // 2))
    body, ctype = lib.multipart([("id", None, str(fid)), ("file", "a.fa", data)])
    assert _upload(env, c, body, ctype, conf=quota).status == 200
    assert _upload(env, c, body, ctype, conf=quota).status == 200  # replacing a file frees its bytes
    second = lib.create_sample(c, [ssid])
    body2, ctype2 = lib.multipart([("id", None, str(second)), ("file", "b.fa", data)])
    before = _state(env, second)
    q = _upload(env, c, body2, ctype2, conf=quota)
    assert q.status == 413 and "quota" in q.json()["message"], q
    assert _state(env, second) == before


def test_deleting_moves_files_to_the_trash(env):
    c, uid, ssid, fid = _setup(env)
    assert lib.upload(c, fid, "a.fa", lib.fasta()).status == 200
    stored = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", fid)[0][0]
    trash = os.path.join(env.state, "data", "trash-" + uuid.uuid4().hex[:6])
    conf = _conf(env, "DIR_TRASH = " + trash)
    a = env.cgi("file", "GET", "/vidjil/file/delete", query="id=%d&redirect_sample_set_id=%d&delete_results=True" % (fid, ssid),
                cookie=_cookie(c), conf=conf)
    assert a.json()["message"] == "sequence file (%d) deleted" % fid, a
    assert os.listdir(trash) == [stored] and stored not in lib.disk_state(env)
    other = lib.create_sample(c, [ssid])
    assert lib.upload(c, other, "b.fa", lib.fasta(5)).status == 200
    stored2 = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", other)[0][0]
    d = env.cgi("sample_set", "GET", "/vidjil/sample_set/delete", query="id=%d" % ssid, cookie=_cookie(c), conf=conf)
    assert d.json()["success"] == "true", d
    assert sorted(os.listdir(trash)) == sorted([stored, stored2])
    shutil.rmtree(trash)


def test_mounted_filesystem_is_confined(env):
    c, uid, ssid, fid = _setup(env)
    root = os.path.join(env.state, "data", "mnt-" + uuid.uuid4().hex[:6])
    os.makedirs(os.path.join(root, "sub"))
    open(os.path.join(root, "a.fastq"), "wb").write(lib.fastq())
    open(os.path.join(root, "sub", "b.fa"), "wb").write(lib.fasta())
    open(os.path.join(root, "notes.txt"), "w").write("x")
    open(os.path.join(root, "bad.fa"), "wb").write(b"\x00\x01binary")
    os.symlink("/etc", os.path.join(root, "escape"))
    os.symlink("/etc/passwd", os.path.join(root, "passwd.fa"))
    conf = _conf(env, "FILE_SOURCE = %s\nFILE_TYPES = fastq fa\nX_ACCEL_SEQUENCES =" % root)  # streamed, not X-Accel
    cookie = _cookie(c)

    def fs(node=None):
        return env.cgi("file", "GET", "/vidjil/file/filesystem", query="" if node is None else "node=" + node,
                       cookie=cookie, conf=conf)
    assert fs().json() == [{"text": "/", "id": "/", "children": True}]
    names = {n["text"]: n for n in fs("/").json()}
    assert set(names) == {"a.fastq", "bad.fa", "sub"}, names
    assert names["sub"]["children"] is True and names["a.fastq"]["icon"] == "jstree-file"
    assert names["a.fastq"]["li_attr"] == {"id": "/a.fastq", "title": "a.fastq"}
    assert [n["text"] for n in fs("/sub").json()] == ["b.fa"]
    for bad in ("/..", "/sub/../..", "/escape", "/../../etc"):
        assert fs(bad).status == 404, bad
    form = env.cgi("file", "GET", "/vidjil/file/form", query="sample_set_id=%d" % ssid, cookie=cookie, conf=conf).text
    assert 'id="source_nfs"' in form and 'id="jstree_loader"' in form and "db.set_jstree" in form

    def submit(path):
        data = {"source": "nfs", "pre_process": "0", "set_ids": ":s+(%d)" % ssid,
                "file": [{"id": "", "filename": path, "filename2": "", "sampling_date": "", "info": "", "set_ids": ""}]}
        import json
        import urllib.parse
        return env.cgi("file", "POST", "/vidjil/file/submit", query="data=" + urllib.parse.quote(json.dumps(data)),
                       cookie=cookie, conf=conf).json()
    before = lib.row_count(env, "sequence_file")
    for bad in ("/../../etc/passwd", "/passwd.fa", "/escape/passwd", "/notes.txt", "/bad.fa", "/nothere.fa"):
        j = submit(bad)
        assert j["success"] == "false", (bad, j)
    assert lib.row_count(env, "sequence_file") == before
    ok = submit("/sub/b.fa")
    new = ok["file_ids"][0]
    row = env.sql("SELECT network, size_file, data_file, filename FROM sequence_file WHERE id = ?", new)[0]
    assert row[0] == "T" and int(row[1]) == len(lib.fasta()) and row[3] == "b.fa", row
    link = os.path.join(lib.uploads_dir(env), row[2])
    assert os.path.islink(link) and os.path.realpath(link) == os.path.realpath(os.path.join(root, "sub", "b.fa"))
    assert row[2].startswith("sequence_file.data_file.") and row[2].endswith("." + b"b".hex() + ".fa")
    got = env.cgi("sample_set", "GET", "/vidjil/sample_set/download_sequence_file/" + row[2], cookie=cookie, conf=conf)
    assert got.status == 200 and got.body == lib.fasta(), got


def test_mounted_file_with_a_long_name(env):
    """Issue 9: the link's name took up to 399 bytes (over NAME_MAX) for a long name."""
    c, uid, ssid, fid = _setup(env)
    root = os.path.join(env.state, "data", "mnt-" + uuid.uuid4().hex[:6])
    os.makedirs(root)
    long_name = "\u00e9" * 100 + "x" * 40 + ".fa"  # 243 bytes
    open(os.path.join(root, long_name), "wb").write(lib.fasta())
    conf = _conf(env, "FILE_SOURCE = %s\nFILE_TYPES = fastq fa\nX_ACCEL_SEQUENCES =" % root)
    import json
    import urllib.parse
    data = {"source": "nfs", "pre_process": "0", "set_ids": ":s+(%d)" % ssid,
            "file": [{"id": "", "filename": "/" + long_name, "filename2": "", "sampling_date": "", "info": "",
                      "set_ids": ""}]}
    j = env.cgi("file", "POST", "/vidjil/file/submit", query="data=" + urllib.parse.quote(json.dumps(data)),
                cookie=_cookie(c), conf=conf).json()
    assert "file_ids" in j, j
    stored, filename = env.sql("SELECT data_file, filename FROM sequence_file WHERE id = ?", j["file_ids"][0])[0]
    assert filename == long_name and len(stored) <= 255 and stored.endswith(".fa"), (filename, stored)
    assert os.path.realpath(os.path.join(lib.uploads_dir(env), stored)) == os.path.realpath(os.path.join(root, long_name))


def test_audit_and_user_log_lines(env):
    c, uid, ssid, fid = _setup(env)
    assert lib.upload(c, fid, "a.fa", lib.fasta()).status == 200
    lib.index_json(c, ssid)
    log = env.sql("SELECT msg FROM user_log WHERE table_name = 'sequence_file' AND record_id = ? AND msg LIKE ?",
                  fid, "%upload file 1%")
    assert log and log[0][0].startswith("127.0.0.1" + " " * 21 + " <%d> upload file 1 (a.fa)" % uid), log
    assert lib.row_count(env, "vidjil_audit", "action = 'read' AND table_name = 'sample_set' AND record_id = ? "
                         "AND user_id = ?", ssid, uid) >= 1
    assert lib.row_count(env, "vidjil_audit", "action = 'upload' AND table_name = 'sequence_file' AND record_id = ?", fid) == 1
    stored = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", fid)[0][0]
    c.get("/vidjil/sample_set/download_sequence_file/" + stored)
    assert lib.row_count(env, "vidjil_audit", "action = 'download' AND table_name = 'sequence_file' AND record_id = ?", fid) == 1


def test_download_through_nginx_accel_redirect(env):
    """With X_ACCEL_SEQUENCES the program only checks permissions and names the file:
    nginx sends it from an `internal` location (no file body goes through the program)."""
    c, uid, ssid, fid = _setup(env)
    assert lib.upload(c, fid, "a.fa", lib.fasta()).status == 200
    stored = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", fid)[0][0]
    conf = _conf(env, "X_ACCEL_SEQUENCES = /vidjil-sequences/")
    a = env.cgi("sample_set", "GET", "/vidjil/sample_set/download_sequence_file/" + stored, cookie=_cookie(c), conf=conf)
    assert a.status == 200 and a.header("x-accel-redirect") == "/vidjil-sequences/" + stored and a.body == b"", a
    assert 'filename="a.fa"' in a.header("content-disposition")
    other, _, _ = lib.lab_user(env)
    denied = env.cgi("sample_set", "GET", "/vidjil/sample_set/download_sequence_file/" + stored, cookie=_cookie(other),
                     conf=conf)
    assert denied.status == 404 and denied.header("x-accel-redirect") == ""
