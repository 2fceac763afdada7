// Cryptographic randomness and hashing for tokens (libsodium).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace meridian {

// Must be called once before any other function here (idempotent).
void init_crypto();

// `bytes` random bytes, base64url without padding (32 bytes -> 43 chars).
std::string random_token(std::size_t bytes = 32);

// SHA-256 as lower-case hex: what is stored for session tokens.
std::string sha256_hex(std::string_view data);

}  // namespace meridian
