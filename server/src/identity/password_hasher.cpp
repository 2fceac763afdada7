#include "identity/password_hasher.hpp"

#include <sodium.h>

#include <mutex>
#include <stdexcept>

#include "core/random.hpp"

namespace meridian::identity {

PasswordCost PasswordCost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::minimum() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

std::string PasswordHasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.ops_limit, cost_.mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool PasswordHasher::verify(std::string_view hash, std::string_view password) const {
  std::string h(hash);  // needs NUL termination
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

const std::string& PasswordHasher::decoy_hash() const {
  std::call_once(decoy_once_, [this] { decoy_ = hash(random_token(16)); });
  return decoy_;
}

bool password_acceptable(std::string_view password, std::string& why) {
  if (password.size() < 8) {
    why = "password must be at least 8 characters";
    return false;
  }
  if (password.size() > 256) {
    why = "password must be at most 256 characters";
    return false;
  }
  return true;
}

std::string generate_password() { return random_token(15); }  // 20 chars, ~120 bits

}  // namespace meridian::identity
