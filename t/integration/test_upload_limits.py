"""file/upload limits (issue 9): the per-user quota (UPLOAD_QUOTA, on by default) and the free
space guard (UPLOAD_MIN_FREE): refused with a clear message, nothing stored, no row changed."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
import vtest  # noqa: E402

FASTA = "".join(">r%d\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" % i for i in range(100))


def _conf(env, **keys):
    fd, path = tempfile.mkstemp(prefix="vidjil-upload-", suffix=".conf")
    text = "".join(line for line in open(env.conf) if line.split("=")[0].strip() not in keys)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n" + "".join("%s = %s\n" % kv for kv in keys.items()))
    return path


def _upload(env, c, sf, conf):
    boundary = "----limits" + env.unique()
    body = ("--%s\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n%d\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"file_number\"\r\n\r\n2\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r2.fa\"\r\n\r\n%s\r\n--%s--\r\n"
            % (boundary, sf, boundary, boundary, FASTA, boundary)).encode()
    return env.cgi("file", "POST", "/vidjil/file/upload", body=body, content_type="multipart/form-data; boundary=" + boundary,
                   cookie=fx.cookie(c), conf=conf)


def _sample(env):
    email, pw, uid, c = fx.new_lab_user(env)
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=env.unique("Quota"))
    sf, _ = fx.add_file(env, ss, "r1.fa", content=FASTA[:200])
    env.sql("UPDATE sequence_file SET provider = ? WHERE id = ?", uid, sf)
    return c, uid, sf


def _files(env):
    d = fx.conf_values(env)["DIR_SEQUENCES"]
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)


def _check_refused(env, c, sf, conf, status, words):
    before_row, before_files = env.sql("SELECT * FROM sequence_file WHERE id = ?", sf), _files(env)
    try:
        a = _upload(env, c, sf, conf)
    finally:
        os.unlink(conf)
    assert a.status == status and a.json()["success"] == "false" and words in a.json()["message"], (a, a.stderr)
    assert env.sql("SELECT * FROM sequence_file WHERE id = ?", sf) == before_row
    assert _files(env) == before_files


def test_quota_is_on_by_default(env):
    c, uid, sf = _sample(env)
    # The user's files already take 100 GiB minus a few bytes (the default quota).
    env.sql("UPDATE sequence_file SET size_file = ? WHERE id = ?", (100 << 30) - 1000, sf)
    _check_refused(env, c, sf, _conf(env), 413, "upload quota is exceeded")
    # 0: no quota.
    conf = _conf(env, UPLOAD_QUOTA=0)
    try:
        assert _upload(env, c, sf, conf).status == 200
    finally:
        os.unlink(conf)


def test_quota_set_by_the_administrator(env):
    c, uid, sf = _sample(env)
    _check_refused(env, c, sf, _conf(env, UPLOAD_QUOTA=len(FASTA) // 2), 413, "upload quota is exceeded")
    conf = _conf(env, UPLOAD_QUOTA=10 * len(FASTA))
    try:
        assert _upload(env, c, sf, conf).status == 200
    finally:
        os.unlink(conf)


def test_upload_refused_when_it_would_leave_too_little_free_space(env):
    c, uid, sf = _sample(env)
    st = os.statvfs(fx.conf_values(env)["DIR_SEQUENCES"])
    free = st.f_bavail * st.f_frsize
    _check_refused(env, c, sf, _conf(env, UPLOAD_MIN_FREE=free + (1 << 30)), 507, "not have enough free space")
