"""sample_set/custom, the page where results of several sets are picked and compared: the results
of the set one comes from, a filter across every readable set (never another group's), names as
the reader may see them, checked results kept, the ids and calls the web client drives, values
escaped; then default/get_custom_data on the picked results."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import analyses_fixtures as fx  # noqa: E402

FASTA = ">r1\nACGTACGTACGTTTGACCAGTAGCTAGCTAGGACTGACTAGCATCGATCGATCGACT\n" \
        ">r2\nTTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCCAAAATTTTGGGGCCCC\n"


def _results(env, c, group, last, n, cid):
    ss, _ = fx.make_set(env, group, last=last)
    rids = []
    for i in range(n):
        sf, _ = fx.add_file(env, ss, "sample-%d.fa" % i, content=FASTA, info="tp%d" % i)
        rids.append(fx.request_run(c, ss, sf, cid)["results_file_id"])
    return ss, rids


def _custom(c, **q):
    return c.post("/vidjil/sample_set/custom", query=q)


def test_compare_page_lists_readable_results_only(env):
    email, pw, uid, c = fx.new_lab_user(env)
    group = fx.personal_group(env, uid)
    cid = fx.make_config(env, name=env.unique("cmp'<b>x"))
    tag = env.unique("")
    p1, r1 = _results(env, c, group, "Alpha" + tag, 2, cid)
    p2, r2 = _results(env, c, group, "Bravo" + tag, 1, cid)
    o_email, o_pw, o_uid, other = fx.new_lab_user(env)
    q, rq = _results(env, other, fx.personal_group(env, o_uid), "Bravo" + tag + "x", 1, cid)
    assert fx.run_runner(env).returncode == 0

    page = _custom(c, id=p1)
    assert page.status == 200 and 'id="db_filter_input"' in page.text and 'id="choose_config"' in page.text
    for rid in r1:
        assert 'id="compare_line_sample_%d"' % rid in page.text
        assert 'id="checkbox_sample_%d" name="custom_result[]" value="%d"' % (rid, rid) in page.text
    assert 'compare_line_sample_%d"' % r2[0] not in page.text and 'compare_line_sample_%d"' % rq[0] not in page.text
    assert '<div class="afterAjaxScript">updateSampleSetCustomIntermediateStates({' in page.text
    assert "<b>x" not in page.text and "&lt;b&gt;x" in page.text  # the config name is escaped
    assert "myUrl.loadCustomUrl(db, {&#39;sample_set_id&#39;: %d})" % p1 in page.text or \
        "myUrl.loadCustomUrl(db, {'sample_set_id': %d})" % p1 in page.text

    # A filter searches every set the user may read, never another group's.
    found = _custom(c, id=p1, filter="Bravo" + tag).text
    assert 'compare_line_sample_%d"' % r2[0] in found and 'compare_line_sample_%d"' % rq[0] not in found
    assert 'compare_line_sample_%d"' % r1[0] not in found
    # Checked results stay on the page whatever the filter.
    kept = _custom(c, id=p1, filter="Bravo" + tag, custom_list=[r1[0]]).text
    assert 'id="checkbox_sample_%d" name="custom_result[]" value="%d" checked' % (r1[0], r1[0]) in kept
    # Config filter: another config shows nothing of these.
    other_cfg = fx.make_config(env)
    assert 'compare_line_sample_' not in _custom(c, id=p1, config_id=other_cfg).text

    assert _custom(c).json() == {"success": "false", "message": "Missing field id"}
    assert _custom(other, id=p1).json() == {"message": "access denied"}
    assert 'compare_line_sample_%d"' % r1[0] not in _custom(other, id=q, filter="Alpha" + tag).text

    # The picked results, compared.
    d = c.post("/vidjil/default/get_custom_data", query={"sample_set_id": p1, "custom": [r1[0], r2[0]]}).json()
    assert d["samples"]["number"] == 2 and len(d["reads"]["total"]) == 2, d.get("message")


def test_compare_search_respects_anonymisation(env):
    email, pw, uid, c = fx.new_lab_user(env)
    group = fx.personal_group(env, uid)
    cid = fx.make_config(env)
    last = "Zulu" + env.unique("")
    ss, rids = _results(env, c, group, last, 1, cid)
    assert fx.run_runner(env).returncode == 0
    reader = fx.reader_without_anon(env, ss)
    page = _custom(reader, id=ss).text
    assert 'compare_line_sample_%d"' % rids[0] in page and last not in page and ">Zul<" in page
    assert 'compare_line_sample_%d"' % rids[0] not in _custom(reader, id=ss, filter=last).text
    assert 'compare_line_sample_%d"' % rids[0] in _custom(c, id=ss, filter=last).text


def test_quality_table_of_picked_results(env):
    email, pw, uid, c = fx.new_lab_user(env)
    group = fx.personal_group(env, uid)
    cid = fx.make_config(env)
    ss, rids = _results(env, c, group, "Qc" + env.unique(""), 2, cid)
    assert fx.run_runner(env).returncode == 0
    page = c.post("/vidjil/sample_set/multi_sample_stats", query={"results_ids": rids, "sample_set_id": ss})
    text = page.text
    assert page.status == 200 and 'id="table"' in text and 'id="db_table_container_x_scroll"' in text, page
    for n in range(1, 17):
        assert 'id="checkbox_header_%d"' % n in text and "toggleColumn(%d, m.localStorage)" % n in text
    assert '<div class="afterAjaxScript">updateDisplayAccordingToConfig([7, 10, 12, 13])</div>' in text
    sfs = [int(env.sql("SELECT sequence_file_id FROM results_file WHERE id = ?", r)[0][0]) for r in rids]
    for sf in sfs:
        assert 'id="open_sample_result_%d"' % sf in text
    # A row: sets, sample, config, mapped reads (2 of 2), number, mean length, lengths, loci...
    assert "<td>sample-0.fa</td>" in text and "<td>100.00%</td><td>2</td>" in text and "<td>IGH</td>" in text
    assert 'id="download_statsQC"' in text and "m.exportStatsQC(" in text and "mapped_reads_number" in text
    by_config = c.post("/vidjil/sample_set/multi_sample_stats", query={"config_id": cid, "sample_set_id": ss}).text
    assert all('id="open_sample_result_%d"' % sf in by_config for sf in sfs)
    assert c.post("/vidjil/sample_set/multi_sample_stats", query={"sample_set_id": ss}).json() == \
        {"message": "Missing sample_set_id and results_ids or config_id in query"}
    other = fx.new_lab_user(env)[3]
    assert other.post("/vidjil/sample_set/multi_sample_stats", query={"results_ids": rids, "sample_set_id": ss}).json() \
        == {"message": "access denied"}
    assert other.post("/vidjil/sample_set/multi_sample_stats", query={"config_id": cid, "sample_set_id": ss}).json() \
        == {"message": "access denied"}


QC_RESULT = {
    "vidjil_json_version": "2016b", "samples": {"number": 1, "original_names": ["qc.fa"]},
    "reads": {"total": [200], "segmented": [150], "germline": {"IGH": [120], "TRG": [30], "IGK": [0]}},
    "clones": [{"id": "a", "name": "IGHV3-23 <main>", "reads": [100], "_average_read_length": [151.0]},
               {"id": "b", "reads": [30], "_average_read_length": [120]},
               {"id": "c", "reads": [5]}],
    "diversity": {"index_H_entropy": [2.3457], "index_E_equitability": [0.5], "index_Ds_diversity": [0.987654]},
}


def _stored_result(env, sf, cid, content=None):
    """A completed result of (sf, cid) as the runner would leave it; content None: no file on disk."""
    name = fx.stored_name("results_file", "data_file", "qc.vidjil")
    if content is not None:
        with open(os.path.join(fx.conf_values(env)["DIR_RESULTS"], name), "w") as f:
            json.dump(content, f)
    env.sql("INSERT INTO results_file (sequence_file_id, config_id, run_date, hidden, data_file) VALUES (?, ?, NOW(), "
            "'F', ?)", sf, cid, name)
    return fx.last_id(env, "results_file")


def test_quality_values_missing_files_and_refusals(env):
    email, pw, uid, c = fx.new_lab_user(env)
    cid = fx.make_config(env, name=env.unique("qc"))
    cfg_name = env.sql("SELECT name FROM config WHERE id = ?", cid)[0][0]
    last = "Qcv" + env.unique("")
    ss, _ = fx.make_set(env, fx.personal_group(env, uid), last=last)
    sf, _ = fx.add_file(env, ss, "qc.fa", content=FASTA)
    good = _stored_result(env, sf, cid, QC_RESULT)
    sf_gone, _ = fx.add_file(env, ss, "gone.fa", content=FASTA)
    gone = _stored_result(env, sf_gone, cid)
    sf_new, _ = fx.add_file(env, ss, "new.fa", content=FASTA)
    env.sql("INSERT INTO results_file (sequence_file_id, config_id, run_date, hidden) VALUES (?, ?, NOW(), 'F')",
            sf_new, cid)
    pending = fx.last_id(env, "results_file")
    url = "/vidjil/sample_set/multi_sample_stats"

    page = c.post(url, query={"results_ids": [good, gone, pending], "sample_set_id": ss})
    assert page.status == 200, page
    row = ("<td>%s Jane</td><td>qc.fa</td><td>%s</td><td>75.00%%</td><td>150</td><td>143.8</td><td>120-151</td>"
           "<td>IGH TRG</td><td>2</td><td></td><td>IGHV3-23 &lt;main&gt; (66.67%%)</td><td></td><td></td><td>2.346</td>"
           "<td>0.500</td><td>0.988</td>") % (last, cfg_name)
    assert row in page.text, page.text
    assert "<td>gone.fa</td><td>%s</td><td>unreadable: the result file is missing on the server</td>" % cfg_name \
        in page.text
    assert "<td>new.fa</td><td>%s</td><td>unreadable: this analysis has no result yet</td>" % cfg_name in page.text
    opened = "myUrl.loadCustomUrl(db, {'sample_set_id': %d, 'custom': [%d]})" % (ss, good)
    assert opened.replace("'", "&apos;") in page.text
    # By config: the newest result with a file, for each file of the set.
    by_config = c.post(url, query={"config_id": cid, "sample_set_id": ss}).text
    assert row in by_config and 'id="open_sample_result_%d"' % sf_gone in by_config
    assert 'id="open_sample_result_%d"' % sf_new not in by_config
    assert env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'multi_sample_stats' AND record_id = ? AND "
                   "user_id = ?", good, uid) == [["2"]]
    assert env.sql("SELECT COUNT(*) FROM user_log WHERE user_id = ? AND record_id = ? AND msg LIKE "
                   "'load multi sample stats%%'", uid, ss) == [["2"]]

    # Refusals: anonymous, another group, unknown ids like forbidden ones, a set one may not read.
    denied = {"message": "access denied"}
    anon = env.client().post(url, query={"results_ids": [good], "sample_set_id": ss})
    assert anon.status == 303 and anon.header("location").startswith("/vidjil/auth/login?next=") and "75.00%" not in anon.text, anon
    o_email, o_pw, o_uid, other = fx.new_lab_user(env)
    o_ss, _ = fx.make_set(env, fx.personal_group(env, o_uid), last=env.unique("Other"))
    assert other.post(url, query={"results_ids": [good], "sample_set_id": o_ss}).json() == denied
    assert other.post(url, query={"results_ids": [10 ** 9], "sample_set_id": o_ss}).json() == denied
    assert c.post(url, query={"results_ids": [10 ** 9], "sample_set_id": ss}).json() == denied
    assert c.post(url, query={"results_ids": [good], "sample_set_id": o_ss}).json() == denied
    assert c.post(url, query={"results_ids": [good], "sample_set_id": 10 ** 9}).json() == denied

    # The compare page lists these (never the pending one), refuses the others the same way.
    custom = c.post("/vidjil/sample_set/custom", query={"id": ss})
    assert 'id="checkbox_sample_%d" name="custom_result[]" value="%d"' % (good, good) in custom.text
    assert 'compare_line_sample_%d"' % gone in custom.text and 'compare_line_sample_%d"' % pending not in custom.text
    assert "<td onclick=\"reverseSampleCheckboxChecked(%d, {" % good in custom.text
    assert env.sql("SELECT COUNT(*) FROM user_log WHERE user_id = ? AND record_id = ? AND msg = 'load compare list'",
                   uid, ss) == [["1"]]
    assert env.sql("SELECT COUNT(*) FROM vidjil_audit WHERE action = 'custom' AND record_id = ? AND user_id = ?",
                   ss, uid) == [["1"]]
    anon = env.client().post("/vidjil/sample_set/custom", query={"id": ss})
    assert anon.status == 303 and anon.header("location").startswith("/vidjil/auth/login?next=") and "compare_line_sample_" not in anon.text, anon
    assert other.post("/vidjil/sample_set/custom", query={"id": ss}).json() == denied
    assert other.post("/vidjil/sample_set/custom", query={"id": 10 ** 9}).json() == denied
    mine = other.post("/vidjil/sample_set/custom", query={"id": o_ss, "filter": last}).text
    assert 'compare_line_sample_%d"' % good not in mine and "compare samples (0 results)" in mine
