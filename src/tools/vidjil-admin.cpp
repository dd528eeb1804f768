// vidjil-admin: the sysadmin's command for the database (migrate, init-db), accounts
// (set-password, unlock) and housekeeping (purge-sessions, check-config).
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>

#include "auth/password.h"
#include "auth/throttle.h"
#include "config.h"
#include "db/db.h"
#include "db/migrate.h"
#include "model/accounts.h"
#include "model/sessions.h"
#include "model/users.h"
#include "tools/admin_cli.h"
#include "tools/demo_data.h"
#include "tools/import_dump.h"
#include "tools/metrics.h"
#include "endpoints/metrics.h"
#include "tools/backup.h"
#include "tools/migrator.h"
#include "tools/clonedb.h"
#include "tools/slurm.h"
#include "util/text.h"

using namespace vidjil;

static int usage() {
    std::cerr << "usage: vidjil-admin COMMAND [ARGS]\n"
                 "  check-config            read and check the configuration file\n"
                 "  migrate                 create or upgrade the database schema\n"
                 "  init-db EMAIL           create the first administrator and the default data\n"
                 "                          (password from $VIDJIL_ADMIN_PASSWORD or standard input)\n"
                 "  set-password EMAIL      set a user's password (same sources) and end their sessions\n"
                 "  unlock EMAIL|ADDRESS    lift the locks after too many wrong passwords (of an\n"
                 "                          account from every address, or of a client address)\n"
                 "  purge-sessions          delete expired sessions\n"
                 "  demo-data               add a demo patient, run and set with a small sample\n"
                 "  import-dump FILE        load a data-only mysqldump of the original server into a\n"
                 "                          database just created by migrate (FILE - = standard input)\n"
                 "  metrics-user            create the metrics group and user of METRICS_USER_EMAIL /\n"
                 "                          METRICS_USER_PASSWORD (idempotent)\n"
                 "  backup [--full] [--since DATE] [--gzip] DIR\n"
                 "                          write DIR/vidjil-backup-<UTC time>[-full][-since-DATE].tar: a\n"
                 "                          database dump, the results (and the uploads with --full),\n"
                 "                          MANIFEST.sha256\n"
                 "  restore [--force] FILE  load a backup into a migrated, empty database and empty\n"
                 "                          data directories (every checksum verified first)\n"
                 "  export sample_set {patient|run|generic} ID... DIR | export group GID... DIR\n"
                 "                          write sets, their files' rows, results, analyses and fused\n"
                 "                          files in the original migrator's format\n"
                 "  import [--dry-run] [--config config.json] [--pre-process pprocess.json] DIR GROUP_ID\n"
                 "                          load such an export (one transaction), granting GROUP_ID access\n"
                 "  clonedb-export GROUP_ID... OUT.fa\n"
                 "                          clones of the groups' patients' latest results as FASTA\n"
                 "  config-limits ID [--memory MB|none] [--time SECONDS|none]\n"
                 "                          show or set a config's memory and time limits (Slurm)\n"
              << tools::admin_cli_usage()
              << "The configuration file is $VIDJIL_CONF or " << Config::default_path() << ".\n";
    return 2;
}

static int run(int argc, char** argv) {
    if (argc < 2) return usage();
    std::string cmd = argv[1];
    Config cfg = Config::load();
    if (cmd == "check-config") {
        std::cout << "configuration " << cfg.origin() << " is valid\n";
        return 0;
    }
    db::Connection db(db::ConnectOptions::from_config(cfg));
    db.ensure();
    const std::string public_role = cfg.get("PUBLIC_GROUP_NAME", "public");
    const auto password_policy = auth::PasswordPolicy::from_config(cfg);
    if (cmd == "migrate") {
        int n = db::migrate(db, db::default_sql_dir(), std::cout);
        std::cout << (n ? "database schema upgraded" : "database schema already up to date") << "\n";
        return 0;
    }
    if (cmd == "purge-sessions") {
        model::delete_expired_sessions(db, time(nullptr), cfg.get_int("LOGIN_EXPIRATION_TIME", 3600));
        std::cout << "expired sessions deleted\n";
        return 0;
    }
    if (cmd == "demo-data") {
        tools::load_demo_data(db, cfg, std::cout);
        return 0;
    }
    if (cmd == "import-dump") {
        if (argc != 3) return usage();
        tools::import_dump(db, argv[2], std::cout);
        return 0;
    }
    if (cmd == "user") return tools::cmd_user(db, cfg, argc - 1, argv + 1, std::cout);
    if (cmd == "group") return tools::cmd_group(db, cfg, argc - 1, argv + 1, std::cout);
    if (cmd == "jobs") return tools::cmd_jobs(db, cfg, argc - 1, argv + 1, std::cout);
    if (cmd == "check") return tools::cmd_check(db, cfg, argc - 1, argv + 1, std::cout);
    if (cmd == "audit") return tools::cmd_audit(db, cfg, argc - 1, argv + 1, std::cout);
    if (cmd == "metrics-user") return tools::cmd_metrics_user(db, cfg, argc, argv, std::cout);
    if (cmd == "backup") return tools::cmd_backup(db, cfg, argc, argv, std::cout);
    if (cmd == "restore") return tools::cmd_restore(db, cfg, argc, argv, std::cout);
    if (cmd == "export") return tools::cmd_export(db, cfg, argc, argv, std::cout);
    if (cmd == "import") return tools::cmd_import(db, cfg, argc, argv, std::cout);
    if (cmd == "clonedb-export") return tools::cmd_clonedb_export(db, cfg, argc, argv, std::cout);
    if (cmd == "config-limits") return tools::cmd_config_limits(db, cfg, argc - 1, argv + 1, std::cout);
    if (argc < 3) return usage();
    std::string email = text::to_lower(argv[2]);
    if (cmd == "init-db") {
        if (!text::is_email(email)) throw std::runtime_error("not an e-mail address: " + email);
        std::string pw = tools::read_password();
        if (auto p = auth::password_problem(pw, password_policy, email); !p.empty()) throw std::runtime_error(p);
        if (!model::init_database(db, email, auth::hash_password(pw), public_role)) {
            std::cout << "the database already has users: nothing done\n";
            return 0;
        }
        std::cout << "database initialised; administrator " << email << "\n";
        // The metrics account, when METRICS_USER_EMAIL / METRICS_USER_PASSWORD are set.
        std::ostringstream said;
        bool metrics_ok = endpoints::metrics_user_from_config(db, cfg, said);
        (metrics_ok ? std::cout : std::cerr) << said.str();
        if (!metrics_ok) return 1;
        return 0;
    }
    if (cmd == "set-password") {
        auto u = model::user_by_email(db, email);
        if (!u) throw std::runtime_error("no user with e-mail " + email);
        std::string pw = tools::read_password();
        if (auto p = auth::password_problem(pw, password_policy, email); !p.empty()) throw std::runtime_error(p);
        model::update_password(db, u->id, auth::hash_password(pw));
        model::delete_user_sessions(db, u->id);
        model::clear_throttle(db, auth::throttle_key(email));
        std::cout << "password of " << email << " changed, sessions ended\n";
        return 0;
    }
    if (cmd == "unlock") {
        // An e-mail: every lock of that account; anything else: an address (every lock of it).
        if (email.find('@') != std::string::npos) model::clear_throttle(db, auth::throttle_key(email));
        else model::clear_address_throttle(db, argv[2]);
        std::cout << argv[2] << " unlocked\n";
        return 0;
    }
    return usage();
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "vidjil-admin: " << e.what() << "\n";
        return 1;
    }
}
