#include "files/names.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace meridian::files {
namespace {

bool forbidden_code_point(utf8proc_int32_t c) {
  if (c < 0x20 || c == 0x7f) return true;                      // C0 controls, DEL
  if (c >= 0x80 && c <= 0x9f) return true;                     // C1 controls
  if (c == '/' || c == '\\') return true;                      // path separators
  if (c >= 0x202a && c <= 0x202e) return true;                 // bidi embeddings/overrides ("gpj.exe")
  if (c >= 0x2066 && c <= 0x2069) return true;                 // bidi isolates
  if (c == 0x200e || c == 0x200f || c == 0xfeff) return true;  // direction marks, BOM
  return false;
}

}  // namespace

Result<std::string> sanitize_name(std::string_view raw) {
  // Trim ASCII spaces at both ends (a trailing space makes names that look equal).
  while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
  if (raw.empty()) return make_error(ErrorCode::invalid_argument, "the name is empty");
  if (raw.size() > 4 * kMaxNameBytes) return make_error(ErrorCode::invalid_argument, "the name is too long");

  utf8proc_uint8_t* mapped = nullptr;
  const auto n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(raw.data()), static_cast<utf8proc_ssize_t>(raw.size()),
                   &mapped, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) return make_error(ErrorCode::invalid_argument, "the name is not valid UTF-8");
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  std::string name(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));

  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t c = 0;
    auto len = utf8proc_iterate(mapped + i, n - i, &c);
    if (len <= 0) return make_error(ErrorCode::invalid_argument, "the name is not valid UTF-8");
    if (forbidden_code_point(c))
      return make_error(ErrorCode::invalid_argument, "the name contains a slash, backslash or control character");
    i += len;
  }
  if (name == "." || name == "..") return make_error(ErrorCode::invalid_argument, "'.' and '..' are not names");
  if (name.size() > kMaxNameBytes) return make_error(ErrorCode::invalid_argument, "the name is longer than 255 bytes");
  return name;
}

}  // namespace meridian::files
