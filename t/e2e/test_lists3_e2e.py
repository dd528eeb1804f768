"""Lists of sets, issue 13 fourth session ("lists3" area): sample_set/all's sort by file count
reads the count kept in each detail row (patient/run/generic.file_count, sql/062) instead of
counting every listed set's memberships. The kept count must be the counted one after every way
a membership or a file comes or goes, including the foreign keys' cascades (which fire no
trigger), import-dump and a trigger made again by migrate; while a trigger is missing, the list
must count. Each check compares the sorted page with the order the memberships give
(COUNT(*) per set, ascending, then newest set first; reverse: both descending)."""
import importlib.util
import json
import os
import subprocess
import urllib.parse

import vtest
from vlab import Lab

_spec = importlib.util.spec_from_file_location(
    "sets_lib_lists3", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)

KINDS = ("patient", "run", "generic")


def _admin_cmd(env, *args):
    return subprocess.run([os.path.join(env.builddir, "vidjil-admin")] + list(args), capture_output=True, text=True,
                          env={"VIDJIL_CONF": env.conf, "VIDJIL_SQL_DIR": os.path.join(env.srcdir, "sql"),
                               "PATH": "/usr/bin:/bin"}, timeout=300)


def _truth(sql, kind, word):
    """The sets of `kind` whose info holds `word`, in the order of the counted memberships."""
    rows = sql("SELECT d.sample_set_id, (SELECT COUNT(*) FROM sample_set_membership m WHERE m.sample_set_id = "
               "d.sample_set_id) FROM %s d WHERE d.info LIKE ?" % kind, "%" + word + "%")
    counted = [(int(n), int(s)) for s, n in rows]
    asc = [s for n, s in sorted(counted, key=lambda x: (x[0], -x[1]))]
    desc = [s for n, s in sorted(counted, key=lambda x: (-x[0], -x[1]))]
    return asc, desc


def _listed(get, kind, word, reverse):
    q = {"type": kind, "filter": word, "format": "json", "sort": "file_count"}
    if reverse:
        q["reverse"] = "true"
    a = get(q)
    assert a.status == 200, a
    return [r["sample_set_id"] for r in a.json()["query"]]


def _mismatches(get, sql, word):
    """The kinds whose sorted page differs from the counted order (either direction)."""
    bad = []
    for kind in KINDS:
        asc, desc = _truth(sql, kind, word)
        assert asc, "no %s set holds %s" % (kind, word)
        if _listed(get, kind, word, False) != asc or _listed(get, kind, word, True) != desc:
            bad.append(kind)
    return bad


def _kept_stale(sql, word):
    """Sets whose kept count is not their number of memberships."""
    out = []
    for kind in KINDS:
        out += sql("SELECT d.sample_set_id FROM %s d WHERE d.info LIKE ? AND d.file_count <> (SELECT COUNT(*) FROM "
                   "sample_set_membership m WHERE m.sample_set_id = d.sample_set_id)" % kind, "%" + word + "%")
    return out


def test_sort_by_file_count_follows_every_path_of_memberships_and_files(env):
    c, uid, group = lib.lab_user(env)
    word = env.unique("fc")
    get = lambda q: c.get("/vidjil/sample_set/all", query=q)

    def check(step):
        assert _kept_stale(env.sql, word) == [], step
        assert _mismatches(get, env.sql, word) == [], step

    sets = {k: [lib.create_set(c, group, k, info="%s %d" % (word, i), **({"last_name": "L%d" % i} if k == "patient" else
                                                                         {"name": "n%d" % i}))
                for i in range(4)] for k in KINDS}
    p, r, g = sets["patient"], sets["run"], sets["generic"]
    check("sets without files")
    # Added through the web: files in one, two and three sets.
    files = []
    for n, targets in enumerate([[p[0]], [p[0], r[0]], [p[0], r[0], g[0]], [p[1], r[1]], [p[2]], [g[2], r[1]],
                                 [p[0], g[2]], [r[3]]]):
        files.append(lib.create_sample(c, targets, filename="f%d.fa" % n))
    check("files added")
    # A file given other sets through the web (file/submit with its id).
    moved = lib.submit_files(c, [p[3], g[3]], [{"id": str(files[4]), "filename": "", "filename2": "",
                                                "sampling_date": "", "info": "", "set_ids": ""}])
    assert moved.json().get("file_ids") == [files[4]], moved
    check("file linked to other sets")
    # A file deleted through the web (its memberships go by the foreign key's cascade).
    c.post("/vidjil/file/delete", query={"id": files[1], "redirect_sample_set_id": p[0], "delete_results": "True"})
    assert lib.row_count(env, "sequence_file", "id = ?", files[1]) == 0
    check("file deleted")
    # A set deleted through the web: its own files go, a shared one stays in the other sets.
    d = c.get("/vidjil//sample_set/delete", query={"id": p[0], "format": "json"}).json()
    assert d.get("success") == "true", d
    check("set deleted")
    # Behind the programs' backs, as another host or a script would: a membership moved to
    # another set, a file and a set deleted by SQL alone (cascades), a detail row given another
    # set, a detail row made for a set that already has files.
    env.sql("UPDATE sample_set_membership SET sample_set_id = ? WHERE sample_set_id = ? AND sequence_file_id = ?",
            g[1], r[1], files[3])
    check("membership moved by SQL")
    env.sql("DELETE FROM sequence_file WHERE id = ?", files[6])
    check("file deleted by SQL")
    env.sql("DELETE FROM sample_set WHERE id = ?", r[0])
    check("set deleted by SQL")
    # Two patients with different numbers of files exchange their sets: each must take the
    # other's count.
    counts = {int(s): int(n) for s, n in env.sql(
        "SELECT d.sample_set_id, COUNT(m.id) FROM patient d LEFT JOIN sample_set_membership m ON m.sample_set_id = "
        "d.sample_set_id WHERE d.info LIKE ? GROUP BY d.sample_set_id", "%" + word + "%")}
    a, b = min(counts, key=counts.get), max(counts, key=counts.get)
    assert counts[a] != counts[b], counts
    env.sql("UPDATE patient SET sample_set_id = IF(sample_set_id = ?, ?, ?) WHERE sample_set_id IN (?, ?)", a, b, a, a, b)
    check("detail rows given other sets")
    env.sql("INSERT INTO sample_set (sample_type, creator) VALUES ('patient', ?)", uid)
    orphan = int(env.sql("SELECT MAX(id) FROM sample_set")[0][0])
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'sample_set', ?)",
            group, orphan)
    env.sql("INSERT INTO sample_set_membership (sample_set_id, sequence_file_id) VALUES (?, ?), (?, ?)",
            orphan, files[2], orphan, files[7])
    env.sql("INSERT INTO patient (first_name, last_name, info, creator, sample_set_id, file_count) "
            "VALUES ('A', 'Late', ?, ?, ?, 42)", word + " late", uid, orphan)
    check("detail row made after its files")
    # The check sees a stale count: made stale by hand, the page differs from the counted order.
    env.sql("UPDATE run SET file_count = file_count + 100 WHERE sample_set_id = ?", r[2])
    try:
        assert _mismatches(get, env.sql, word) == ["run"]
    finally:
        env.sql("UPDATE run SET file_count = file_count - 100 WHERE sample_set_id = ?", r[2])
    check("repaired")


def test_list_counts_while_a_count_trigger_is_missing_and_migrate_recounts(env):
    c, uid, group = lib.lab_user(env)
    word = env.unique("fm")
    sets = {k: [lib.create_set(c, group, k, info="%s %d" % (word, i)) for i in range(3)] for k in KINDS}
    for k in KINDS:
        lib.create_sample(c, [sets[k][0]])
        lib.create_sample(c, [sets[k][0], sets[k][1]])
    cookie = "vidjil_session=" + c.cookies["vidjil_session"]
    # A fresh CGI process asks the database which triggers exist (no 30 s process gate).
    cgi = lambda q: env.cgi("sample_set", "GET", "/vidjil/sample_set/all", query=urllib.parse.urlencode(q), cookie=cookie)
    assert _mismatches(cgi, env.sql, word) == []
    try:
        # As after a load without triggers: one missing and the counts stale (those sets would
        # sort first on the kept counts: 0 files).
        env.sql("DROP TRIGGER vidjil_chg_cnt_membership_ins")
        for k in KINDS:
            env.sql("UPDATE %s SET file_count = 0 WHERE sample_set_id = ?" % k, sets[k][0])
        assert _kept_stale(env.sql, word)
        assert _mismatches(cgi, env.sql, word) == []  # counted, not read from the stale column
    finally:
        m = _admin_cmd(env, "migrate")
    assert m.returncode == 0, m.stderr
    assert "created 1 change-counter triggers" in m.stdout, m.stdout
    # migrate made the trigger again and counted every set again.
    assert _kept_stale(env.sql, word) == []
    assert _mismatches(cgi, env.sql, word) == []
    lib.create_sample(c, [sets["generic"][2]])
    lib.create_sample(c, [sets["generic"][2]])
    assert _kept_stale(env.sql, word) == []
    assert _mismatches(cgi, env.sql, word) == []


def _dump(rows):
    out = ["-- MariaDB dump (test)", "/*!40101 SET NAMES utf8mb4 */;"]
    for table, cols, values in rows:
        out.append("LOCK TABLES `%s` WRITE;" % table)
        out.append("INSERT INTO `%s` (%s) VALUES %s;" % (
            table, ", ".join("`%s`" % x for x in cols),
            ",".join("(" + ",".join(str(v) if isinstance(v, int) else "'%s'" % v for v in vs) + ")" for vs in values)))
        out.append("UNLOCK TABLES;")
    return "\n".join(out) + "\n"


def test_import_dump_counts_files_of_sets_loaded_in_any_order(env):
    lab = Lab(env)
    try:
        # The memberships come before the sets and their detail rows in the dump (foreign keys
        # are off during the load), with a file in two sets and a set with none.
        dump = _dump([
            ("sample_set_membership", ["id", "sample_set_id", "sequence_file_id"],
             [(1, 1, 1), (2, 1, 2), (3, 2, 2), (4, 1, 3), (5, 3, 3), (6, 3, 4), (7, 3, 5)]),
            ("sequence_file", ["id", "filename", "info"], [(i, "f%d.fa" % i, "") for i in range(1, 6)]),
            ("sample_set", ["id", "sample_type"], [(1, "patient"), (2, "patient"), (3, "run"), (4, "patient"),
                                                   (5, "generic")]),
            ("patient", ["id", "first_name", "last_name", "info", "sample_set_id"],
             [(1, "A", "One", "dumped", 1), (2, "B", "Two", "dumped", 2), (3, "C", "Three", "dumped", 4)]),
            ("run", ["id", "name", "info", "sample_set_id"], [(1, "r", "dumped", 3)]),
            ("generic", ["id", "name", "info", "sample_set_id"], [(1, "g", "dumped", 5)]),
        ])
        path = os.path.join(lab.dir, "dump.sql")
        with open(path, "w") as f:
            f.write(dump)
        r = lab.admin("import-dump", path)
        assert r.returncode == 0, r.stderr + r.stdout
        kept = {int(s): int(n) for s, n in lab.sql("SELECT sample_set_id, file_count FROM patient UNION ALL "
                                                   "SELECT sample_set_id, file_count FROM run UNION ALL "
                                                   "SELECT sample_set_id, file_count FROM generic")}
        assert kept == {1: 3, 2: 1, 4: 0, 3: 3, 5: 0}, kept
        # The page, from a program on the imported database, as its administrator.
        lab.init()
        email = lab.sql("SELECT email FROM auth_user ORDER BY id DESC LIMIT 1")[0][0]
        login = env.cgi("auth", "POST", "/vidjil/auth/submit", conf=lab.conf,
                        body=urllib.parse.urlencode({"login": email, "password": "Lab-Admin-Passw0rd!93kq"}),
                        content_type="application/x-www-form-urlencoded")
        token = [v.split(";")[0] for v in login.headers.get("set-cookie", []) if v.startswith("vidjil_session=")]
        assert token, (login.status, login.stderr[-500:])

        def sql(query, *params):
            if params:
                query = query.replace("?", "%s") % tuple(env._quote(p) for p in params)
            return lab.sql(query)

        get = lambda q: env.cgi("sample_set", "GET", "/vidjil/sample_set/all", query=urllib.parse.urlencode(q),
                                cookie=token[0], conf=lab.conf)
        assert _mismatches(get, sql, "dumped") == []
        assert _listed(get, "patient", "dumped", False) == [4, 2, 1]
    finally:
        lab.close()


def test_set_page_shows_each_files_newest_visible_result(env):
    """sample_set/index picks each file's result in C++ (no ORDER BY): the newest run_date, a
    NULL date oldest, then the highest id; hidden results never; the HTML row and the JSON agree."""
    c, uid, group = lib.lab_user(env)
    sid = lib.create_set(c, group, "run", name=env.unique("res"))
    cfg = int(env.sql("SELECT MIN(id) FROM config")[0][0])
    cases = [  # (run dates in insertion order, hidden flags, index of the expected one or None)
        (["2024-01-01 10:00:00", "2025-06-01 09:00:00", None], "FFF", 1),
        (["2025-06-01 09:00:00", "2025-06-01 09:00:00", "2023-01-01 00:00:00"], "FFF", 1),  # same date: highest id
        ([None, None], "FF", 1),
        (["2030-01-01 00:00:00", "2020-01-01 00:00:00", "0000-00-00 00:00:00"], "TFF", 1),  # hidden newest skipped
        (["0000-00-00 00:00:00", None], "FF", 0),  # a zero date is newer than none
        (["2030-01-01 00:00:00"], "T", None),
    ]
    expected = {}
    for dates, hidden, want in cases:
        fid = lib.create_sample(c, [sid])
        ids = []
        for d, h in zip(dates, hidden):
            env.sql("SET SESSION sql_mode = ''; INSERT INTO results_file (sequence_file_id, config_id, run_date, hidden) "
                    "VALUES (?, ?, %s, ?)" % ("NULL" if d is None else "'%s'" % d), fid, cfg, h)
            ids.append(int(env.sql("SELECT MAX(id) FROM results_file")[0][0]))
        expected[fid] = ids[want] if want is not None else None
    rows = lib.index_json(c, sid, config_id=cfg)["query"]
    got = {q["sequence_file"]["id"]: (q["results_file"] or {}).get("id") for q in rows}
    assert got == expected, (got, expected)
    html = c.get("/vidjil/sample_set/index", query={"id": sid, "config_id": cfg}).text
    for fid, rid in expected.items():
        row = html[html.index('id="row_sequence_file_%d"' % fid):]
        row = row[:row.index("</tr>")]
        assert (("results_file_id': '%d'" % rid) in row) if rid else ("results_file_id" not in row), (fid, rid, row)


TRICKY = [  # (last or None, first or None); the same names are given to runs and generic sets (last)
    ("Élodie", "b"), ("elodie", "a"), ("ÉLODIE", "a"), ("Eloïse", ""), ("Elo", "z"),
    ("martin", "Zoé"), ("Martin", "zoe"), ("MARTIN", "ZOÉ "), ("Martin ", "a"), ("Martin  x", ""),
    ("x" * 400 + "b", "a"), ("x" * 400 + "a", "z"), ("x" * 511 + "c", ""), ("x" * 512, ""), ("x" * 511, "q"),
    ("y" * 255 + "b", ""), ("y" * 255 + "a", ""), ("y" * 256, "b"), ("y" * 256 + " ", "a"), ("y" * 255, "c"),
    ("", ""), ("", None), (None, "b"), (None, None), (" ", "a"), ("de la Tour", "A"), ("de-la-tour", "a"),
    ("de  la", ""), ("A😀", "x"), ("A😁", "w"), ("a\\b", "'"), ("O'Brien", "<b>"), ("Ørsted", "ß"), ("Oersted", "ss"),
]


def _name_order_truth(sql, kind, word, reverse, paged):
    """The order of ORDER BY the name columns. A page (LIMIT) as MariaDB 10.11 sorts it with a
    priority queue: on sort keys cut at max_sort_length (1024 bytes, 256 utf8mb4 characters),
    i.e. names equal on their first 256 characters are equal (bench/README-sets, fourth
    session); the whole list (no LIMIT) compares the names in full."""
    cols = ["last_name", "first_name"] if kind == "patient" else ["name"]
    d = " DESC" if reverse else ""
    order = ", ".join(("LEFT(%s, 256)" % c if paged else c) + d for c in cols)
    return [int(r[0]) for r in sql("SELECT sample_set_id FROM %s WHERE info LIKE ? ORDER BY %s, sample_set_id DESC"
                                   % (kind, order), "%" + word + "%")]


def _text(v):
    """An SQL literal of any text, whatever the client's character set (4-byte characters)."""
    return "NULL" if v is None else "CONVERT(X'%s' USING utf8mb4)" % v.encode("utf-8").hex() if v else "''"


def _make_named_sets(env, uid, group, word, names):
    for kind in KINDS:
        for last, first in names:
            env.sql("INSERT INTO sample_set (sample_type, creator) VALUES (?, ?)", kind, uid)
            sid = int(env.sql("SELECT MAX(id) FROM sample_set")[0][0])
            env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', "
                    "'sample_set', ?)", group, sid)
            if kind == "patient":
                env.sql("INSERT INTO patient (first_name, last_name, info, creator, sample_set_id) VALUES (%s, %s, ?, ?, ?)"
                        % (_text(first), _text(last)), word, uid, sid)
            else:
                env.sql("INSERT INTO %s (name, info, creator, sample_set_id) VALUES (%s, ?, ?, ?)" % (kind, _text(last)),
                        word, uid, sid)


def _check_name_order(c, env, word, n):
    for kind in KINDS:
        for reverse in (False, True):
            q = {"type": kind, "filter": word, "format": "json", "sort": "name"}
            if reverse:
                q["reverse"] = "true"
            listed = lambda query: [r["sample_set_id"] for r in c.get("/vidjil/sample_set/all", query=query).json()["query"]]
            want = _name_order_truth(env.sql, kind, word, reverse, paged=False)
            assert len(want) == n, (kind, want)
            assert listed(q) == want, (kind, reverse, "whole list", listed(q), want)
            q["page"] = 0  # a page: on the keys when they hold
            want = _name_order_truth(env.sql, kind, word, reverse, paged=True)
            assert listed(q) == want, (kind, reverse, "page", listed(q), want)
            del q["filter"]  # unfiltered (the index's order): the test's sets in the same order among the others
            mine, got = set(want), []
            for page in range(40):
                q["page"] = page
                rows = listed(q)
                got += [s for s in rows if s in mine]
                if len(rows) <= 50:
                    break
            assert got == want, (kind, reverse, "unfiltered", got, want)


def test_sort_by_name_key_gives_the_order_of_the_name_columns(env):
    c, uid, group = lib.lab_user(env)
    word = env.unique("nk")
    _make_named_sets(env, uid, group, word, TRICKY)
    for kind in KINDS:  # no control character: the list sorts on the keys
        assert env.sql("SELECT COUNT(*) FROM %s WHERE info = ? AND name_cntrl = 0" % kind, word) == [[str(len(TRICKY))]]
    _check_name_order(c, env, word, len(TRICKY))


def test_sort_by_name_with_a_control_character_falls_back_to_the_columns(env):
    c, uid, group = lib.lab_user(env)
    word = env.unique("nc")
    # 'ab \t' sorts before 'ab' under PAD SPACE (a tab weighs less than a space): no key
    # can say so, so such a name has none and the list sorts by the columns.
    names = [("ab", "x"), ("ab \t", "y"), ("ab\t", "z"), ("ab", "\x01"), ("ab ", "w")]
    _make_named_sets(env, uid, group, word, names)
    try:
        assert env.sql("SELECT COUNT(*) FROM patient WHERE info = ? AND name_cntrl = 1", word) == [["3"]]
        _check_name_order(c, env, word, len(names))  # every kind has rows without a key here
    finally:
        for kind in KINDS:
            env.sql("DELETE s FROM sample_set s JOIN %s d ON d.sample_set_id = s.id WHERE d.info = ?" % kind, word)
