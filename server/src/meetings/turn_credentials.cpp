#include "meetings/turn_credentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace meridian::meetings {

std::string hmac_sha1_base64(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &length);
  std::string out(4 * ((length + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(length));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

TurnCredential turn_credential(std::string_view secret, std::string_view user, UnixMillis now,
                               std::int64_t ttl_seconds) {
  const std::int64_t expiry = now / 1000 + ttl_seconds;
  TurnCredential c;
  c.username = std::to_string(expiry) + ":" + std::string(user);
  c.password = hmac_sha1_base64(secret, c.username);
  c.expires_at = expiry * 1000;
  return c;
}

}  // namespace meridian::meetings
