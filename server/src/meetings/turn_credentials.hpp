// Time-limited TURN credentials in coturn's shared-secret REST scheme
// (turnserver --use-auth-secret --static-auth-secret=...): the username is
// "<expiry unix seconds>:<user>", the password base64(HMAC-SHA1(secret, username)).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace meridian::meetings {

struct TurnCredential {
  std::string username;
  std::string password;
  UnixMillis expires_at = 0;
};

// base64 (standard alphabet, padded) of HMAC-SHA1(key, data), via OpenSSL.
std::string hmac_sha1_base64(std::string_view key, std::string_view data);

TurnCredential turn_credential(std::string_view secret, std::string_view user, UnixMillis now,
                               std::int64_t ttl_seconds);

}  // namespace meridian::meetings
