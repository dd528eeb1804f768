"""End-to-end analyses through nginx: a lab user's patient with Demo-X5.fa uploaded, an analysis with the
test program as vidjil-algo, vidjil-runner completing it, get_data with the injected fields, an
analysis saved and reloaded; precomputed AIRR imports; three time points of a patient fused."""
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402
import vtest  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "sets_lib_analyses", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)


def _lab(env):
    email, pw, uid, c = fx.new_lab_user(env, first="Marie", last="Curie")
    return uid, c, fx.personal_group(env, uid)


def test_demo_x5_run_get_data_and_analysis(env):
    src = fx.shared(env, "Demo-X5.fa")
    uid, c, group = _lab(env)
    # The patient and the sample are made, and Demo-X5.fa uploaded, through the client's routes.
    ss = lib.create_set(c, group, "patient", first_name="Ada", last_name="Lovelace-" + env.unique(""),
                        info="diagnosis #MRD")
    patient = int(env.sql("SELECT id FROM patient WHERE sample_set_id = ?", ss)[0][0])
    sf = lib.create_sample(c, [ss], filename="Demo-X5.fa", info="first sample", sampling_date="2024-02-03")
    up = lib.upload(c, sf, "Demo-X5.fa", open(src, "rb").read())
    assert up.status == 200, up
    stored = env.sql("SELECT data_file FROM sequence_file WHERE id = ?", sf)[0][0]
    with open(os.path.join(lib.uploads_dir(env), stored), "rb") as f:
        assert f.read() == open(src, "rb").read()
    cid = fx.make_config(env, name=env.unique("fixture-cfg"))
    answer = fx.request_run(c, ss, sf, cid)
    rid = answer["results_file_id"]
    assert answer["redirect"] == "reload" and answer["message"] == "[%d] c%d: process requested - None Demo-X5.fa" % (rid, cid)
    assert fx.status_of(env, rid) == "QUEUED"
    poll = c.post("/vidjil/default/checkProcess", query={"processId": rid}).json()
    assert poll == {"success": "true", "status": "QUEUED", "processId": rid}, poll
    assert env.sql("SELECT COUNT(*) FROM user_log WHERE table_name = 'sequence_file' AND record_id = ? AND msg LIKE ?",
                   sf, "run requested with config %") == [["1"]]

    p = fx.run_runner(env)
    assert p.returncode == 0, p.stderr
    assert fx.status_of(env, rid) == "COMPLETED", (fx.job_of(env, rid), p.stderr)
    done = c.post("/vidjil/default/checkProcess", query={"processId": rid}).json()
    assert done["status"] == "COMPLETED" and done["data"]["result_id"] == rid and done["data"]["data_file"]
    job = fx.job_of(env, rid)
    assert job[4] != "NULL" and job[5] != "NULL", job  # start and end times recorded

    data = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid})
    assert data.status == 200 and data.header("content-type").startswith("text/html"), data
    d = data.json()
    assert d["reads"]["total"] == [14] and len(d["clones"]) == 14
    assert d["sample_set_id"] == ss and d["patient_id"] == patient and d["group_id"] == group
    assert d["dataFileName"].endswith("(%s)" % d["config_name"])
    assert d["patient_name"].startswith("Lovelace-") and d["info"] == "diagnosis #MRD"  # the owner has `anon`
    s = d["samples"]
    assert s["original_names"] == [stored] and s["sequence_file_id"] == [sf] and s["results_file_id"] == [rid]
    assert s["timestamp"] == ["2024-02-03"] and s["info"] == ["first sample"] and s["names"] == ["Demo-X5"]
    assert s["config_id"] == [cid] and s["db_key"] == [""] and s["patient_id"] == [patient] and s["run_id"] == [-1]
    assert "0.1" in d["reads"]["distribution"] and "IGH" in d["reads"]["distribution"]
    # The read is recorded just after the answer is sent.
    fx.wait_for(lambda: env.sql("SELECT COUNT(*) FROM user_log WHERE table_name = 'sample_set' AND record_id = ? "
                                "AND msg = 'load sample'", ss) == [["1"]], timeout=10)

    dl = c.get("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid, "filename": "p.vidjil"})
    assert dl.header("content-type") == "application/json" and 'filename="p.vidjil"' in dl.header("content-disposition")

    empty = c.post("/vidjil/default/get_analysis", query={"sample_set_id": ss, "config": cid}).json()
    assert empty["clones"] == [] and empty["samples"]["number"] == 0 and "reads" not in empty
    analysis = {"producer": "browser", "clones": [{"id": d["clones"][0]["id"], "name": "my clone", "tag": 0}],
                "clusters": [], "samples": {"number": 1, "original_names": [stored], "order": [0]},
                "normalization": {"method": "constant"}}
    saved = c.post("/vidjil/default/save_analysis", query={"sample_set_id": ss, "config": cid}, multipart=True,
                   form=[("info", "diagnosis #MRD edited")],
                   files=[("fileToUpload", "blob", json.dumps(analysis).encode())]).json()
    assert saved == {"success": "true", "message": "(%d): analysis saved" % ss}, saved
    back = c.post("/vidjil/default/get_analysis", query={"sample_set_id": ss, "config": cid}).json()
    assert back["clones"][0]["name"] == "my clone" and back["samples"]["order"] == [0]
    assert "normalization" not in back  # dropped when served, as the original
    assert env.sql("SELECT info FROM patient WHERE id = ?", patient) == [["diagnosis #MRD edited"]]
    # A second save is a new version; the newest is served.
    analysis["clones"][0]["name"] = "renamed"
    c.post("/vidjil/default/save_analysis", query={"sample_set_id": ss}, multipart=True,
           files=[("fileToUpload", "blob", json.dumps(analysis).encode())])
    assert env.sql("SELECT COUNT(*) FROM analysis_file WHERE sample_set_id = ?", ss) == [["2"]]
    assert c.post("/vidjil/default/get_analysis", query={"sample_set_id": ss}).json()["clones"][0]["name"] == "renamed"

    # The result file, through the permission check then X-Accel-Redirect or streaming.
    res = c.get("/vidjil/default/download/" + done["data"]["data_file"], query={"filename": "result-%d-%d.txt" % (ss, rid)})
    assert res.status == 200 and json.loads(res.body)["reads"]["total"] == [14], res
    assert 'filename="result-%d-%d.txt"' % (ss, rid) in res.header("content-disposition")
    other = fx.login(env, *env.new_user()[:2])
    assert other.get("/vidjil/default/download/" + done["data"]["data_file"]).status == 404
    assert other.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()["success"] == "false"


def test_anonymised_names_without_anon(env):
    src = fx.shared(env, "Demo-X5.fa")
    uid, owner, group = _lab(env)
    ss, _ = fx.make_set(env, group, first="Grace", last="Hopperfield")
    sf, _ = fx.add_file(env, ss, "Demo-X5.fa", source=src)
    cid = fx.make_config(env)
    fx.request_run(owner, ss, sf, cid)
    assert fx.run_runner(env).returncode == 0
    d = fx.reader_without_anon(env, ss).post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["patient_name"] == "Hop" and d["dataFileName"].startswith("Hop ("), d["dataFileName"]
    admin = env.admin().post("/vidjil/default/get_data", query={"patient": env.sql(
        "SELECT id FROM patient WHERE sample_set_id = ?", ss)[0][0], "config": cid}).json()
    assert admin["patient_name"] == "Hop (%d)" % ss  # admins have no `anon` either, but see the set id


def test_precomputed_airr_imports(env):
    fx.shared(env, "airr_vidjil.tsv")
    uid, c, group = _lab(env)
    ss, _ = fx.make_set(env, group, kind="generic", name=env.unique("airr-set"))
    cid = fx.make_config(env, program="none", command="")
    rids = {}
    for name in ("airr_vidjil.tsv", "airr_igblast.tsv.gz", "airr_mixcr.tsv", "airr_vquest.tsv"):
        sf, _ = fx.add_file(env, ss, name, source=fx.shared(env, name))
        rids[name] = fx.request_run(c, ss, sf, cid)["results_file_id"]
    p = fx.run_runner(env)
    assert p.returncode == 0, p.stderr
    for name, rid in rids.items():
        assert fx.status_of(env, rid) == "COMPLETED", (name, fx.job_of(env, rid))
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    assert d["samples"]["number"] == 4 and len(d["reads"]["total"]) == 4, d["samples"]
    assert sorted(d["samples"]["results_file_id"]) == sorted(rids.values()), d["samples"]
    assert "deleted" not in d["samples"]["names"] and d["generic_id"] and d["sample_name"].startswith("airr-set")
    assert all(len(c_["reads"]) == 4 for c_ in d["clones"])
    assert all(t > 0 for t in d["reads"]["total"])


def test_fuse_three_time_points_of_a_patient(env):
    names = ["input-spike-norm-1.vidjil", "input-spike-norm-2.vidjil", "input-spike-norm-3.vidjil"]
    paths = [fx.shared(env, n) for n in names]
    uid, c, group = _lab(env)
    ss, _ = fx.make_set(env, group, last="Spike")
    cid = fx.make_config(env, program="none", command="", fuse="-t 100")
    sfs = []
    for i, (n, p) in enumerate(zip(names, paths)):
        sf, _ = fx.add_file(env, ss, n, source=p, sampling_date="2024-0%d-01" % (i + 1))
        sfs.append(sf)
    for sf in sfs:
        fx.request_run(c, ss, sf, cid)
    assert fx.run_runner(env).returncode == 0
    assert env.sql("SELECT COUNT(*) FROM fused_file WHERE sample_set_id = ? AND config_id = ?", ss, cid) == [["1"]]
    d = c.post("/vidjil/default/get_data", query={"sample_set_id": ss, "config": cid}).json()
    inputs = [json.load(open(p)) for p in paths]
    assert d["samples"]["number"] == 3 and d["samples"]["sequence_file_id"] == sfs
    assert d["samples"]["timestamp"] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert d["reads"]["segmented"] == [i["reads"]["segmented"][0] for i in inputs]
    assert d["producer"] == "vidjil fuse" and d["vidjil_json_version"] == "2016b"
    for bucket in ("0.1", "0.01", "0.001"):
        assert len(d["reads"]["distribution"][bucket]) == 3
    ids = set()
    for i in inputs:
        ids |= {cl["id"] for cl in i["clones"] if cl.get("top", 10 ** 9) <= 100}
    assert {cl["id"] for cl in d["clones"]} == ids
    assert all(len(cl["reads"]) == 3 for cl in d["clones"])
    reference = json.load(open(fx.shared(env, "fused_multiple.vidjil")))
    for key in ("samples", "reads", "clones", "vidjil_json_version", "producer"):
        assert key in d and key in reference
    for key in ("total", "segmented", "germline"):
        assert key in d["reads"] and key in reference["reads"]
    assert isinstance(d["diversity"], dict) and all(len(v) == 3 for v in d["diversity"].values())
    # The same three samples compared through get_custom_data.
    rids = [int(r[0]) for r in env.sql("SELECT id FROM results_file WHERE config_id = ? ORDER BY id", cid)]
    custom = c.post("/vidjil/default/get_custom_data", query=[("custom", r) for r in rids]).json()
    assert custom["sample_name"] == "Compare samples" and custom["samples"]["number"] == 3
    assert custom["samples"]["original_names"][0].endswith("_input-spike-norm-1.vidjil (%d)" % rids[0])
