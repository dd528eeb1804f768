// Throttling of password guesses (see throttle.h).
#include "auth/throttle.h"

#include <algorithm>

#include "model/events.h"
#include "model/sessions.h"
#include "util/log.h"
#include "util/text.h"

namespace vidjil::auth {

// Addresses an account logged in from within this many days escape the account-wide back-off.
static const int kKnownAddressDays = 90;

ThrottlePolicy ThrottlePolicy::from_config(const Config& cfg) {
    ThrottlePolicy p;
    p.pair_max = std::max<int64_t>(1, cfg.get_int("MAX_WRONG_PASSWORDS", 5));
    p.lockout = std::max<int64_t>(1, cfg.get_int("LOCKOUT_TIME", 900));
    p.account_max = std::max<int64_t>(1, cfg.get_int("ACCOUNT_MAX_WRONG_PASSWORDS", 20));
    p.account_lockout = std::max<int64_t>(1, cfg.get_int("ACCOUNT_LOCKOUT_TIME", 60));
    p.account_lockout_max = std::max<int64_t>(p.account_lockout, cfg.get_int("ACCOUNT_LOCKOUT_MAX", 3600));
    p.address_max = std::max<int64_t>(1, cfg.get_int("ADDRESS_MAX_WRONG_PASSWORDS", 30));
    return p;
}

std::string throttle_key(const std::string& email) {
    std::string e = text::to_lower(email);
    if (e.empty()) return "(none)";  // "" is the key of the per-address rows
    if (e.size() <= 200) return e;
    return "sha256:" + text::sha256_hex(e);
}

// "" is the address of the per-account rows.
static std::string address_key(const std::string& address) { return address.empty() ? "(unknown)" : address; }

std::optional<std::string> throttle_refusal(db::Connection& db, const ThrottlePolicy&, const std::string& email,
                                            std::optional<int64_t> user_id, const std::string& client,
                                            int64_t now) {
    const std::string key = throttle_key(email), address = address_key(client);
    int64_t until = std::max(model::throttle_for(db, key, address).locked_until,
                             model::throttle_for(db, "", address).locked_until);
    int64_t account = model::throttle_for(db, key, "").locked_until;
    if (account > now && account > until &&
        !(user_id && model::logged_in_from(db, *user_id, address, kKnownAddressDays)))
        until = account;
    if (until <= now) return std::nullopt;
    int64_t minutes = (until - now + 59) / 60;
    return "Invalid Credentials: too many failed attempts, try again in " + std::to_string(minutes) +
           " minute(s) or ask an administrator";
}

void throttle_failure(db::Connection& db, const ThrottlePolicy& p, const std::string& email,
                      std::optional<int64_t> user_id, const std::string& client, int64_t now,
                      const std::string& what) {
    const std::string key = throttle_key(email), address = address_key(client);
    if (model::count_failure(db, key, address, now, now - p.lockout) >= p.pair_max) {
        model::lock_throttle(db, key, address, now + p.lockout, true);
        model::auth_event(db, user_id, address,
                          "Account " + email + " locked from " + address + " for " + std::to_string(p.lockout) +
                              " s after " + std::to_string(p.pair_max) + " " + what);
        log::warn("password checks of " + email + " locked from " + address + " after " +
                  std::to_string(p.pair_max) + " failures");
    }
    if (model::count_failure(db, "", address, now, now - p.lockout) >= p.address_max) {
        model::lock_throttle(db, "", address, now + p.lockout, true);
        model::auth_event(db, std::nullopt, address,
                          "Address " + address + " locked for " + std::to_string(p.lockout) + " s after " +
                              std::to_string(p.address_max) + " " + what + " on any account");
        log::warn("password checks from " + address + " locked after " + std::to_string(p.address_max) +
                  " failures on any account");
    }
    int64_t forget = std::max<int64_t>(86400, p.account_lockout_max);
    int64_t n = model::count_failure(db, key, "", now, now - forget);
    if (n >= p.account_max) {
        int64_t shift = std::min<int64_t>(n - p.account_max, 20);
        int64_t delay = std::min(p.account_lockout_max, p.account_lockout << shift);
        model::lock_throttle(db, key, "", now + delay, false);
        model::auth_event(db, user_id, address,
                          "Account " + email + " refused for " + std::to_string(delay) + " s after " +
                              std::to_string(n) + " " + what + " from any address");
        if (n == p.account_max)
            log::warn("password checks of " + email + " slowed down after " + std::to_string(n) +
                      " failures from any address");
    }
}

void throttle_success(db::Connection& db, const std::string& email, const std::string& client) {
    const std::string key = throttle_key(email);
    model::clear_throttle_row(db, key, address_key(client));
    model::clear_throttle_row(db, key, "");
}

}  // namespace vidjil::auth
