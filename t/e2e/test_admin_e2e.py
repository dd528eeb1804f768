"""End-to-end tests of the administration pages: admin/index, group/* and user/*."""


def _new_group(admin, env, parent="None"):
    name = env.unique("lab_")
    a = admin.post("/vidjil/group/add_form", multipart=True,
                   form=[("group_name", name), ("info", "a lab"), ("group_parent", str(parent))]).json()
    assert a["redirect"] == "group/index" and "created" in a["message"], a
    return name, a["group_id"]


def test_admin_pages_are_for_admins(env):
    admin = env.admin()
    page = admin.post("/vidjil/admin/index")
    assert 'id="page_admin"' in page.text and 'id="db_auth_name"' in page.text and 'id="db_page_admin"' in page.text
    email, pw, _ = env.new_user()
    c = env.client()
    c.login(email, pw)
    for path in ("/vidjil/admin/index", "/vidjil/group/index", "/vidjil/user/index"):
        j = c.post(path).json()
        assert j["message"] == "access denied" and j["redirect"].endswith("/vidjil/sample_set/all?type=patient&page=0"), j
    assert 'id="db_page_admin"' not in c.post("/vidjil/user/edit").text


def test_group_lifecycle_members_and_rights(env):
    admin = env.admin()
    name, gid = _new_group(admin, env)
    index = admin.post("/vidjil/group/index").text
    assert 'id="row_group_%d"' % gid in index and name in index
    email, pw, uid = env.new_user()
    assert admin.post("/vidjil/group/invite", query={"group_id": gid, "user_id": uid}).json()["redirect"] == "group/info"
    user = env.client()
    user.login(email, pw)
    roles = [g["role"] for g in user.get("/vidjil/default/whoami").json()["groups"]]
    assert name in roles, roles  # new groups hold `create` on sample_set
    info = user.post("/vidjil/group/info", query={"id": gid})
    assert 'id="group_right_run"' in info.text and email in info.text
    assert "disabled" in info.text  # a member may look but not change rights
    denied = user.post("/vidjil/group/rights", query={"id": gid, "value": "true", "right": "run", "name": "sample_set"})
    assert denied.json() == {"message": "admin only"}
    ok = admin.post("/vidjil/group/rights", query={"id": gid, "value": "true", "right": "run", "name": "sample_set"}).json()
    assert "add 'run' permission" in ok["message"], ok
    assert env.sql("SELECT COUNT(*) FROM auth_permission WHERE group_id = ? AND name = 'run' AND record_id = 0", gid) == [["1"]]
    bad = admin.post("/vidjil/group/rights", query={"id": gid, "value": "true", "right": "root", "name": "sample_set"}).json()
    assert bad["success"] == "false"
    # Members of a group holding `admin` manage it (model.md §2.2); outsiders never do.
    o_email, o_pw, _ = env.new_user()
    outsider = env.client()
    outsider.login(o_email, o_pw)
    kicked = outsider.post("/vidjil/group/kick", query={"group_id": gid, "user_id": uid}).json()
    assert kicked["success"] == "false" and "permission" in kicked["message"], kicked
    assert outsider.post("/vidjil/group/info", query={"id": gid}).json() == {"message": "access denied"}
    assert admin.post("/vidjil/group/kick", query={"group_id": gid, "user_id": uid}).json()["message"].startswith("user")
    assert name not in [g["role"] for g in user.get("/vidjil/default/whoami").json()["groups"]]


def test_child_group_is_attached_to_the_parent(env):
    admin = env.admin()
    _, parent = _new_group(admin, env)
    _, child = _new_group(admin, env, parent)
    _, grandchild = _new_group(admin, env, child)  # one level only: attached to the parent
    assert env.sql("SELECT first_group_id FROM group_assoc WHERE second_group_id = ?", child) == [[str(parent)]]
    assert env.sql("SELECT first_group_id FROM group_assoc WHERE second_group_id = ?", grandchild) == [[str(parent)]]


def test_group_deletion_never_orphans_sets(env):
    admin = env.admin()
    name, gid = _new_group(admin, env)
    env.sql("INSERT INTO sample_set (sample_type) VALUES ('generic')")
    ss = int(env.sql("SELECT MAX(id) FROM sample_set")[0][0])
    env.sql("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, 'access', 'sample_set', ?)", gid, ss)
    refused = admin.post("/vidjil/group/delete", query={"id": gid}).json()
    assert refused["success"] == "false" and "owns 1 sample set" in refused["message"], refused
    assert "only owner of 1" in admin.post("/vidjil/group/confirm", query={"id": gid}).text
    env.sql("DELETE FROM auth_permission WHERE record_id = ? AND table_name = 'sample_set'", ss)
    assert admin.post("/vidjil/group/delete", query={"id": gid}).json()["message"].endswith("deleted")
    assert env.sql("SELECT COUNT(*) FROM auth_group WHERE id = ?", gid) == [["0"]]
    admin_gid = int(env.sql("SELECT id FROM auth_group WHERE role = 'admin'")[0][0])
    assert admin.post("/vidjil/group/delete", query={"id": admin_gid}).json()["success"] == "false"
    last = admin.post("/vidjil/group/kick", query={"group_id": admin_gid, "user_id": 1}).json()
    assert last["success"] == "false" and "cannot remove themself" in last["message"], last
    assert env.client().login(env.admin_email, env.admin_password).json()["user_id"] == 1


def test_group_names_are_escaped(env):
    admin = env.admin()
    evil = "<script>alert(1)</script>" + env.unique()
    a = admin.post("/vidjil/group/add_form", multipart=True, form=[("group_name", evil), ("group_parent", "None")]).json()
    page = admin.post("/vidjil/group/index").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    admin.post("/vidjil/group/delete", query={"id": a["group_id"]})


def test_user_list_and_info(env):
    admin = env.admin()
    email, pw, uid = env.new_user()
    page = admin.post("/vidjil/user/index", query={"sort": "files", "reverse": "true"}).text
    assert 'id="table_users"' in page and 'id="create_user_button"' in page and 'id="impersonate_btn_%d"' % uid in page
    assert email in page
    info = admin.post("/vidjil/user/info", query={"id": uid}).text
    assert 'id="user_info"' in info and "user_%04d" % uid in info
    c = env.client()
    c.login(email, pw)
    assert c.post("/vidjil/user/info", query={"id": 1}).json() == {"message": "access denied"}
    assert 'id="user_info"' in c.post("/vidjil/user/info", query={"id": uid}).text
