#include "files/download_tokens.hpp"

#include <sodium.h>

#include <charconv>
#include <vector>

namespace meridian::files {
namespace {

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

bool parse_field(std::string_view text, std::int64_t& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && p == text.data() + text.size() && out >= 0;
}

Error refused() {
  return make_error(ErrorCode::unauthenticated, "the download link is not valid; start the download again");
}

}  // namespace

DownloadTokens::DownloadTokens(const Clock& clock, std::string_view secret, UnixMillis ttl_ms)
    : clock_(clock), key_(crypto_auth_hmacsha256_KEYBYTES, '\0'), ttl_ms_(ttl_ms) {
  auto* key = reinterpret_cast<unsigned char*>(key_.data());
  if (secret.empty()) {
    randombytes_buf(key, key_.size());
  } else {
    crypto_hash_sha256(key, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  }
}

std::string DownloadTokens::mac(std::string_view payload) const {
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
  static constexpr std::string_view kContext = "meridian-download-v1|";
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kContext.data()), kContext.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
  crypto_auth_hmacsha256_final(&st, out);
  return base64url(out, sizeof out);
}

IssuedToken DownloadTokens::issue(std::int64_t user_id, std::int64_t node_id, std::int64_t version) const {
  IssuedToken t;
  t.expires_at = clock_.now_ms() + ttl_ms_;
  std::string payload = std::to_string(user_id) + "." + std::to_string(node_id) + "." + std::to_string(version) + "." +
                        std::to_string(t.expires_at);
  t.token = payload + "." + mac(payload);
  return t;
}

Result<DownloadClaims> DownloadTokens::verify(std::string_view token, std::int64_t node_id) const {
  if (token.empty() || token.size() > 200) return refused();
  const auto last = token.rfind('.');
  if (last == std::string_view::npos) return refused();
  const std::string_view payload = token.substr(0, last);
  const std::string expected = mac(payload);
  const std::string_view given = token.substr(last + 1);
  if (given.size() != expected.size() || sodium_memcmp(given.data(), expected.data(), expected.size()) != 0)
    return refused();
  std::vector<std::string_view> parts;
  std::string_view rest = payload;
  while (true) {
    auto dot = rest.find('.');
    parts.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  DownloadClaims c;
  if (parts.size() != 4 || !parse_field(parts[0], c.user_id) || !parse_field(parts[1], c.node_id) ||
      !parse_field(parts[2], c.version) || !parse_field(parts[3], c.expires_at))
    return refused();
  if (c.node_id != node_id) return make_error(ErrorCode::forbidden, "this download link is for another file");
  if (clock_.now_ms() >= c.expires_at)
    return make_error(ErrorCode::unauthenticated, "the download link expired; start the download again");
  return c;
}

}  // namespace meridian::files
