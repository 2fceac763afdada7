// The tus request headers (files/tus_headers.hpp): Upload-Length / Upload-Offset,
// Upload-Metadata and Upload-Checksum, one per line of the input.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "files/tus_headers.hpp"
#include "fuzz_check.hpp"

using namespace meridian;

namespace {

std::string_view next_line(std::string_view& rest) {
  auto nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  return line;
}

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view length = next_line(rest);
  const std::string_view metadata = next_line(rest);
  const std::string_view checksum = next_line(rest);

  if (auto n = files::tus_headers::parse_length(length))
    FUZZ_CHECK(*n >= 0 && std::to_string(*n).size() <= length.size());

  if (auto meta = files::tus_headers::parse_metadata(metadata)) {
    for (const auto& [key, value] : *meta) {
      FUZZ_CHECK(!key.empty() && key.find(',') == std::string::npos && key.find(' ') == std::string::npos);
      FUZZ_CHECK(value.size() <= metadata.size());
    }
  }

  auto sum = files::tus_headers::parse_checksum(checksum);
  if (sum && sum->has_value()) FUZZ_CHECK((*sum)->algorithm == "sha1" || (*sum)->algorithm == "sha256");
  if (!sum) FUZZ_CHECK(sum.error().code == ErrorCode::invalid_argument);

  // Any bytes survive base64 there and back.
  auto decoded = files::tus_headers::base64_decode(base64(rest));
  FUZZ_CHECK(decoded && *decoded == rest);
  return 0;
}
