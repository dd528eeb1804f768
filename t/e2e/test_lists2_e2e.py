"""Lists of sets, issue 13 third session ("lists2" area): a filtered or sorted HTML page of
sample_set/all counts its total in the same statement as the page (COUNT(*) OVER ()), takes the
footer's files from the ids that statement gave, and counts a page past the end apart; the set
page's rows are written into the rendered page in place of a marker. These check that the
answers stay what the reader must see: exact totals on every page, files of every matching set
(not of the page only), and the rows in place, escaped, with no marker left."""
import importlib.util
import os
import re

import vtest

_spec = importlib.util.spec_from_file_location(
    "sets_lib_lists2", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)


def _footer(client, kind, **query):
    q = {"type": kind}
    q.update(query)
    page = client.get("/vidjil/sample_set/all", query=q)
    assert page.status == 200, page
    m = re.search(r'<span id="db_list_totals">(\d+) \w+, (\d+) files', page.text)
    assert m, page.text[-2000:]
    return int(m.group(1)), int(m.group(2)), page.text.count('id="sample_set_open_')


def test_filtered_and_sorted_pages_count_every_matching_set_and_its_files(env):
    c, uid, group = lib.lab_user(env)
    other, _, other_group = lib.lab_user(env)
    tag = env.unique("lt")
    rows = [{"id": "", "sample_set_id": "", "name": "w%02d" % i, "info": "#%s%s" % (tag, " #odd" if i % 2 else "")}
            for i in range(63)]
    assert lib.submit_sets(c, {"group": group, "generic": rows}, in_body=True).status == 200
    # Sets of another group with the same tag: never counted for c.
    assert lib.submit_sets(other, {"group": other_group, "generic": rows[:7]}, in_body=True).status == 200
    ids = sorted(int(r[0]) for r in env.sql(
        "SELECT g.sample_set_id FROM generic g JOIN auth_permission p ON p.record_id = g.sample_set_id AND "
        "p.table_name = 'sample_set' AND p.name = 'access' WHERE p.group_id = ? AND g.info LIKE ?", group, "%" + tag + "%"))
    assert len(ids) == 63
    # Files in sets on the first page, the second page, and beyond both (sorted by name: w00 first).
    by_name = [r["sample_set_id"] for r in lib.list_json(c, "generic", "#" + tag, sort="name")["query"]]
    with_files = [ids[0], ids[1], ids[-1], by_name[0]]
    for sid in with_files:
        lib.create_sample(c, [sid])
    lib.create_sample(c, [ids[5], ids[6]])  # one file in two listed sets: two memberships
    files = int(env.sql("SELECT COUNT(*) FROM sample_set_membership WHERE sample_set_id IN (%s)"
                        % ", ".join(str(i) for i in ids))[0][0])
    assert files == len(with_files) + 2
    odd = (63 // 2, int(env.sql("SELECT COUNT(*) FROM sample_set_membership m JOIN generic g ON "
                                "g.sample_set_id = m.sample_set_id WHERE g.sample_set_id IN (%s) AND g.info LIKE ?"
                                % ", ".join(str(i) for i in ids), "%#odd%")[0][0]))
    for query, want_sets, want_files in (
            ({"filter": "#" + tag, "page": 0}, 63, files),
            ({"filter": "#" + tag, "page": 1}, 63, files),
            ({"filter": "#" + tag, "page": 0, "sort": "name"}, 63, files),
            ({"filter": "#" + tag, "page": 1, "sort": "name", "reverse": "true"}, 63, files),
            ({"filter": "#%s #odd" % tag, "page": 0}, odd[0], odd[1]),
            ({"filter": "w0 #" + tag, "page": 0}, 10, None)):
        sets, counted, shown = _footer(c, "generic", **query)
        assert sets == want_sets, (query, sets)
        assert shown == min(50, want_sets - 50 * query["page"]), (query, shown)
        if want_files is not None:
            assert counted == want_files, (query, counted)
    # A page past the end: no row, the total still exact.
    sets, counted, shown = _footer(c, "generic", filter="#" + tag, page=9)
    assert (sets, shown) == (63, 0)
    sets, counted, shown = _footer(c, "generic", filter="#" + tag, page=9, sort="name")
    assert (sets, shown) == (63, 0)
    # The page's rows are the right ones: page 1 of the name sort is w50..w62.
    page1 = c.get("/vidjil/sample_set/all", query={"type": "generic", "filter": "#" + tag, "page": 1, "sort": "name"}).text
    assert re.findall(r'id="sample_set_open_(\d+)_', page1) == [str(i) for i in by_name[50:]]
    # Nothing matching: zero, not an error.
    assert _footer(c, "generic", filter="#" + env.unique("none"), page=0)[:1] == (0,)


def test_set_page_rows_in_place_escaped_and_no_marker_left(env):
    c, uid, group = lib.lab_user(env)
    rid = lib.create_set(c, group, "run", name=env.unique("r"), info="<!--vidjil-rows-x--> {{{rows_html}}}")
    fids = [lib.create_sample(c, [rid], filename="f%d.fa" % i, info="<!--vidjil-rows-%d--> <b>x</b>" % i)
            for i in range(3)]
    page = c.get("/vidjil/sample_set/index", query={"id": rid})
    assert page.status == 200, page
    html = page.text
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    assert sorted(int(x) for x in re.findall(r'<tr id="row_sequence_file_(\d+)"', body)) == sorted(fids)
    assert "vidjil-rows" not in html.replace("&lt;!--vidjil-rows", "")  # the file infos escaped, no marker
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert html.count('<tr id="row_sequence_file_') == 3
    assert html.rstrip().endswith("</div>") and 'id="footer_number_samples">3 samples' in html  # the page around them whole


def test_unfiltered_list_count_follows_every_change(env):
    """The footer's count of an unfiltered list is kept per process while the change counter
    holds (spawn-fcgi): a new set, a share by another group, a withdrawn grant and a deleted set
    must each show at the next request."""
    c, uid, group = lib.lab_user(env)
    other, _, other_group = lib.lab_user(env)

    def count():
        sets, _, _ = _footer(c, "run", page=0)
        assert _footer(c, "run", page=0)[0] == sets  # the second answer (kept) says the same
        return sets

    n0 = count()  # public sets of other tests may be listed too
    rid = lib.create_set(c, group, "run", name=env.unique("r"))
    assert count() == n0 + 1
    shared = lib.create_set(other, other_group, "run", name=env.unique("s"))
    assert count() == n0 + 1
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'sample_set', ?)",
            group, shared)
    assert count() == n0 + 2
    env.sql("DELETE FROM auth_permission WHERE group_id = ? AND table_name = 'sample_set' AND record_id = ?",
            group, shared)
    assert count() == n0 + 1
    env.sql("DELETE FROM sample_set WHERE id = ?", rid)  # its run row goes by cascade
    assert count() == n0
