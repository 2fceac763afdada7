// Argon2id password hashing (libsodium's crypto_pwhash_str).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace meridian::identity {

struct PasswordCost {
  unsigned long long ops_limit;
  std::size_t mem_limit;
  static PasswordCost interactive();  // libsodium's INTERACTIVE: the production default
  static PasswordCost minimum();      // for tests only
};

class PasswordHasher final {
 public:
  explicit PasswordHasher(PasswordCost cost = PasswordCost::interactive()) : cost_(cost) {}
  std::string hash(std::string_view password) const;
  bool verify(std::string_view hash, std::string_view password) const;
  // A well-formed hash of a random password: verified against for unknown accounts so
  // that timing does not reveal whether an email exists.
  const std::string& decoy_hash() const;

 private:
  PasswordCost cost_;
  mutable std::once_flag decoy_once_;
  mutable std::string decoy_;
};

// 8..256 bytes; a message a person can act on otherwise.
bool password_acceptable(std::string_view password, std::string& why);
std::string generate_password();

}  // namespace meridian::identity
