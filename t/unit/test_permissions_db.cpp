// Unit tests of the permission model (model.md §2) and of session expiry against a real
// MariaDB: t/run-all runs them once its test database is up (VIDJIL_TEST_CONF names its
// configuration). Each test builds its own groups, users and sets with unique names.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "auth/session.h"
#include "config.h"
#include "db/db.h"
#include "perm/permissions.h"
#include "util/text.h"

using namespace vidjil;

namespace {

struct Fixture {
    std::unique_ptr<db::Connection> db;

    Fixture() {
        const char* conf = std::getenv("VIDJIL_TEST_CONF");
        if (!conf) throw std::runtime_error("VIDJIL_TEST_CONF is not set: run these tests through t/run-all");
        db = std::make_unique<db::Connection>(db::ConnectOptions::from_config(Config::from_file(conf)));
        db->ensure();
    }
    int64_t insert(const std::string& sql, const db::Params& p) {
        db->exec(sql, p);
        return static_cast<int64_t>(db->last_insert_id());
    }
    int64_t user() {
        return insert("INSERT INTO auth_user (email, first_name, last_name, password, action_token) VALUES (?, 'U', 'T', '', '')",
                      {text::random_hex(6) + "@perm.test"});
    }
    int64_t group() { return insert("INSERT INTO auth_group (role) VALUES (?)", {"g_" + text::random_hex(6)}); }
    void member(int64_t u, int64_t g) { insert("INSERT INTO auth_membership (user_id, group_id) VALUES (?, ?)", {u, g}); }
    void perm(int64_t g, const std::string& name, const std::string& table, int64_t rec) {
        insert("INSERT INTO auth_permission (group_id, name, table_name, record_id) VALUES (?, ?, ?, ?)", {g, name, table, rec});
    }
    void parent(int64_t parent_group, int64_t child) {
        insert("INSERT INTO group_assoc (first_group_id, second_group_id) VALUES (?, ?)", {parent_group, child});
    }
    int64_t sample_set(const char* type = "patient") {
        return insert("INSERT INTO sample_set (sample_type) VALUES (?)", {type});
    }
};

}  // namespace

class PermissionsDbTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PermissionsDbTest);
    CPPUNIT_TEST(capability_and_access_must_meet);
    CPPUNIT_TEST(child_group_reaches_parent_objects);
    CPPUNIT_TEST(parent_capabilities_are_not_inherited);
    CPPUNIT_TEST(parent_members_do_not_see_child_objects);
    CPPUNIT_TEST(create_in_parent_group);
    CPPUNIT_TEST(public_group_shares_by_role);
    CPPUNIT_TEST(admin_bypasses_all_but_anon);
    CPPUNIT_TEST(legacy_patient_grants);
    CPPUNIT_TEST(list_of_readable_sets);
    CPPUNIT_TEST(session_idle_and_absolute_expiry);
    CPPUNIT_TEST_SUITE_END();

public:
    void capability_and_access_must_meet() {
        Fixture f;
        int64_t u = f.user(), g = f.group(), other = f.group(), ss = f.sample_set();
        f.member(u, g);
        f.perm(g, "read", "sample_set", 0);
        f.perm(other, "access", "sample_set", ss);
        perm::Permissions p(*f.db, u);
        CPPUNIT_ASSERT(!p.can_view_sample_set(ss));  // capability but no access
        f.perm(g, "access", "sample_set", ss);
        perm::Permissions p2(*f.db, u);
        CPPUNIT_ASSERT(p2.can_view_sample_set(ss));
        CPPUNIT_ASSERT(!p2.can_modify_sample_set(ss));  // no admin capability
        CPPUNIT_ASSERT(!p2.can_upload_sample_set(ss));
        CPPUNIT_ASSERT(!p2.can_view_sample_set(ss + 1000000));
    }
    void child_group_reaches_parent_objects() {
        Fixture f;
        int64_t u = f.user(), parent = f.group(), child = f.group(), ss = f.sample_set();
        f.parent(parent, child);
        f.member(u, child);
        f.perm(child, "read", "sample_set", 0);
        f.perm(parent, "access", "sample_set", ss);
        perm::Permissions p(*f.db, u);
        CPPUNIT_ASSERT(p.can_view_sample_set(ss));
    }
    void parent_capabilities_are_not_inherited() {
        Fixture f;
        int64_t u = f.user(), parent = f.group(), child = f.group(), ss = f.sample_set();
        f.parent(parent, child);
        f.member(u, child);
        f.perm(parent, "admin", "sample_set", 0);
        f.perm(child, "read", "sample_set", 0);
        f.perm(parent, "access", "sample_set", ss);
        perm::Permissions p(*f.db, u);
        CPPUNIT_ASSERT(p.can_view_sample_set(ss));
        CPPUNIT_ASSERT(!p.can_modify_sample_set(ss));
    }
    void parent_members_do_not_see_child_objects() {
        Fixture f;
        int64_t u = f.user(), parent = f.group(), child = f.group(), ss = f.sample_set();
        f.parent(parent, child);
        f.member(u, parent);
        f.perm(parent, "read", "sample_set", 0);
        f.perm(child, "access", "sample_set", ss);
        perm::Permissions p(*f.db, u);
        CPPUNIT_ASSERT(!p.can_view_sample_set(ss));
    }
    void create_in_parent_group() {
        Fixture f;
        int64_t u = f.user(), parent = f.group(), child = f.group(), unrelated = f.group();
        f.parent(parent, child);
        f.member(u, child);
        f.perm(child, "create", "sample_set", 0);
        perm::Permissions p(*f.db, u);
        CPPUNIT_ASSERT(p.can_create_sample_set());
        CPPUNIT_ASSERT(p.can_create_sample_set_in_group(child));
        CPPUNIT_ASSERT(p.can_create_sample_set_in_group(parent));  // model.md §2.2 (a)
        CPPUNIT_ASSERT(!p.can_create_sample_set_in_group(unrelated));
    }
    void public_group_shares_by_role() {
        Fixture f;
        auto pub = f.db->query_one("SELECT id FROM auth_group WHERE role = 'public' ORDER BY id LIMIT 1");
        CPPUNIT_ASSERT(pub.has_value());
        int64_t u = f.user(), outsider = f.user(), ss = f.sample_set();
        f.member(u, pub->integer(0));
        f.perm(pub->integer(0), "access", "sample_set", ss);
        perm::Permissions p(*f.db, u);
        CPPUNIT_ASSERT(p.can_view_sample_set(ss));  // public holds `read` on config (record 0)
        CPPUNIT_ASSERT(!p.can_modify_sample_set(ss));
        perm::Permissions q(*f.db, outsider);       // not a member of public
        CPPUNIT_ASSERT(!q.can_view_sample_set(ss));
        perm::Permissions anonymous(*f.db, 0);
        CPPUNIT_ASSERT(!anonymous.can_view_sample_set(ss));
    }
    void admin_bypasses_all_but_anon() {
        Fixture f;
        auto admin_group = f.db->query_one("SELECT id FROM auth_group WHERE role = 'admin' ORDER BY id LIMIT 1");
        int64_t u = f.user(), ss = f.sample_set();
        f.member(u, admin_group->integer(0));
        perm::Permissions p(*f.db, u);
        CPPUNIT_ASSERT(p.is_admin());
        CPPUNIT_ASSERT(p.can_view_sample_set(ss) && p.can_modify_sample_set(ss) && p.can_process_sample_set(ss));
        CPPUNIT_ASSERT(!p.can_view_info(ss));
        CPPUNIT_ASSERT(p.can_modify_user(1));
    }
    void legacy_patient_grants() {
        Fixture f;
        int64_t u = f.user(), g = f.group(), ss = f.sample_set("patient");
        int64_t patient = f.insert("INSERT INTO patient (first_name, last_name, sample_set_id) VALUES ('A', 'B', ?)", {ss});
        f.member(u, g);
        f.perm(g, "read", "sample_set", 0);
        f.perm(g, "access", "patient", patient);  // imported web2py-era grant
        perm::Permissions p(*f.db, u);
        CPPUNIT_ASSERT(p.can_view_sample_set(ss));
    }
    void list_of_readable_sets() {
        Fixture f;
        int64_t u = f.user(), g = f.group(), a = f.sample_set(), b = f.sample_set(), c = f.sample_set();
        f.member(u, g);
        f.perm(g, "read", "sample_set", 0);
        f.perm(g, "access", "sample_set", a);
        f.perm(g, "access", "sample_set", b);
        perm::Permissions p(*f.db, u);
        auto ids = p.accessible("read", "sample_set");
        CPPUNIT_ASSERT(ids.has_value());
        CPPUNIT_ASSERT(ids->count(a) && ids->count(b) && !ids->count(c));
    }
    void session_idle_and_absolute_expiry() {
        Fixture f;
        int64_t u = f.user();
        auth::SessionPolicy policy;
        policy.idle_seconds = 100;
        policy.absolute_seconds = 1000;
        int64_t t0 = 1700000000;
        std::string token = auth::start_session(*f.db, policy, u, std::nullopt, "127.0.0.1", "test", t0);
        // Activity is recorded at most once a minute: +50 is not written, +90 and +185 are.
        CPPUNIT_ASSERT(auth::load_session(*f.db, policy, token, t0 + 50).has_value());
        CPPUNIT_ASSERT(auth::load_session(*f.db, policy, token, t0 + 90).has_value());
        CPPUNIT_ASSERT(auth::load_session(*f.db, policy, token, t0 + 185).has_value());
        CPPUNIT_ASSERT(!auth::load_session(*f.db, policy, token, t0 + 286).has_value());  // idle > 100 s
        CPPUNIT_ASSERT(!auth::load_session(*f.db, policy, token, t0 + 50).has_value());  // deleted when it expired
        std::string t2 = auth::start_session(*f.db, policy, u, std::nullopt, "127.0.0.1", "test", t0);
        for (int64_t t = t0; t < t0 + 1000; t += 90) CPPUNIT_ASSERT(auth::load_session(*f.db, policy, t2, t).has_value());
        CPPUNIT_ASSERT(!auth::load_session(*f.db, policy, t2, t0 + 1001).has_value());  // absolute limit
        CPPUNIT_ASSERT(!auth::load_session(*f.db, policy, "not-a-token", t0).has_value());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PermissionsDbTest);
