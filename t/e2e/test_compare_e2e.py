"""sample_set/custom, the page where results of several sets are picked and compared: the results
of the set one comes from, a filter across every readable set (never another group's), names as
the reader may see them, checked results kept, the ids and calls the web client drives, values
escaped; then default/get_custom_data on the picked results."""
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
    r_email, r_pw, reader_id = env.new_user()
    reader_group = fx.personal_group(env, reader_id)
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'sample_set', ?)",
            reader_group, ss)
    env.sql("DELETE FROM auth_permission WHERE group_id = ? AND name = 'anon'", reader_group)
    reader = fx.login(env, r_email, r_pw)
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
