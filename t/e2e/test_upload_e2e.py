"""Uploads through nginx (file/upload): reference FASTA/FASTQ files, gzip, pairs, both field
orders, content mismatches, refused targets, a client killed mid-body and an over-limit body.
After every refusal the database and the upload directory must be exactly as before."""
import gzip
import hashlib
import importlib.util
import os
import socket
import subprocess
import sys
import time

import vtest

_spec = importlib.util.spec_from_file_location(
    "sets_lib_upload", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)


def _sample(env):
    c, uid, group = lib.lab_user(env)
    pid = lib.create_set(c, group, "patient")
    return c, pid, lib.create_sample(c, [pid], filename="reads.fa")


def _row(env, fid):
    return env.sql("SELECT COALESCE(data_file, ''), COALESCE(data_file2, ''), size_file, size_file2 FROM sequence_file "
                   "WHERE id = ?", fid)[0]


def _stored_ok(env, c, fid, data, number=1):
    row = _row(env, fid)
    stored = row[number - 1]
    assert stored.startswith("sequence_file.data_file%s." % ("2" if number == 2 else "")), row
    assert int(row[1 + number]) == len(data)
    assert open(os.path.join(lib.uploads_dir(env), stored), "rb").read() == data
    assert env.sql("SELECT size, sha256 FROM vidjil_sequence_checksum WHERE sequence_file_id = ? AND file_number = ?",
                   fid, number) == [[str(len(data)), hashlib.sha256(data).hexdigest()]]
    got = c.get("/vidjil/sample_set/download_sequence_file/" + stored)
    assert got.status == 200 and got.body == data and got.header("content-encoding") == "", got
    return stored


def test_reference_fasta_and_fastq(env):
    files = [(n, lib.shared_file(env, n)) for n in ("Demo-X5.fa", "clones_simul.fa")]
    if not all(d for _, d in files):
        raise vtest.Skip("../shared/data is absent")
    for name, data in files:  # clones_simul.fa is FASTQ in a .fa name: same family, accepted
        c, pid, fid = _sample(env)
        a = lib.upload(c, fid, name, data)
        assert a.status == 200 and a.json()["message"] == " file {%d} upload finished (%s) (%d)" % (fid, name, len(data)), a
        stored = _stored_ok(env, c, fid, data)
        assert stored.endswith(".fa")


def test_generated_fasta_fastq_both_field_orders(env):
    for data, name in ((lib.fasta(), "a.fasta"), (lib.fastq(), "b.fastq")):
        c, pid, fid = _sample(env)
        a = lib.upload(c, fid, name, data)
        assert a.status == 200, a
        _stored_ok(env, c, fid, data)


def test_file_before_id_is_refused_before_anything_is_stored(env):
    """Issue 9: a file part that came before `id` was written to disk before the permission check."""
    c, pid, fid = _sample(env)
    other, _, _ = lib.lab_user(env)
    before_disk, before_row = lib.disk_state(env), _row(env, fid)
    for client in (c, other):
        a = lib.upload(client, fid, "b.fastq", lib.fastq(), file_first=True)
        assert a.status == 400 and "'id' must come before the file" in a.json()["message"], a
        assert lib.disk_state(env) == before_disk and _row(env, fid) == before_row
    # The id in the URL is known before the body: the file may come first then.
    body, ctype = lib.multipart([("file", "b.fastq", lib.fastq()), ("file_number", None, "1")])
    a = other.post("/vidjil/file/upload", query={"id": fid}, body=body, content_type=ctype)
    assert a.status == 403 and lib.disk_state(env) == before_disk, a
    a = c.post("/vidjil/file/upload", query={"id": fid}, body=body, content_type=ctype)
    assert a.status == 200, a
    _stored_ok(env, c, fid, lib.fastq())


def test_long_and_multibyte_file_names_are_stored(env):
    """Issue 9: a 150-255 character name gave 500 (stored name longer than NAME_MAX)."""
    for name in ("a" * 150 + ".fastq", "b" * 249 + ".fastq", "\u00e9" * 120 + ".fastq", "\u6587" * 80 + ".fa"):
        c, uid, group = lib.lab_user(env)
        fid = lib.create_sample(c, [lib.create_set(c, group, "patient")], filename=name)
        data = lib.fastq()
        a = lib.upload(c, fid, name, data)
        assert a.status == 200, (len(name.encode()), a)
        stored = _stored_ok(env, c, fid, data)
        assert len(stored) <= 255
        assert env.sql("SELECT filename FROM sequence_file WHERE id = ?", fid) == [[name]]  # the original name


def test_gzip_and_airr_results(env):
    c, pid, fid = _sample(env)
    data = gzip.compress(lib.fastq(200))
    assert lib.upload(c, fid, "reads.fastq.gz", data).status == 200
    assert _stored_ok(env, c, fid, data).endswith(".gz")
    airr = lib.shared_file(env, "airr_igblast.tsv.gz")
    if airr:
        c2, _, f2 = _sample(env)
        assert lib.upload(c2, f2, "airr_igblast.tsv.gz", airr).status == 200


def test_paired_upload(env):
    c, pid, fid = _sample(env)
    r1, r2 = lib.fastq(40, 1), lib.fastq(40, 2)
    assert lib.upload(c, fid, "s_R1.fastq", r1, number=1).status == 200
    assert lib.upload(c, fid, "s_R2.fastq", r2, number=2).status == 200
    _stored_ok(env, c, fid, r1, 1)
    _stored_ok(env, c, fid, r2, 2)


def test_refusals_leave_nothing_behind(env):
    c, pid, fid = _sample(env)
    other, _, _ = lib.lab_user(env)
    cases = [
        (c, fid, "x.fastq", lib.shared_file(env, "airr_mixcr.tsv") or b"sequence_id\tsequence\tv_call\n1\tACGT\tIGHV1\n",
         415, "content is airr"),
        (c, fid, "x.fa", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, 415, "neither FASTA"),
        (c, fid, "x.fa.gz", lib.fasta(), 415, "not gzip"),
        (c, fid, "empty.fa", b"", 415, "empty"),
        (c, fid, "../../etc/x.fa", lib.fasta(), 400, "path"),
        (other, fid, "x.fa", lib.fasta(), 403, "no sequence file with this id"),  # another lab's file
        (c, 999999999, "x.fa", lib.fasta(), 403, "no sequence file with this id"),  # unknown id: same answer
    ]
    before_disk, before_row = lib.disk_state(env), _row(env, fid)
    for client, target, name, data, status, words in cases:
        a = lib.upload(client, target, name, data)
        j = a.json()
        assert a.status == status and j["success"] == "false" and j["priority"] == 3 and words in j["message"], (name, a)
        assert lib.disk_state(env) == before_disk and _row(env, fid) == before_row, name
    bad = c.post("/vidjil/file/upload", body=b"--x\r\n", content_type="text/plain")
    assert bad.status == 415 and lib.disk_state(env) == before_disk


KILLED_CLIENT = r"""
import socket, sys, time
port, cookie, ctype, total = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(("POST /vidjil/file/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\nContent-Type: %s\r\n"
           "Content-Length: %d\r\n\r\n" % (cookie, ctype, total)).encode())
s.sendall(sys.stdin.buffer.read())
print("sent", flush=True)
time.sleep(60)
"""


def test_interrupted_upload_leaves_no_row_and_no_file(env):
    c, pid, fid = _sample(env)
    body, ctype = lib.multipart([("id", None, str(fid)), ("file_number", None, "1"), ("file", "big.fa", lib.fasta(20000))])
    before_disk, before_row = lib.disk_state(env), _row(env, fid)
    cookie = "vidjil_session=" + c.cookies["vidjil_session"]
    p = subprocess.Popen([sys.executable, "-c", KILLED_CLIENT, str(env.port), cookie, ctype, str(len(body))],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    p.stdin.write(body[: len(body) // 2])
    p.stdin.close()
    assert p.stdout.readline().strip() == b"sent"
    time.sleep(0.3)
    p.kill()  # the client dies mid-body
    p.wait()
    deadline = time.time() + 10
    while time.time() < deadline and lib.disk_state(env) != before_disk:
        time.sleep(0.2)
    assert lib.disk_state(env) == before_disk and _row(env, fid) == before_row
    assert lib.upload(c, fid, "ok.fa", lib.fasta()).status == 200  # the server is fine afterwards


def test_over_limit_upload_is_refused_before_the_body(env):
    c, pid, fid = _sample(env)
    before_disk, before_row = lib.disk_state(env), _row(env, fid)
    s = socket.create_connection(("127.0.0.1", env.port), timeout=30)
    s.sendall(("POST /vidjil/file/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: vidjil_session=%s\r\n"
               "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\nConnection: close\r\n\r\n--b\r\n"
               % (c.cookies["vidjil_session"], 30 << 30)).encode())
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
    s.close()
    assert answer.split(b"\r\n", 1)[0].split()[1] == b"413", answer[:200]
    assert lib.disk_state(env) == before_disk and _row(env, fid) == before_row


def test_paired_upload_queues_the_pre_process(env):
    c, pid, fid = _sample(env)
    env.sql("INSERT INTO pre_process (name, command, info) VALUES (?, 'cat &file1& &file2& > &result&', 'test')",
            env.unique("merge"))
    pp = int(env.sql("SELECT MAX(id) FROM pre_process")[0][0])
    env.sql("UPDATE sequence_file SET pre_process_id = ? WHERE id = ?", pp, fid)
    first = lib.upload(c, fid, "p_R1.fastq", lib.fastq(20, 1), number=1)
    assert first.status == 200 and "pre_process" not in first.json(), first  # waits for file 2
    second = lib.upload(c, fid, "p_R2.fastq", lib.fastq(20, 2), number=2)
    assert second.status == 200 and second.json()["pre_process"] == "queued", second
    tasks = env.sql("SELECT status FROM scheduler_task WHERE task_name = 'pre_process' AND id = "
                    "(SELECT pre_process_scheduler_task_id FROM sequence_file WHERE id = ?)", fid)
    assert tasks and tasks[0][0] in ("QUEUED", "PENDING"), tasks
