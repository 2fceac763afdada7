#include "files/names.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "core/text_rules.hpp"

namespace meridian::files {
namespace {

// The text rules of every field (core/text_rules.hpp), and what only names refuse: path
// separators, and the invisible direction marks and BOM that make two names look alike.
bool forbidden_code_point(utf8proc_int32_t c) {
  if (text::forbidden_code_point(static_cast<char32_t>(c), text::Lines::single)) return true;
  if (c == '/' || c == '\\') return true;
  if (c == 0x200e || c == 0x200f || c == 0xfeff) return true;
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
