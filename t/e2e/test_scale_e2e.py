"""Lists of sets at scale (issue 13): the footer's file count is bounded (LIST_TOTALS_MAX_SETS),
the set count and pages come from COUNT / LIMIT queries, and the visibility clause (one
semi-join on the sample_set grants, the legacy detail grants only when a group has some) still
lists exactly what the user may read. The timings are in bench/sample-set-list-bench."""
import importlib.util
import os
import re
import tempfile

import vtest

_spec = importlib.util.spec_from_file_location(
    "sets_lib_scale", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)


def _conf(env, **keys):
    fd, path = tempfile.mkstemp(prefix="vidjil-scale-", suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(open(env.conf).read())
        f.write("\n" + "".join("%s = %s\n" % kv for kv in keys.items()))
    return path


def _footer(answer):
    m = re.search(r'<span id="db_list_totals">([^<]*)</span>', answer.body.decode())
    assert m, answer.body[:500]
    return m.group(1)


def test_list_footer_counts_files_up_to_list_totals_max_sets(env):
    c, uid, group = lib.lab_user(env)
    tag = env.unique("big")
    rows = [{"id": "", "sample_set_id": "", "name": "s%02d" % i, "info": "#" + tag} for i in range(55)]
    assert lib.submit_sets(c, {"group": group, "generic": rows}, in_body=True).status == 200
    sid = lib.list_json(c, "generic", "#" + tag, sort="name")["query"][0]["sample_set_id"]
    fid = lib.create_sample(c, [sid])
    assert lib.upload(c, fid, "a.fa", lib.fasta()).status == 200
    cookie = "vidjil_session=" + c.cookies["vidjil_session"]
    q = "type=generic&page=1&filter=%23" + tag
    counted = env.cgi("sample_set", "GET", "/vidjil/sample_set/all", query=q, cookie=cookie)
    # page 1 holds 5 sets, the footer counts all 55 and the file of a set on page 0
    assert counted.body.decode().count('id="sample_set_open_') == 5
    assert _footer(counted).startswith("55 sets, 1 files ("), _footer(counted)
    conf = _conf(env, LIST_TOTALS_MAX_SETS=54)
    try:
        bounded = env.cgi("sample_set", "GET", "/vidjil/sample_set/all", query=q, cookie=cookie, conf=conf)
    finally:
        os.unlink(conf)
    assert _footer(bounded) == "55 sets, files counted up to 54 sets: filter the list to count them", _footer(bounded)
    assert bounded.body.decode().count('id="sample_set_open_') == 5


def test_list_visibility_sample_set_grants_detail_grants_and_public_sets(env):
    owner, _, owner_group = lib.lab_user(env)
    reader, reader_uid, reader_group = lib.lab_user(env)
    info = "#" + env.unique("vis")
    shared = lib.create_set(owner, owner_group, "patient", last_name=env.unique("Shared"), info=info)
    legacy = lib.create_set(owner, owner_group, "patient", last_name=env.unique("Legacy"), info=info)
    public = lib.create_set(owner, owner_group, "patient", last_name=env.unique("Public"), info=info)
    hidden = lib.create_set(owner, owner_group, "patient", last_name=env.unique("Hidden"), info=info)
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'sample_set', ?)",
            reader_group, shared)
    detail = int(env.sql("SELECT id FROM patient WHERE sample_set_id = ?", legacy)[0][0])
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'patient', ?)",
            reader_group, detail)
    pub = int(env.sql("SELECT id FROM auth_group WHERE role = 'public'")[0][0])
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'read', 'sample_set', ?)",
            pub, public)
    seen = sorted(r["sample_set_id"] for r in lib.list_json(reader, "patient", info)["query"])
    assert seen == sorted([shared, legacy, public]), (seen, shared, legacy, public, hidden)
    page = reader.get("/vidjil/sample_set/all", query={"type": "patient", "filter": info, "page": 0})
    assert _footer(page).startswith("3 patients, 0 files"), _footer(page)
    assert sorted(r["sample_set_id"] for r in lib.list_json(owner, "patient", info)["query"]) == \
        sorted([shared, legacy, public, hidden])
