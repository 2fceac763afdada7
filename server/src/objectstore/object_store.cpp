#include "objectstore/object_store.hpp"

// The low-level SHA256_CTX (deprecated in OpenSSL 3, still exported) is the only OpenSSL
// API whose running state can be saved and resumed; it uses the CPU's SHA extensions
// (libsodium's portable SHA-256 was ~5x slower and capped upload throughput).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sodium.h>

#include <cstring>

namespace meridian::objectstore {

struct Sha256::State {
  SHA256_CTX ctx;
};

namespace {

constexpr std::string_view kStatePrefix = "s2:";
constexpr std::size_t kBlock = 64;

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

bool from_hex(std::string_view hex, unsigned char* out, std::size_t n) {
  if (hex.size() != n * 2) return false;
  std::size_t len = 0;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == n;
}

// A state from its parts: the chaining value, the bits hashed (including `pending`) and
// the bytes of the unfinished block.
bool restore(SHA256_CTX& ctx, const std::uint32_t (&h)[8], std::uint64_t bits, std::string_view pending) {
  if (pending.size() >= kBlock || bits % 8 != 0 || (bits / 8) % kBlock != pending.size()) return false;
  SHA256_Init(&ctx);
  for (int i = 0; i < 8; ++i) ctx.h[i] = h[i];
  const std::uint64_t before = bits - pending.size() * 8;
  ctx.Nl = static_cast<SHA_LONG>(before & 0xffffffffU);
  ctx.Nh = static_cast<SHA_LONG>(before >> 32);
  ctx.num = 0;
  SHA256_Update(&ctx, pending.data(), pending.size());
  return true;
}

// The layout of libsodium's crypto_hash_sha256_state, which states saved by earlier
// builds hold (as hex of the struct): uploads in flight across an upgrade continue.
bool load_libsodium_state(SHA256_CTX& ctx, std::string_view hex) {
  crypto_hash_sha256_state st{};
  if (!from_hex(hex, reinterpret_cast<unsigned char*>(&st), sizeof st)) return false;
  const std::size_t pending = static_cast<std::size_t>((st.count >> 3) % kBlock);
  std::uint32_t h[8];
  for (int i = 0; i < 8; ++i) h[i] = st.state[i];
  return restore(ctx, h, st.count, std::string_view(reinterpret_cast<const char*>(st.buf), pending));
}

}  // namespace

Sha256::Sha256() : state_(std::make_unique<State>()) { SHA256_Init(&state_->ctx); }
Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) { SHA256_Update(&state_->ctx, bytes.data(), bytes.size()); }

std::string Sha256::hex_digest() {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256_Final(out, &state_->ctx);
  return to_hex(out, sizeof out);
}

// "s2:" + 8 big-endian words of chaining value + 8 big-endian bytes of bit count + the
// unfinished block's bytes, all hex: independent of the library's struct layout.
std::string Sha256::save_state() const {
  const SHA256_CTX& ctx = state_->ctx;
  std::string raw;
  for (int i = 0; i < 8; ++i)
    for (int shift = 24; shift >= 0; shift -= 8) raw.push_back(static_cast<char>((ctx.h[i] >> shift) & 0xff));
  const std::uint64_t bits = (static_cast<std::uint64_t>(ctx.Nh) << 32) | ctx.Nl;
  for (int shift = 56; shift >= 0; shift -= 8) raw.push_back(static_cast<char>((bits >> shift) & 0xff));
  raw.append(reinterpret_cast<const char*>(ctx.data), ctx.num);
  return std::string(kStatePrefix) + to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

bool Sha256::load_state(std::string_view hex) {
  SHA256_CTX ctx;
  if (hex.substr(0, kStatePrefix.size()) != kStatePrefix) {
    if (!load_libsodium_state(ctx, hex)) return false;
    state_->ctx = ctx;
    return true;
  }
  hex.remove_prefix(kStatePrefix.size());
  constexpr std::size_t kFixed = 8 * 4 + 8;
  if (hex.size() % 2 != 0 || hex.size() < kFixed * 2) return false;
  std::string raw(hex.size() / 2, '\0');
  if (!from_hex(hex, reinterpret_cast<unsigned char*>(raw.data()), raw.size())) return false;
  const auto* b = reinterpret_cast<const unsigned char*>(raw.data());
  std::uint32_t h[8];
  for (int i = 0; i < 8; ++i)
    h[i] = (std::uint32_t{b[4 * i]} << 24) | (std::uint32_t{b[4 * i + 1]} << 16) | (std::uint32_t{b[4 * i + 2]} << 8) |
           std::uint32_t{b[4 * i + 3]};
  std::uint64_t bits = 0;
  for (std::size_t i = 32; i < kFixed; ++i) bits = (bits << 8) | b[i];
  if (!restore(ctx, h, bits, std::string_view(raw).substr(kFixed))) return false;
  state_->ctx = ctx;
  return true;
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
