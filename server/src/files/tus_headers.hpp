// The tus 1.0 request headers Meridian reads (Upload-Length, Upload-Offset,
// Upload-Metadata, Upload-Checksum): pure parsing, apart from the routes so that unit
// tests and the fuzz target (server/fuzz) reach it without a server.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace meridian::files {

// tus checksum extension: the digest of one PATCH's bytes.
struct ChunkChecksum {
  std::string algorithm;  // "sha1" | "sha256"
  std::string digest;     // raw bytes
};

}  // namespace meridian::files

namespace meridian::files::tus_headers {

// A non-negative decimal integer with nothing around it (Upload-Length, Upload-Offset).
std::optional<std::int64_t> parse_length(std::string_view text);

// Standard base64 (with padding); nullopt when it is not.
std::optional<std::string> base64_decode(std::string_view text);

// Upload-Metadata: "key base64value,key base64value" (a key alone has an empty value);
// nullopt when a value is not base64.
std::optional<std::map<std::string, std::string>> parse_metadata(std::string_view header);

// Upload-Checksum: "sha1|sha256 base64digest"; none for an empty header, invalid_argument
// naming the problem otherwise.
Result<std::optional<ChunkChecksum>> parse_checksum(std::string_view header);

}  // namespace meridian::files::tus_headers
