"""`vidjil-admin export` / `import` (issue 11, model.md §7.3): a group's sets move from one
database to another (two scratch databases in the test MariaDB, t/lib/vlab.py) with their
files' rows, results, tasks, analyses, fused files and stored files, configs mapped through
config.json's link_local; --dry-run changes nothing; a failing import leaves nothing; an export
written by the original migrator (keys and dates as strings, description as a list) loads."""
import json
import os

import vtest
from vlab import Lab


def _fixture(lab, tag):
    """A group with one patient set (a file, a task and its run, a result, a fused file, an
    analysis, a pre-process directory) and, outside the group, another patient."""
    lab.init()
    lab.sql("INSERT INTO auth_group (role, description) VALUES ('grp-%s', 'exported');"
            "SET @g = LAST_INSERT_ID();"
            "INSERT INTO config (id, name, program, command, fuse_command, info) VALUES (900, 'cfg-%s', 'none', '-z', '', 'x');"
            "INSERT INTO pre_process (id, name, command, info) VALUES (901, 'pp-%s', 'true', '');"
            "INSERT INTO sample_set (sample_type) VALUES ('patient'); SET @ss = LAST_INSERT_ID();"
            "INSERT INTO patient (first_name, last_name, birth, info, id_label, creator, sample_set_id) "
            "  VALUES ('Zoé', 'Ünïcode-%s', '1970-01-02', '#tag info', 'L1', NULL, @ss); SET @p = LAST_INSERT_ID();"
            "INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES "
            "  (@g, 'access', 'sample_set', @ss), (@g, 'access', 'patient', @p);"
            "INSERT INTO sequence_file (sampling_date, info, filename, size_file, pre_process_id, pre_process_flag, "
            "  data_file, pre_process_file) VALUES ('2024-05-01', 'f', 'reads.fa', 12, 901, 'COMPLETED', "
            "  'sequence_file.data_file.aa.7265616473.fa', 'sequence_file.pre_process_file.bb.%s.fastq');"
            "SET @f = LAST_INSERT_ID();"
            "INSERT INTO sample_set_membership (sample_set_id, sequence_file_id) VALUES (@ss, @f);"
            "INSERT INTO scheduler_task (application_name, task_name, status, uuid, args, vars, start_time) "
            "  VALUES ('vidjil', 'process', 'COMPLETED', 'uuid-%s', '[]', '{}', '2024-05-01 10:00:00');"
            "SET @t = LAST_INSERT_ID();"
            "INSERT INTO scheduler_run (task_id, status, start_time, run_output) VALUES (@t, 'COMPLETED', '2024-05-01', 'ok');"
            "INSERT INTO results_file (sequence_file_id, config_id, run_date, scheduler_task_id, hidden, data_file) "
            "  VALUES (@f, 900, '2024-05-01 10:05:00', @t, 'F', 'results_file.data_file.cc.%s.vidjil');"
            "INSERT INTO fused_file (config_id, sample_set_id, fuse_date, status, sequence_file_list, fused_file) "
            "  VALUES (900, @ss, '2024-05-01 10:06:00', 'COMPLETED', CONCAT(@f, '_'), 'fused_file.fused_file.dd.%s.fused');"
            "INSERT INTO analysis_file (config_id, sample_set_id, analyze_date, status, analysis_file) "
            "  VALUES (900, @ss, '2024-05-02', 'COMPLETED', 'analysis_file.analysis_file.ee.%s.analysis');"
            "INSERT INTO sample_set (sample_type) VALUES ('patient');"
            "INSERT INTO patient (first_name, last_name, sample_set_id) VALUES ('Other', 'NotExported', LAST_INSERT_ID());"
            % ((tag,) * 9))
    group = int(lab.sql("SELECT id FROM auth_group WHERE role = 'grp-%s'" % tag)[0][0])
    fid = int(lab.sql("SELECT MAX(id) FROM sequence_file")[0][0])
    contents = {}
    for name in ("sequence_file.pre_process_file.bb.%s.fastq", "results_file.data_file.cc.%s.vidjil",
                 "fused_file.fused_file.dd.%s.fused", "analysis_file.analysis_file.ee.%s.analysis"):
        name = name % tag
        contents[name] = ("content of %s\n" % name).encode()
        with open(os.path.join(lab.results, name), "wb") as f:
            f.write(contents[name])
    pre = os.path.join(lab.results, "work", "pre", "out-%06d" % fid)
    os.makedirs(pre)
    with open(os.path.join(pre, "pre.log"), "w") as f:
        f.write("pre-process log")
    return group, fid, contents


def _target(env):
    b = Lab(env, "vmigb_")
    b.init()
    b.sql("INSERT INTO auth_group (role, description) VALUES ('target', 'imports here');"
          "INSERT INTO config (name, program, command, fuse_command, info) VALUES ('local-cfg', 'none', '', '', '')")
    group = int(b.sql("SELECT id FROM auth_group WHERE role = 'target'")[0][0])
    config = int(b.sql("SELECT id FROM config WHERE name = 'local-cfg'")[0][0])
    return b, group, config


def _export(env, a, group):
    out = os.path.join(a.dir, "export")
    r = a.admin("export", "group", str(group), out)
    assert r.returncode == 0, r.stderr
    return out


def test_export_group_then_import_into_another_database_with_config_mapping(env):
    tag = env.unique("")
    a = Lab(env, "vmiga_")
    b = None
    try:
        group, fid, contents = _fixture(a, tag)
        out = _export(env, a, group)
        exp = json.load(open(os.path.join(out, "export.json")))
        # The original's shape: tables keyed by source id as text, rows without id.
        assert list(exp["patient"].values())[0]["last_name"] == "Ünïcode-" + tag
        assert len(exp["patient"]) == 1 and "id" not in list(exp["patient"].values())[0]
        assert str(fid) in exp["sequence_file"] and exp["sequence_file"][str(fid)]["provider"] == 1
        assert list(exp["membership"].values())[0]["sequence_file_id"] == fid
        for t in ("results_file", "scheduler_task", "scheduler_run", "analysis_file", "fused_file"):
            assert len(exp[t]) == 1, t
        assert list(exp["results_file"].values())[0]["run_date"] == "2024-05-01 10:05:00"
        cfg = json.load(open(os.path.join(out, "config.json")))
        assert cfg["900"]["link_local"] == 900 and cfg["900"]["description"]["name"] == "cfg-" + tag
        assert json.load(open(os.path.join(out, "pprocess.json")))["901"]["link_local"] == 901
        for name, data in contents.items():
            assert open(os.path.join(out, "files", name), "rb").read() == data
        assert os.path.exists(os.path.join(out, "files", "pre", "out-%06d" % fid, "pre.log"))

        b, bgroup, bconfig = _target(env)
        b.sql("INSERT INTO pre_process (name, command, info) VALUES ('local-pp', 'true', '')")
        bpre = int(b.sql("SELECT id FROM pre_process WHERE name = 'local-pp'")[0][0])
        cfg["900"]["link_local"] = bconfig
        cpath = os.path.join(b.dir, "config.json")
        json.dump(cfg, open(cpath, "w"))
        ppath = os.path.join(b.dir, "pprocess.json")
        json.dump({"901": {"description": ["pp"], "link_local": bpre}}, open(ppath, "w"))

        before_rows, before_files = b.all_rows(), b.files()
        # Without a mapping, config 900 does not exist here: refused, nothing written.
        r = b.admin("import", out, str(bgroup))
        assert r.returncode != 0 and "config 900 does not exist" in r.stderr, r.stderr
        # --dry-run: says what it would do, changes nothing.
        r = b.admin("import", "--dry-run", "--config", cpath, "--pre-process", ppath, out, str(bgroup))
        assert r.returncode == 0, r.stderr
        assert "dry run" in r.stdout and "would copy" in r.stdout and "patient: 1" in r.stdout, r.stdout
        assert b.all_rows() == before_rows and b.files() == before_files

        r = b.admin("import", "--config", cpath, "--pre-process", ppath, out, str(bgroup))
        assert r.returncode == 0, r.stderr
        p = b.sql("SELECT id, sample_set_id, first_name, birth FROM patient WHERE last_name = 'Ünïcode-%s'" % tag)
        assert len(p) == 1 and p[0][2] == "Zoé" and p[0][3] == "1970-01-02", p
        pid, ss = p[0][0], p[0][1]
        assert b.sql("SELECT COUNT(*) FROM patient WHERE last_name = 'NotExported'") == [["0"]]
        grants = b.sql("SELECT table_name, record_id FROM auth_permission WHERE group_id = %d AND name = 'access' "
                       "ORDER BY table_name" % bgroup)
        assert grants == [["patient", pid], ["sample_set", ss]], grants
        f = b.sql("SELECT f.id, f.pre_process_id, f.provider FROM sequence_file f JOIN sample_set_membership m "
                  "ON m.sequence_file_id = f.id WHERE m.sample_set_id = %s" % ss)
        assert len(f) == 1 and f[0][1] == str(bpre), f
        newfid = int(f[0][0])
        res = b.sql("SELECT r.config_id, r.data_file, t.uuid, (SELECT COUNT(*) FROM scheduler_run WHERE task_id = t.id) "
                    "FROM results_file r JOIN scheduler_task t ON t.id = r.scheduler_task_id WHERE r.sequence_file_id = %d"
                    % newfid)
        assert res == [[str(bconfig), "results_file.data_file.cc.%s.vidjil" % tag, "uuid-" + tag, "1"]], res
        assert b.sql("SELECT config_id, patient_id FROM fused_file WHERE sample_set_id = %s" % ss) == [[str(bconfig), "NULL"]]
        assert b.sql("SELECT config_id, analysis_file FROM analysis_file WHERE sample_set_id = %s" % ss) == [
            ["NULL", "analysis_file.analysis_file.ee.%s.analysis" % tag]]
        for name, data in contents.items():
            assert open(os.path.join(b.results, name), "rb").read() == data
        # Audited on both sides: which patient left, which arrived.
        assert b.sql("SELECT client_ip FROM vidjil_audit WHERE action = 'admin_import' AND table_name = 'patient' "
                     "AND record_id = %s" % pid) == [["vidjil-admin"]]
        assert a.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'admin_export' AND table_name = 'patient'") == [["1"]]
        assert open(os.path.join(b.results, "work", "pre", "out-%06d" % newfid, "pre.log")).read() == "pre-process log"
    finally:
        a.close()
        if b:
            b.close()


def test_import_failing_half_way_leaves_nothing(env):
    tag = env.unique("")
    a = Lab(env, "vmiga_")
    b = None
    try:
        group, fid, contents = _fixture(a, tag)
        out = _export(env, a, group)
        b, bgroup, bconfig = _target(env)
        cpath = os.path.join(b.dir, "config.json")
        json.dump({"900": {"description": {}, "link_local": bconfig}}, open(cpath, "w"))
        b.sql("INSERT INTO pre_process (id, name, command, info) VALUES (901, 'same-id', 'true', '')")
        # A file of the same name and another content already in the target: the import fails
        # after rows were inserted and other files were copied.
        clash = "results_file.data_file.cc.%s.vidjil" % tag
        with open(os.path.join(b.results, clash), "w") as f:
            f.write("another lab's file")
        before_rows, before_files = b.all_rows(), b.files()
        r = b.admin("import", "--config", cpath, out, str(bgroup))
        assert r.returncode != 0 and "already exists with another content" in r.stderr, r.stderr
        assert b.all_rows() == before_rows
        assert b.files() == before_files
        # A membership pointing to a file the export does not contain: refused, nothing left.
        exp = json.load(open(os.path.join(out, "export.json")))
        list(exp["membership"].values())[0]["sequence_file_id"] = 999999
        json.dump(exp, open(os.path.join(out, "export.json"), "w"))
        os.unlink(os.path.join(b.results, clash))
        before_rows, before_files = b.all_rows(), b.files()
        r = b.admin("import", "--config", cpath, out, str(bgroup))
        assert r.returncode != 0 and "999999" in r.stderr, r.stderr
        assert b.all_rows() == before_rows and b.files() == before_files
    finally:
        a.close()
        if b:
            b.close()


def test_import_reads_an_export_of_the_original_migrator(env):
    b, bgroup, bconfig = _target(env)
    try:
        d = os.path.join(b.dir, "orig")
        os.makedirs(os.path.join(d, "files"))
        name = "results_file.data_file.0123456789abcdef.%s.vidjil" % env.unique()
        with open(os.path.join(d, "files", name), "w") as f:
            f.write('{"clones": []}')
        exp = {
            "patient": {"17": {"first_name": "Jean", "last_name": "Orig", "birth": "1980-03-04", "info": "",
                               "id_label": "", "creator": 1, "sample_set_id": 42}},
            "run": {}, "generic": {},
            "sequence_file": {"90": {"patient_id": None, "sampling_date": "2020-01-02", "info": "", "filename": "a.fa",
                                     "pcr": "", "sequencer": "", "producer": "", "size_file": 10, "size_file2": None,
                                     "network": False, "provider": 1, "pre_process_id": None,
                                     "pre_process_result": None, "pre_process_flag": None,
                                     "pre_process_scheduler_task_id": None, "data_file": None, "data_file2": None,
                                     "pre_process_file": None}},
            "membership": {"120": {"sample_set_id": 42, "sequence_file_id": 90}},
            "scheduler_task": {"5": {"application_name": "vidjil/default", "task_name": "process", "status": "COMPLETED",
                                     "function_name": "schedule_run", "uuid": env.unique(), "args": "[]", "vars": "{}",
                                     "enabled": True, "start_time": "2020-01-02 10:00:00", "times_run": 1}},
            "scheduler_run": {"6": {"task_id": 5, "status": "COMPLETED", "start_time": "2020-01-02",
                                    "stop_time": "2020-01-02", "run_output": "", "traceback": None}},
            "results_file": {"7": {"sequence_file_id": 90, "config_id": 2, "run_date": "2020-01-02 10:10:00",
                                   "scheduler_task_id": 5, "hidden": False, "data_file": name}},
            "analysis_file": {}, "fused_file": {},
        }
        json.dump(exp, open(os.path.join(d, "export.json"), "w"))
        # doc/server.md's older config.json form: description as a list, link_local as text.
        cpath = os.path.join(d, "config.json")
        json.dump({"2": {"description": ["multi", "vidjil", "-g germline", "-t 100", ""], "link_local": str(bconfig)}},
                  open(cpath, "w"))
        r = b.admin("import", "--config", cpath, d, str(bgroup))
        assert r.returncode == 0, r.stderr
        row = b.sql("SELECT p.birth, f.filename, f.network, r.config_id, r.hidden, t.enabled FROM patient p "
                    "JOIN sample_set_membership m ON m.sample_set_id = p.sample_set_id "
                    "JOIN sequence_file f ON f.id = m.sequence_file_id JOIN results_file r ON r.sequence_file_id = f.id "
                    "JOIN scheduler_task t ON t.id = r.scheduler_task_id WHERE p.last_name = 'Orig'")
        assert row == [["1980-03-04", "a.fa", "F", str(bconfig), "F", "T"]], row
        assert open(os.path.join(b.results, name)).read() == '{"clones": []}'
    finally:
        b.close()
