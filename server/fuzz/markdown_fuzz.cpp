// Text out of uploaded documents for the AI index (ai/extract.hpp): Markdown sections from
// headings, and the same bytes as HTML, CSV and plain text, then chunked as the index does.
// The first byte picks the kind; PDF goes through poppler, which is not ours to fuzz.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ai/extract.hpp"
#include "fuzz_check.hpp"

using namespace meridian;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr ai::DocumentKind kKinds[] = {ai::DocumentKind::markdown, ai::DocumentKind::markdown,
                                                ai::DocumentKind::html, ai::DocumentKind::csv, ai::DocumentKind::text};
  const ai::DocumentKind kind = kKinds[data[0] % std::size(kKinds)];
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto text = ai::extract_text(kind, bytes);
  if (!text) return 0;
  for (const auto& part : text->parts) FUZZ_CHECK(!part.page.has_value());
  const std::size_t max = 64 + data[0];
  for (const auto& chunk : ai::chunk_text(*text, max / 2, max)) FUZZ_CHECK(!chunk.text.empty());
  return 0;
}
