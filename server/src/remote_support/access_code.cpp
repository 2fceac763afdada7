#include "remote_support/access_code.hpp"

#include <sodium.h>

#include "core/random.hpp"

namespace meridian::remote_support {

std::string new_access_code() {
  std::string code;
  code.reserve(kCodeLength);
  for (std::size_t i = 0; i < kCodeLength; ++i)
    code.push_back(kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))]);
  return code;
}

std::optional<std::string> normalise_access_code(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kCodeAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
    if (out.size() > kCodeLength) return std::nullopt;
  }
  if (out.size() != kCodeLength) return std::nullopt;
  return out;
}

std::string access_code_hash(std::string_view code) {
  return sha256_hex(std::string("remote-support-code:") + std::string(code));
}

}  // namespace meridian::remote_support
