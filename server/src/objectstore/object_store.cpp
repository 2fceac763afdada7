#include "objectstore/object_store.hpp"

#include <sodium.h>

namespace meridian::objectstore {

struct Sha256::State {
  crypto_hash_sha256_state st;
};

Sha256::Sha256() : state_(std::make_unique<State>()) { crypto_hash_sha256_init(&state_->st); }
Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  crypto_hash_sha256_update(&state_->st, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string Sha256::hex_digest() {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_->st, out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

std::string Sha256::save_state() const {
  std::string out(sizeof(state_->st) * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(&state_->st), sizeof(state_->st));
  out.pop_back();
  return out;
}

bool Sha256::load_state(std::string_view hex) {
  if (hex.size() != sizeof(state_->st) * 2) return false;
  std::size_t len = 0;
  return sodium_hex2bin(reinterpret_cast<unsigned char*>(&state_->st), sizeof(state_->st), hex.data(), hex.size(),
                        nullptr, &len, nullptr) == 0 &&
         len == sizeof(state_->st);
}

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > 512) return false;
  std::size_t start = 0;
  while (start <= key.size()) {
    auto slash = key.find('/', start);
    std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment.front() == '.') return false;
    for (char c : segment) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.';
      if (!ok) return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

Result<std::unique_ptr<AppendFile>> MultipartUpload::open_append(std::uint64_t) {
  return make_error(ErrorCode::internal, "this store does not append in place");
}

Result<void> MultipartUpload::complete_appended(std::uint64_t) {
  return make_error(ErrorCode::internal, "this store does not append in place");
}

Result<std::string> read_all(net::BodySource& source) {
  std::string out;
  out.reserve(static_cast<std::size_t>(source.size()));
  char buf[64 * 1024];
  while (true) {
    auto n = source.read(buf, sizeof buf);
    if (!n) return n.error();
    if (*n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

}  // namespace meridian::objectstore
