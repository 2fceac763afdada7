// A short-lived, in-process cache of authenticated sessions: most requests then need no
// database read to learn who is calling. Entries live at most `ttl_ms` and never past
// the session's own expiry; this node forgets them at once on logout, role change,
// deactivation and password reset. Other nodes notice within `ttl_ms` (documented).
#pragma once

#include <cstdint>
#include <optional>
#include <algorithm>
#include <string>

#include "core/clock.hpp"
#include "core/subject.hpp"
#include "core/ttl_cache.hpp"

namespace meridian::identity {

class SessionCache final {
 public:
  explicit SessionCache(std::int64_t ttl_ms, std::size_t max_entries = 100'000)
      : ttl_ms_(ttl_ms), entries_(max_entries) {}

  std::optional<Subject> find(const std::string& token_hash, UnixMillis now) const {
    if (ttl_ms_ <= 0) return std::nullopt;
    return entries_.find(token_hash, now);
  }
  void remember(const std::string& token_hash, const Subject& subject, UnixMillis session_expires_at,
                UnixMillis now) {
    if (ttl_ms_ > 0) entries_.put(token_hash, subject, std::min(now + ttl_ms_, session_expires_at));
  }
  void forget_session(std::int64_t session_id) {
    entries_.erase_if([&](const std::string&, const Subject& s) { return s.session_id == session_id; });
  }
  void forget_user(std::int64_t user_id) {
    entries_.erase_if([&](const std::string&, const Subject& s) { return s.user_id == user_id; });
  }
  std::size_t size() const { return entries_.size(); }

 private:
  std::int64_t ttl_ms_;
  TtlCache<std::string, Subject> entries_;
};

}  // namespace meridian::identity
