// Creating accounts with everything an account needs (personal group, capabilities, public
// membership), and the first initialisation of an empty database (model.md §8).
#pragma once
#include <cstdint>
#include <string>

#include "db/db.h"

namespace vidjil::model {

// A new user as registration makes it (model.md §2.7): personal group user_%04d with
// create/read/admin/upload/save/anon on sample_set, access on its own group, public membership.
// Call inside a transaction.
int64_t create_account(db::Connection& db, const std::string& email, const std::string& first,
                       const std::string& last, const std::string& password_hash, const std::string& public_role);

// Fills an empty database: admin user 1, groups admin/user_0001/public, classifications, the
// default configs, the admin group's capabilities, public access to configs, default tags.
// Returns false (and changes nothing) if a user already exists. Runs its own transaction.
bool init_database(db::Connection& db, const std::string& email, const std::string& password_hash,
                   const std::string& public_role);

}  // namespace vidjil::model
