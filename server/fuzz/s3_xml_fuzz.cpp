// The values Meridian reads from S3's XML answers (objectstore/s3_xml.hpp): an S3-compatible
// server is a peer, and its answers are input like any other.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "objectstore/s3_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  for (std::string_view tag : {"Code", "Key", "IsTruncated", "NextContinuationToken", "UploadId", "ETag"}) {
    std::size_t total = 0;
    for (const auto& value : meridian::objectstore::xml_values(xml, tag)) total += value.size();
    // Entities only shrink: the values never hold more than the document.
    FUZZ_CHECK(total <= xml.size());
  }
  return 0;
}
