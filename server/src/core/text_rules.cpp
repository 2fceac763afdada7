#include "core/text_rules.hpp"

#include <utf8proc.h>

namespace meridian::text {

namespace {
constexpr std::string_view kControl = "control characters";
constexpr std::string_view kBidi = "bidirectional override characters";
constexpr std::string_view kInvalid = "invalid UTF-8";

bool bidi_control(char32_t c) {
  return (c >= 0x202a && c <= 0x202e)      // embeddings and overrides
         || (c >= 0x2066 && c <= 0x2069);  // isolates
}

bool control(char32_t c, Lines lines) {
  if (lines == Lines::multi && (c == '\n' || c == '\t')) return false;
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);  // C0, DEL, C1
}
}  // namespace

bool forbidden_code_point(char32_t c, Lines lines) { return control(c, lines) || bidi_control(c); }

std::optional<std::string_view> refusal(std::string_view text, Lines lines) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  for (utf8proc_ssize_t i = 0; i < size;) {
    // ASCII first: almost all text is, and it needs no decoding.
    const auto b = bytes[i];
    if (b < 0x80) {
      if (control(b, lines)) return kControl;
      ++i;
      continue;
    }
    utf8proc_int32_t c = 0;
    const auto len = utf8proc_iterate(bytes + i, size - i, &c);
    if (len <= 0) return kInvalid;
    if (control(static_cast<char32_t>(c), lines)) return kControl;
    if (bidi_control(static_cast<char32_t>(c))) return kBidi;
    i += len;
  }
  return std::nullopt;
}

Result<void> check(std::string_view text, std::string_view field, Lines lines) {
  auto why = refusal(text, lines);
  if (!why) return {};
  if (*why == kInvalid) return make_error(ErrorCode::invalid_argument, std::string(field) + " is not valid UTF-8");
  return make_error(ErrorCode::invalid_argument, std::string(field) + " cannot contain " + std::string(*why));
}

}  // namespace meridian::text
