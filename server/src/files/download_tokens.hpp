// Short-lived download tokens: a plain <a href> (or a download manager) can fetch one
// file without the bearer header. A token names one user, one file and one version and
// expires after a minute or two; it is an HMAC over those fields, so nothing is stored.
// The key is random per process unless configured (files.download_secret), so with
// several nodes behind a balancer the secret must be shared.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace meridian::files {

struct DownloadClaims {
  std::int64_t user_id = 0;
  std::int64_t node_id = 0;
  std::int64_t version = 0;  // 0: the current version at the time of use
  UnixMillis expires_at = 0;
};

struct IssuedToken {
  std::string token;
  UnixMillis expires_at = 0;
};

class DownloadTokens final {
 public:
  // secret: any length (hashed into the key); empty -> a random key for this process.
  DownloadTokens(const Clock& clock, std::string_view secret = {}, UnixMillis ttl_ms = 120'000);

  IssuedToken issue(std::int64_t user_id, std::int64_t node_id, std::int64_t version) const;
  // unauthenticated: forged, malformed or expired; forbidden: made for another file.
  Result<DownloadClaims> verify(std::string_view token, std::int64_t node_id) const;

  UnixMillis ttl_ms() const { return ttl_ms_; }

 private:
  std::string mac(std::string_view payload) const;

  const Clock& clock_;
  std::string key_;  // 32 bytes
  UnixMillis ttl_ms_;
};

}  // namespace meridian::files
