"""End-to-end tests of user-controlled values inside JSON messages (the web client flashes
`message` as HTML) and of file/submit's set association, through nginx."""
import importlib.util
import json
import os
import urllib.parse

import vtest

_spec = importlib.util.spec_from_file_location(
    "sets_lib_authhard", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_sets_lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)

EVIL = '<img src=x onerror="alert(1)">'
ESCAPED = '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'


def test_names_in_messages_are_html_escaped(env):
    admin = env.admin()
    name = EVIL + env.unique("g")
    made = admin.post("/vidjil/group/add_form", multipart=True,
                      form=[("group_name", name), ("info", ""), ("group_parent", "None")]).json()
    assert "<img" not in made.get("message", ""), made
    dup = admin.post("/vidjil/group/add_form", multipart=True,
                     form=[("group_name", name), ("info", ""), ("group_parent", "None")]).json()
    assert dup["success"] == "false", dup
    assert dup["message"] == "a group named '%s%s' already exists" % (ESCAPED, name[len(EVIL):]), dup
    gid = env.sql("SELECT id FROM auth_group WHERE role = ?", name)[0][0]
    cname = EVIL + env.unique("c")
    cfg = admin.post("/vidjil/config/add_form", multipart=True, form=[
        ("config_name", cname), ("config_program", "vidjil"), ("config_command", "-c clones -z 100 -r 1 -w 50"),
        ("config_fuse_command", "-t 100"), ("config_classification", "-1"), ("config_info", "")]).json()
    assert cfg["message"] == "config '%s%s' added" % (ESCAPED, cname[len(EVIL):]), cfg
    granted = admin.post("/vidjil/config/change_permission", query={"config_id": cfg["config_id"], "group_id": gid}).json()
    assert granted["message"].endswith("granted to '%s%s'" % (ESCAPED, name[len(EVIL):])), granted
    c, uid, group = lib.lab_user(env)
    ssid = lib.create_set(c, group, "patient")
    share = c.post("/vidjil/sample_set/change_permission", query={"sample_set_id": ssid, "group_id": gid}).json()
    assert "<img" not in share["message"], share


def test_file_submit_needs_a_set_association(env):
    c, uid, group = lib.lab_user(env)
    ssid = lib.create_set(c, group, "patient")
    before = env.sql("SELECT COUNT(*) FROM sequence_file WHERE provider = ?", uid)
    data = {"source": "computer", "pre_process": "0", "set_ids": "", "sample_set_id": str(ssid),
            "file": [{"id": "", "filename": "a.fa", "filename2": "", "sampling_date": "", "info": "", "set_ids": ""}]}
    a = c.post("/vidjil//file/submit?data=" + urllib.parse.quote(json.dumps(data))).json()
    assert a["success"] == "false" and "missing set association" in a["message"], a
    assert env.sql("SELECT COUNT(*) FROM sequence_file WHERE provider = ?", uid) == before
    ok = lib.submit_files(c, [ssid], data["file"]).json()
    assert ok.get("file_ids"), ok


def test_form_validation_messages_match_the_original(env):
    """api.md §3: the validation messages of the forms the web client flashes."""
    admin = env.admin()

    def post(path, form):
        return admin.post(path, multipart=True, form=form).json()
    a = post("/vidjil/group/add_form", [("group_name", ""), ("info", ""), ("group_parent", "None")])
    assert a == {"success": "false", "message": "group name needed, "}, a
    a = post("/vidjil/config/add_form", [("config_name", ""), ("config_program", "vidjil"), ("config_command", "-z 1"),
                                          ("config_fuse_command", "-t 100"), ("config_classification", "-1"),
                                          ("config_info", "")])
    assert a["success"] == "false" and a["message"].startswith("config_name needed, "), a
    a = post("/vidjil/pre_process/add_form", [("pre_process_name", ""), ("pre_process_command", ""),
                                               ("pre_process_info", "")])
    assert a["success"] == "false" and "pre_process_name needed" in a["message"], a
    a = post("/vidjil/notification/add_form", [("title", ""), ("message_content", "x"), ("message_type", "header"),
                                                ("priority", "info"), ("expiration", "2099-01-01")])
    assert a["success"] == "false" and a["message"].startswith("title needed"), a
    a = post("/vidjil/auth/register_form", [("first_name", "A"), ("last_name", "B"),
                                             ("email", env.unique("m") + "@lab.test"), ("password", "Lab-Passw0rd!42"),
                                             ("confirm_password", "Lab-Passw0rd!43")])
    assert a == {"success": "false", "message": "password fields must match"}, a
    email, pw, uid = env.new_user()
    a = post("/vidjil/user/edit_form", [("id", str(uid)), ("first_name", "T"), ("last_name", "U"),
                                         ("email", "not-an-address"), ("password", ""), ("confirm_password", "")])
    assert a["success"] == "false" and a["message"].startswith("new_email: "), a
    a = post("/vidjil/user/edit_form", [("id", str(uid)), ("first_name", "T"), ("last_name", "U"), ("email", ""),
                                         ("password", "Password1"), ("confirm_password", "Password1")])
    assert a["success"] == "false" and a["message"].startswith("new_password: "), a
    c, uid2, group = lib.lab_user(env)
    a = lib.submit_sets(c, {"group": group, "patient": [{"id": "", "sample_set_id": "", "first_name": "",
                                                          "last_name": "X", "birth": "", "info": ""}]}).json()
    assert a["message"] == "an error occurred" or a["message"].startswith("an error occurred"), a


def test_http_origin_is_never_a_foreign_origin_or_host(env):
    c, uid, group = lib.lab_user(env)
    ssid = lib.create_set(c, group, "patient")
    q = {"id": ssid, "config_id": -1, "format": "json"}
    own = "http://127.0.0.1:%d" % env.port
    for headers in ({"Host": "evil.example"}, {}):
        j = c.get("/vidjil/sample_set/index", query=q, headers=headers).json()
        assert j.get("http_origin") == own + "/", (headers, j)
    foreign = c.get("/vidjil/sample_set/index", query=q, headers={"Origin": "https://evil.example"}).json()
    assert "http_origin" not in foreign and foreign["success"] == "false", foreign
    j = c.get("/vidjil/sample_set/index", query=q, headers={"Origin": "http://localhost:%d" % env.port}).json()
    assert j["http_origin"] == "http://localhost:%d/" % env.port, j.get("http_origin")  # one of CLIENT_ORIGINS
