// Throttling of password guesses (ASVS V2.2.1), for logins and for the current password that
// user/edit_form asks. Three counters, all keyed by what was typed (unknown e-mails behave
// exactly like known ones):
//  * (account, address): MAX_WRONG_PASSWORDS failures lock that account from that address for
//    LOCKOUT_TIME seconds; other addresses are not affected.
//  * account over every address: from ACCOUNT_MAX_WRONG_PASSWORDS failures on, each failure
//    refuses the account for a growing delay (ACCOUNT_LOCKOUT_TIME, doubled at each further
//    failure, at most ACCOUNT_LOCKOUT_MAX) - except from addresses the account logged in from in
//    the last 90 days, so that the owner keeps their usual address during a distributed attack.
//  * address over every account: ADDRESS_MAX_WRONG_PASSWORDS failures lock that address for
//    every account for LOCKOUT_TIME seconds (password spraying).
// A failure older than the lock time is forgotten; a successful check clears the (account,
// address) and account counters. `vidjil-admin unlock EMAIL|ADDRESS` clears them by hand.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "config.h"
#include "db/db.h"

namespace vidjil::auth {

struct ThrottlePolicy {
    int64_t pair_max = 5, lockout = 900;                                  // MAX_WRONG_PASSWORDS, LOCKOUT_TIME
    int64_t account_max = 20, account_lockout = 60, account_lockout_max = 3600;  // ACCOUNT_*
    int64_t address_max = 30;                                             // ADDRESS_MAX_WRONG_PASSWORDS
    static ThrottlePolicy from_config(const Config& cfg);
};

// When a check of `email`'s password from `address` must be refused now, the message for the
// person (with the time to wait), else nullopt. user_id: the account of that e-mail, if any.
std::optional<std::string> throttle_refusal(db::Connection& db, const ThrottlePolicy& p, const std::string& email,
                                            std::optional<int64_t> user_id, const std::string& address, int64_t now);
// Counts a failed check, records auth_event lines for the locks it causes ("what" names the
// failures: "failed logins", "wrong current passwords").
void throttle_failure(db::Connection& db, const ThrottlePolicy& p, const std::string& email,
                      std::optional<int64_t> user_id, const std::string& address, int64_t now, const std::string& what);
// A successful check: the (account, address) and account counters start again.
void throttle_success(db::Connection& db, const std::string& email, const std::string& address);

// The key used for an e-mail (lower-cased; a too long one is replaced by its digest).
std::string throttle_key(const std::string& email);

}  // namespace vidjil::auth
