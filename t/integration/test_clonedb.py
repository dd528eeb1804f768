"""`vidjil-admin clonedb-export GROUP_ID... OUT.fa` (issue 11, model.md §7.4): one FASTA record
per clone of the latest result of each file and config of the patient sets the groups can access
(grant on the sample_set or on the patient), with the set, patient, file, result and config ids
in each header; OUT.fa replaced atomically."""
import json
import os
import shutil

import vtest
from vlab import Lab


def _set(lab, group, last, grant_on):
    lab.sql("INSERT INTO sample_set (sample_type) VALUES ('patient'); SET @ss = LAST_INSERT_ID();"
            "INSERT INTO patient (first_name, last_name, sample_set_id) VALUES ('P', '%s', @ss);"
            "SET @p = LAST_INSERT_ID();"
            "INSERT INTO sequence_file (filename) VALUES ('%s.fa'); SET @f = LAST_INSERT_ID();"
            "INSERT INTO sample_set_membership (sample_set_id, sequence_file_id) VALUES (@ss, @f);" % (last, last)
            + ("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (%d, 'access', '%s', %s);"
               % (group, grant_on, "@ss" if grant_on == "sample_set" else "@p") if group else ""))
    ss, p = lab.sql("SELECT sample_set_id, id FROM patient WHERE last_name = '%s'" % last)[0]
    f = lab.sql("SELECT MAX(id) FROM sequence_file")[0][0]
    return int(ss), int(p), int(f)


def _result(lab, f, config, date, name, content):
    with open(os.path.join(lab.results, name), "w") as out:
        out.write(content if isinstance(content, str) else json.dumps(content))
    lab.sql("INSERT INTO results_file (sequence_file_id, config_id, run_date, data_file) VALUES (%d, %d, '%s', '%s')"
            % (f, config, date, name))
    return int(lab.sql("SELECT MAX(id) FROM results_file")[0][0])


def _records(path):
    text = open(path).read()
    lines = text.splitlines()
    assert len(lines) % 2 == 0
    return [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]


def _generated(n, tag):
    return {"vidjil_json_version": "2016b", "samples": {"number": 1}, "reads": {"total": [100], "segmented": [90]},
            "clones": [{"id": "clone%d-%s" % (i, tag), "sequence": "ACGT" * (i + 3), "reads": [10 * i + 1],
                        "germline": "TRG", "top": i + 1, "name": "TRGV%d 0/AC/1 TRGJ1" % i} for i in range(n)]}


def test_clonedb_export_generated_results(env):
    lab = Lab(env, "vclone_")
    try:
        lab.init()
        lab.sql("INSERT INTO auth_group (role) VALUES ('cdb'); "
                "INSERT INTO config (id, name, program, command, fuse_command, info) VALUES (700, 'c700', 'none', '', '', ''),"
                " (701, 'c701', 'none', '', '', '')")
        g = int(lab.sql("SELECT id FROM auth_group WHERE role = 'cdb'")[0][0])
        ss1, p1, f1 = _set(lab, g, "granted-on-set", "sample_set")
        ss2, p2, f2 = _set(lab, g, "granted-on-patient", "patient")
        ss3, p3, f3 = _set(lab, None, "not-granted", "")
        _result(lab, f1, 700, "2024-01-01 00:00:00", "old.vidjil", _generated(4, "old"))
        r1 = _result(lab, f1, 700, "2024-02-01 00:00:00", "new.vidjil", _generated(3, "new"))
        r2 = _result(lab, f1, 701, "2024-01-15 00:00:00", "other-config.vidjil", _generated(1, "c701"))
        r3 = _result(lab, f2, 700, "2024-01-01 00:00:00", "patient-grant.vidjil", _generated(2, "pg"))
        _result(lab, f3, 700, "2024-03-01 00:00:00", "hidden.vidjil", _generated(5, "hidden"))
        _result(lab, f2, 701, "2024-03-01 00:00:00", "broken.vidjil", "not json")
        out = os.path.join(lab.dir, "clonedb_%d.fa" % g)
        with open(out, "w") as f:
            f.write("previous index\n")
        r = lab.admin("clonedb-export", str(g), out)
        assert r.returncode == 0, r.stderr
        assert "6 clones from 3 results (1 skipped)" in r.stdout, r.stdout
        assert "broken" not in r.stdout and "skipped" in r.stderr
        recs = _records(out)
        heads = [h for h, s in recs]
        assert len(recs) == 6, heads
        assert not any("-old " in h or "-hidden " in h for h in heads), heads
        h = [h for h in heads if h.startswith(">clone1-new ")][0]
        assert h == (">clone1-new sample_set=%d patient=%d sequence_file=%d results_file=%d config_id=700 reads=11 "
                     "germline=TRG top=2 name=TRGV1_0/AC/1_TRGJ1" % (ss1, p1, f1, r1)), h
        assert dict(recs)[h] == "ACGT" * 4
        assert any(("results_file=%d config_id=701" % r2) in h for h in heads)
        assert sum(("sample_set=%d patient=%d sequence_file=%d results_file=%d" % (ss2, p2, f2, r3)) in h
                   for h in heads) == 2
        assert [n for n in os.listdir(lab.dir) if n.startswith(".")] == []
        assert lab.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'admin_clonedb_export'") == [["1"]]
        bad = lab.admin("clonedb-export", "99999999", out)
        assert bad.returncode != 0 and "no group" in bad.stderr
    finally:
        lab.close()


def test_clonedb_export_of_a_real_vidjil_result(env):
    if not env.shared_data or not os.path.exists(os.path.join(env.shared_data, "results_five_segmented_clones.vidjil")):
        raise vtest.Skip("../shared/data/results_five_segmented_clones.vidjil is absent")
    lab = Lab(env, "vclone_")
    try:
        lab.init()
        lab.sql("INSERT INTO auth_group (role) VALUES ('cdb'); "
                "INSERT INTO config (id, name, program, command, fuse_command, info) VALUES (700, 'c', 'none', '', '', '')")
        g = int(lab.sql("SELECT id FROM auth_group WHERE role = 'cdb'")[0][0])
        ss, p, f = _set(lab, g, "real", "sample_set")
        src = os.path.join(env.shared_data, "results_five_segmented_clones.vidjil")
        name = "results_file.data_file.real.vidjil"
        shutil.copy(src, os.path.join(lab.results, name))
        lab.sql("INSERT INTO results_file (sequence_file_id, config_id, run_date, data_file) VALUES (%d, 700, NOW(), '%s')"
                % (f, name))
        out = os.path.join(lab.dir, "clonedb_%d.fa" % g)
        r = lab.admin("clonedb-export", str(g), out)
        assert r.returncode == 0, r.stderr
        clones = json.load(open(src))["clones"]
        recs = _records(out)
        assert len(recs) == len(clones) == 5
        for c, (h, s) in zip(clones, recs):
            assert h.startswith(">%s sample_set=%d " % (c["id"], ss)), h
            assert "reads=%d germline=%s" % (c["reads"][0], c["germline"]) in h
            assert s == c["sequence"]
    finally:
        lab.close()
