// Throttles the guessing of a secret: a password at sign-in, a share link's password.
// Failures are counted per key (an email, a link, an address) in `login_failures`: from
// a rule's `slow_after`th failure on, each further try must wait 1, 2, 4 ... seconds; at its
// `lock_after`th the key is locked for `lockout_ms`. Failures older than
// `failure_window_ms` are forgotten. Tries while a key is locked are refused before the
// secret is checked (rate_limited, with the seconds to wait for Retry-After) and not counted.
// Header-only: a few lines over IdentityRepository's login_failures statements.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "identity/identity_repository.hpp"
#include "storage/database.hpp"

namespace meridian::identity {

struct ThrottleRule {
  std::int64_t slow_after = 0;  // 0: never slowed down, only locked
  std::int64_t lock_after = 10;
};

struct ThrottleTimes {
  std::int64_t lockout_ms = 15LL * 60 * 1000;
  std::int64_t failure_window_ms = 15LL * 60 * 1000;
};

class FailureThrottle final {
 public:
  FailureThrottle(const Clock& clock, ThrottleTimes times) : clock_(clock), times_(times) {}

  // The failures counted for `key` (none: all zero).
  Result<LoginFailures> failures(storage::Session& s, const std::string& key);
  // rate_limited when one of the keys is locked now ("<what>; try again in N s").
  Result<void> require_unlocked(storage::Session& s, const std::vector<std::string>& keys,
                                std::string_view what);
  // Counts one failure of `key`; concurrent failures of one key all count.
  Result<void> record_failure(storage::Session& s, const std::string& key, ThrottleRule rule);
  // Forgets the failures of `key` (after the right secret).
  Result<void> clear(storage::Session& s, const std::string& key);

  // The refusal for a key locked until `locked_until`.
  static Error locked(std::string_view what, UnixMillis locked_until, UnixMillis now);

 private:
  const Clock& clock_;
  ThrottleTimes times_;
  IdentityRepository repo_;
};

inline Result<LoginFailures> FailureThrottle::failures(storage::Session& s, const std::string& key) {
  return repo_.login_failures(s, key);
}

inline Result<void> FailureThrottle::require_unlocked(storage::Session& s, const std::vector<std::string>& keys,
                                                      std::string_view what) {
  UnixMillis until = 0;
  for (const auto& key : keys) {
    MERIDIAN_ASSIGN_OR_RETURN(auto f, repo_.login_failures(s, key));
    until = std::max(until, f.locked_until);
  }
  const UnixMillis now = clock_.now_ms();
  if (until > now) return locked(what, until, now);
  return {};
}

inline Result<void> FailureThrottle::record_failure(storage::Session& s, const std::string& key, ThrottleRule rule) {
  const UnixMillis now = clock_.now_ms();
  MERIDIAN_ASSIGN_OR_RETURN(auto next, repo_.lock_login_failures(s, key));
  if (now - next.last_failure_at > times_.failure_window_ms) next.failures = 0;
  next.failures += 1;
  next.last_failure_at = now;
  if (next.failures >= rule.lock_after) {
    next.locked_until = now + times_.lockout_ms;
  } else if (rule.slow_after > 0 && next.failures >= rule.slow_after) {
    const std::int64_t shift = std::min<std::int64_t>(next.failures - rule.slow_after, 20);
    next.locked_until = now + std::min<std::int64_t>(1000LL << shift, times_.lockout_ms);
  }
  return repo_.save_login_failures(s, key, next);
}

inline Result<void> FailureThrottle::clear(storage::Session& s, const std::string& key) {
  return repo_.clear_login_failures(s, key);
}

inline Error FailureThrottle::locked(std::string_view what, UnixMillis locked_until, UnixMillis now) {
  const int wait_s = static_cast<int>((locked_until - now + 999) / 1000);
  Error e = make_error(ErrorCode::rate_limited, std::string(what) + "; try again in " + std::to_string(wait_s) + " s");
  e.retry_after_seconds = wait_s;
  return e;
}

}  // namespace meridian::identity
