"""Issue 4's done-when scenario, through nginx and only the routes the web client and
api_vidjil.py use: an administrator makes a configuration (the test program as vidjil-algo) and
gives a lab group the `run` right; a lab user creates a patient, adds three time points, uploads
their reads, launches the analysis of each, watches them reach COMPLETED with checkProcess while
the cron-driven runner works, then fetches the patient's fused result: three samples, the
leukemic clone followed across the time points. Another group sees none of it."""
import importlib.util
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "sets_lib_done_when", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)

LEUKEMIC = "GAGGTGCAGCTGGTGGAGTCTGGGGGAGGCTTGGTCCAGCCTGGGGGGTCCCTGAGACTCTCCTGTGCAGCCTCTGGATTCACC"


def _reads(clone_reads, background, seed):
    """FASTA with the leukemic sequence `clone_reads` times among `background` random reads."""
    rnd = random.Random(seed)
    out = [">leukemic_%d\n%s\n" % (i, LEUKEMIC) for i in range(clone_reads)]
    out += [">bg_%d_%d\n%s\n" % (seed, i, "".join(rnd.choice("ACGT") for _ in range(80))) for i in range(background)]
    rnd.shuffle(out)
    return "".join(out).encode()


def test_upload_run_watch_and_fetch_three_time_points(env):
    admin = env.admin()
    c, uid, group = lib.lab_user(env, first="Jean", last="Dausset")
    # The administrator's part: a configuration and the right to run it.
    name = env.unique("follow-up")
    cfg = admin.post("/vidjil/config/add_form", multipart=True, form=[
        ("config_name", name), ("config_program", "vidjil"), ("config_command", "-c clones -z 100 -r 1 -w 50"),
        ("config_fuse_command", "-t 100"), ("config_classification", "-1"), ("config_info", "MRD follow-up")]).json()
    cid = cfg["config_id"]
    granted = admin.post("/vidjil/config/change_permission", query={"config_id": cid, "group_id": group}).json()
    assert "granted" in granted["message"], granted
    run_right = admin.post("/vidjil/group/rights",
                           query={"id": group, "value": "true", "right": "run", "name": "sample_set"}).json()
    assert "add 'run' permission" in run_right["message"], run_right

    # The lab user's part.
    pid = lib.create_set(c, group, "patient", first_name="Marie", last_name="Follow-" + env.unique(""))
    points = [("2024-01-10", 400), ("2024-03-12", 40), ("2024-06-15", 4)]  # diagnosis, then remission
    files = []
    for i, (date, clone_reads) in enumerate(points):
        sf = lib.create_sample(c, [pid], filename="tp%d.fa" % i, sampling_date=date, info="time point %d" % i)
        up = lib.upload(c, sf, "tp%d.fa" % i, _reads(clone_reads, 60, seed=i))
        assert up.status == 200 and up.json().get("file_id", sf) == sf, up
        files.append(sf)
    rids = []
    for sf in files:
        a = c.post("/vidjil/default/run_request", query={"sequence_file_id": sf, "sample_set_id": pid,
                                                          "config_id": cid}).json()
        assert a.get("results_file_id"), a
        rids.append(a["results_file_id"])
        again = c.post("/vidjil/default/run_request", query={"sequence_file_id": sf, "sample_set_id": pid,
                                                              "config_id": cid}).json()
        assert again["success"] == "false", again  # already queued: no second job
    for rid in rids:
        poll = c.post("/vidjil/default/checkProcess", query={"processId": rid}).json()
        assert poll["status"] == "QUEUED", poll

    p = fx.run_runner(env)  # what cron runs every minute
    assert p.returncode == 0, p.stderr
    for rid in rids:
        done = c.post("/vidjil/default/checkProcess", query={"processId": rid}).json()
        assert done["status"] == "COMPLETED" and done["data"]["result_id"] == rid, done
    index = lib.index_json(c, pid, config_id=cid)
    assert len(index["query"]) == 3, index

    d = c.post("/vidjil/default/get_data", query={"sample_set_id": pid, "config": cid}).json()
    s = d["samples"]
    assert s["number"] == 3 and sorted(s["sequence_file_id"]) == sorted(files), s
    by_file = {f: i for i, f in enumerate(s["sequence_file_id"])}
    assert [s["timestamp"][by_file[f]] for f in files] == [date for date, _ in points]
    assert [s["info"][by_file[f]] for f in files] == ["time point 0", "time point 1", "time point 2"]
    assert sorted(s["results_file_id"]) == sorted(rids) and s["config_id"] == [cid] * 3
    assert d["patient_id"] and d["sample_set_id"] == pid and d["config_name"] == name
    assert d["patient_name"].startswith("Follow-")
    leukemic = [cl for cl in d["clones"] if cl["id"] == LEUKEMIC[:50]]
    assert len(leukemic) == 1, [cl["id"] for cl in d["clones"]][:5]
    assert [leukemic[0]["reads"][by_file[f]] for f in files] == [r for _, r in points]
    assert all(len(cl["reads"]) == 3 for cl in d["clones"])
    assert d["reads"]["segmented"] == [d["reads"]["total"][i] for i in range(3)]
    assert [d["reads"]["total"][by_file[f]] for f in files] == [r + 60 for _, r in points]

    # Nobody else sees the patient, the results or the jobs.
    other, _, _ = lib.lab_user(env)
    assert other.post("/vidjil/default/get_data", query={"sample_set_id": pid, "config": cid}).json()["success"] == "false"
    refused = other.post("/vidjil/default/checkProcess", query={"processId": rids[0]}).json()
    assert refused["status"] == "FAILED" and "access" in refused["message"], refused
    assert other.get("/vidjil/default/download/" + done["data"]["data_file"]).status == 404
