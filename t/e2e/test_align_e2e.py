"""End-to-end tests of align.cgi and similarity.cgi (api.md §2.10) through nginx, posted the way
the web client does (raw FASTA body, jQuery's urlencoded Content-Type, no credentials):
known small alignments exactly, alignment properties on the shared demo reads, CORS from the
allow-list only, and clear 4xx {"Error": ...} answers for bad input within bounded time."""
import json
import os
import time

import vtest

ALIGN = "/vidjil/cgi/align.cgi"
SIMILARITY = "/vidjil/cgi/similarity.cgi"
FORM = "application/x-www-form-urlencoded; charset=UTF-8"  # what jQuery sends


def _post(env, path, body, content_type=FORM, headers=None):
    return env.client().post(path, body=body, content_type=content_type, headers=headers)


def _fasta(records):
    return "".join(">%s\n%s\n" % (name, seq) for name, seq in records)


def _demo_reads(env, count):
    if env.shared_data is None:
        raise vtest.Skip("../shared/data is absent")
    records, name = [], None
    for line in open(os.path.join(env.shared_data, "Demo-X5.fa")):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(">"):
            name = line[1:]
            records.append([name, ""])
        elif name is not None:
            records[-1][1] += line
    return [(n, s) for n, s in records if s][:count]


def _error(a, status, words):
    assert a.status == status, a
    assert a.header("content-type").startswith("text/html"), a
    j = json.loads(a.text)
    assert list(j) == ["Error"] and words in j["Error"], j


def test_known_small_cases_exactly(env):
    a = _post(env, ALIGN, _fasta([("ref", "AAAACCCCGGGGTTTT"), ("ins", "AAAACCCCGGGGATTTT"), ("del", "AAAACCCCTTTT")]))
    assert a.status == 200 and a.header("content-type") == "text/html; charset=UTF-8", a
    j = json.loads(a.text)
    assert j["requestMethod"] == "POST" and j["contentType"] == FORM
    assert j["seq"] == ["AAAACCCCGGGG-TTTT", "AAAACCCCGGGGATTTT", "AAAACCCC-----TTTT"]
    same = json.loads(_post(env, ALIGN, _fasta([("a", "ACGTACGT"), ("b", "ACGTACGT")])).text)
    assert same["seq"] == ["ACGTACGT", "ACGTACGT"]
    one = json.loads(_post(env, ALIGN, ">only\nacgt\n").text)
    assert one["seq"] == ["acgt"]


def test_alignment_properties_on_demo_reads(env):
    reads = _demo_reads(env, 14)
    a = _post(env, ALIGN, _fasta(reads))
    assert a.status == 200, a
    seqs = json.loads(a.text)["seq"]
    assert len(seqs) == len(reads)
    assert len({len(s) for s in seqs}) == 1
    assert [s.replace("-", "") for s in seqs] == [r[1] for r in reads]


def test_similarity_matrix(env):
    a = _post(env, SIMILARITY, _fasta([("r", "ACGT"), ("s", "ACGA"), ("cdr3", "CASSL")]))
    assert a.status == 200 and a.header("content-type").startswith("text/html"), a
    assert json.loads(a.text) == [[100.0, 75.0, 20.0], [75.0, 100.0, 20.0], [20.0, 20.0, 100.0]]
    reads = _demo_reads(env, 6)
    m = json.loads(_post(env, SIMILARITY, _fasta(reads)).text)
    assert len(m) == 6 and all(len(row) == 6 for row in m)
    assert all(m[i][i] == 100 for i in range(6)) and all(m[i][j] == m[j][i] for i in range(6) for j in range(6))


def test_post_only_and_bad_input(env):
    g = env.client().get(ALIGN)
    _error(g, 405, "accepts only POST")
    assert g.header("allow") == "POST"
    _error(_post(env, ALIGN, ""), 400, "empty request")
    _error(_post(env, ALIGN, "hello world\n"), 400, "not FASTA")
    _error(_post(env, ALIGN, ">a\nACGT\n>b\nACXT\n"), 400, "contains 'X'")
    _error(_post(env, ALIGN, ">a\nACGT\n>b\n"), 400, "has no sequence")
    _error(_post(env, ALIGN, "".join(">s%d\nACGT\n" % i for i in range(3000))), 400, "too many sequences")
    _error(_post(env, ALIGN, ">a\n" + "A" * 10001 + "\n"), 400, "too long")
    _error(_post(env, SIMILARITY, ">a\nCASS1\n"), 400, "contains '1'")
    err = _post(env, ALIGN, ">a\nAC<script>\n")
    assert err.status == 400 and "<script" not in err.text  # nothing in an answer is markup


def test_huge_bodies_are_refused_fast(env):
    t0 = time.time()
    _error(_post(env, ALIGN, b">a\n" + b"A" * (10 << 20)), 413, "request too large")
    _error(_post(env, SIMILARITY, b">a\n" + b"ACGT" * (1 << 20)), 413, "request too large")
    assert time.time() - t0 < 10
    # Many long sequences under the byte limit: refused by the work bound before any alignment.
    t0 = time.time()
    body = _fasta([("s%d" % i, "ACGT" * 2500) for i in range(190)])
    _error(_post(env, ALIGN, body), 400, "request too large to align")
    assert time.time() - t0 < 10


def test_cors_from_the_allow_list_only(env):
    allowed = "http://localhost:%d" % env.port  # in CLIENT_ORIGINS of the test configuration
    body = _fasta([("a", "ACGT"), ("b", "ACGT")])
    ok = _post(env, ALIGN, body, headers={"Origin": allowed, "Sec-Fetch-Site": "same-site"})
    assert ok.status == 200 and ok.header("access-control-allow-origin") == allowed, ok
    evil = _post(env, ALIGN, body, headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert evil.status == 403 and evil.header("access-control-allow-origin") == "", evil
    assert "seq" not in evil.text
    # Scripts and the command line (no browser headers) are served.
    assert _post(env, ALIGN, body).status == 200


def test_original_cgi_paths_and_no_credentials(env):
    """The program also answers the original's /cgi/ URLs (nginx needs a `location /cgi/` for them)."""
    body = _fasta([("a", "ACGTT"), ("b", "ACGT")])
    for path in ("/cgi/align.cgi", ALIGN):
        a = env.cgi("align", "POST", path, body=body, content_type=FORM, cookie="vidjil_session=whatever")
        assert a.status == 200, (a, a.stderr)
        assert json.loads(a.text)["seq"] == ["ACGTT", "ACG-T"]  # the gap slides left in a repeat
        assert "set-cookie" not in a.headers  # no session is touched
    s = env.cgi("align", "POST", "/cgi/similarity.cgi", body=body, content_type=FORM)
    assert s.status == 200 and json.loads(s.text)[0][0] == 100
