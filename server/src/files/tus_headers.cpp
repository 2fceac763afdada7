#include "files/tus_headers.hpp"

#include <sodium.h>

#include <charconv>

namespace meridian::files::tus_headers {

std::optional<std::int64_t> parse_length(std::string_view text) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

std::optional<std::map<std::string, std::string>> parse_metadata(std::string_view header) {
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto space = item.find(' ');
    std::string key(item.substr(0, space));
    std::string value;
    if (space != std::string_view::npos) {
      auto decoded = base64_decode(item.substr(space + 1));
      if (!decoded) return std::nullopt;
      value = *decoded;
    }
    if (!key.empty()) out[key] = value;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return out;
}

Result<std::optional<ChunkChecksum>> parse_checksum(std::string_view header) {
  if (header.empty()) return std::optional<ChunkChecksum>{};
  auto space = header.find(' ');
  ChunkChecksum c;
  c.algorithm = std::string(header.substr(0, space));
  if (c.algorithm != "sha1" && c.algorithm != "sha256")
    return make_error(ErrorCode::invalid_argument, "checksum algorithm must be sha1 or sha256");
  auto digest = space == std::string_view::npos ? std::nullopt : base64_decode(header.substr(space + 1));
  if (!digest) return make_error(ErrorCode::invalid_argument, "Upload-Checksum digest must be base64");
  c.digest = *digest;
  return std::optional<ChunkChecksum>(std::move(c));
}

}  // namespace meridian::files::tus_headers
