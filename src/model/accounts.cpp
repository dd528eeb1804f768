// Account creation and first database initialisation (see accounts.h and model.md §2.7, §8).
#include "model/accounts.h"

#include <cstdio>
#include <stdexcept>

#include "model/users.h"

namespace vidjil::model {

static std::string personal_role(int64_t user_id) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "user_%04lld", static_cast<long long>(user_id));
    return buf;
}

int64_t create_account(db::Connection& db, const std::string& email, const std::string& first,
                       const std::string& last, const std::string& hash, const std::string& public_role) {
    int64_t uid = insert_user(db, email, first, last, hash);
    int64_t gid = insert_group(db, personal_role(uid), "Group uniquely assigned to user " + std::to_string(uid));
    add_membership(db, uid, gid);
    for (const char* right : {"create", "read", "admin", "upload", "save", "anon"})
        add_permission(db, gid, right, "sample_set", 0);
    add_permission(db, gid, "access", "auth_group", gid);
    if (auto pub = group_by_role(db, public_role)) add_membership(db, uid, pub->id);
    return uid;
}

namespace {

struct DefaultConfig {
    const char* name;
    const char* command;
    const char* fuse_command;
    int classification;
};

const char* kClassifications[] = {"Human V(D)J recombinations", "Other recombinations",
                                  "Analysis with/for other software", "Other species", "Experimental configs",
                                  "Old configs, do not use"};

const DefaultConfig kConfigs[] = {
    {"default + extract reads", "-c clones -z 100 -r 1 -g germline/homo-sapiens.g -e 1 -2 -d -w 50 -U ", "-t 100", 1},
    {"multi+inc+xxx", "-c clones -z 100 -r 1 -g germline/homo-sapiens.g -e 1 -2 -d -w 50 ", "-t 100", 1},
    {"multi+inc", "-c clones -z 100 -r 1 -g germline/homo-sapiens.g -e 1 -w 50 ", "-t 100", 1},
    {"multi", "-c clones -z 100 -r 1 -g germline/homo-sapiens.g:IGH,IGK,IGL,TRA,TRB,TRG,TRD -e 1 -d -w 50 ",
     "-t 100", 2},
    {"TRG", "-c clones -z 100 -r 1 -g germline/homo-sapiens.g:TRG ", "-t 100", 2},
    {"IGH", "-c clones -w 60 -d -z 100 -r 1 -g germline/homo-sapiens.g:IGH ", "-t 100", 2},
    {"Clonality", "-c clones -z 100 -r 1 -g germline/homo-sapiens.g -e 1 -2 -w 90 -y all --no-airr",
     "-t 100 -d lenSeqAverage --overlaps", 1},
    {"Export all clones (AIRR)", "-c clones -y all -z all -g germline/homo-sapiens.g -e 1 -2 -d -w 50 -r 5 --no-vidjil",
     "-t 100", 3},
};

const char* kTags[] = {"ALL", "T-ALL", "B-ALL", "pre-B-ALL", "pro-B-ALL", "mature-B-ALL", "CML", "HCL", "MZL",
                       "T-PLL", "CLL", "LGL", "lymphoma", "MCL", "NHL", "HL", "FL", "DLBCL", "WM", "MAG", "MM",
                       "diagnosis", "MRD", "relapse", "CR", "deceased", "pre-BMT", "post-BMT", "pre-SCT", "post-SCT",
                       "dilution", "standard", "QC", "EuroMRD", "marrow", "blood", "repertoire", "TIL", "CAR-T",
                       "scFv", "FR1", "FR2", "FR3", "TRA", "TRB", "TRG", "TRD", "IGH", "IGK", "KDE", "IGL", "IKAROS",
                       "BCR-ABL", "TEL-AML1", "E2A-PBX", "BCL2", "PAX5"};

void admin_capabilities(db::Connection& db, int64_t admin) {
    const char* objects[] = {"sample_set", "patient", "run", "generic", "config", "pre_process", "auth_group"};
    for (const char* t : objects) {
        add_permission(db, admin, "access", t, 0);
        add_permission(db, admin, "admin", t, 0);
        add_permission(db, admin, "read", t, 0);
    }
    add_permission(db, admin, "create", "sample_set", 0);
    add_permission(db, admin, "create", "auth_group", 0);
    add_permission(db, admin, "create_config", "config", 0);
    add_permission(db, admin, "create", "pre_process", 0);
    add_permission(db, admin, "impersonate", "auth_user", 0);
}

}  // namespace

bool init_database(db::Connection& db, const std::string& email, const std::string& hash,
                   const std::string& public_role) {
    // One initialisation at a time: two transactions' gap locks on the empty auth_user do not
    // exclude each other, so concurrent first calls deadlocked at their INSERTs (one got a 500
    // under load). A named lock serialises them; the second then sees the first one's user.
    struct NamedLock {
        db::Connection& db;
        bool held;
        explicit NamedLock(db::Connection& d) : db(d) {
            auto r = db.query_one("SELECT GET_LOCK('vidjil_init_db', 60)");
            held = r && r->integer(0) == 1;
        }
        ~NamedLock() {
            try {
                if (held) db.query("SELECT RELEASE_LOCK('vidjil_init_db')");
            } catch (...) {
            }
        }
    } lock(db);
    if (!lock.held) throw std::runtime_error("another initialisation of the database did not finish within 60 s");
    db::Transaction tx(db);
    if (db.query_one("SELECT id FROM auth_user LIMIT 1 FOR UPDATE")) return false;
    int64_t uid = insert_user(db, email, "System", "Administrator", hash);
    int64_t admin = insert_group(db, "admin", std::nullopt);
    int64_t personal = insert_group(db, personal_role(uid), "Group uniquely assigned to user " + std::to_string(uid));
    int64_t pub = insert_group(db, public_role, std::nullopt);
    for (int64_t g : {admin, personal, pub}) add_membership(db, uid, g);
    std::vector<int64_t> classes;
    for (const char* c : kClassifications) {
        db.exec("INSERT INTO classification (name, info) VALUES (?, ?)", {c, c});
        classes.push_back(static_cast<int64_t>(db.last_insert_id()));
    }
    admin_capabilities(db, admin);
    add_permission(db, pub, "read", "config", 0);
    add_permission(db, pub, "read", "pre_process", 0);
    for (const DefaultConfig& c : kConfigs) {
        db.exec("INSERT INTO config (name, program, command, fuse_command, info, classification) "
                "VALUES (?, 'vidjil', ?, ?, ?, ?)",
                {c.name, c.command, c.fuse_command, c.name, classes[static_cast<size_t>(c.classification - 1)]});
        add_permission(db, pub, "access", "config", static_cast<int64_t>(db.last_insert_id()));
    }
    for (const char* t : kTags) {
        auto existing = db.query_one("SELECT id FROM tag WHERE name = ?", {t});
        int64_t tag_id = existing ? existing->integer(0) : 0;
        if (!existing) {
            db.exec("INSERT INTO tag (name) VALUES (?)", {t});
            tag_id = static_cast<int64_t>(db.last_insert_id());
        }
        db.exec("INSERT INTO group_tag (group_id, tag_id) VALUES (?, ?)", {pub, tag_id});
    }
    tx.commit();
    return true;
}

}  // namespace vidjil::model
