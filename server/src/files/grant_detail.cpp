#include "files/grant_detail.hpp"

#include <cstdint>
#include <limits>
#include <string_view>

namespace meridian::files {

bool read_grant_detail(Activity& entry) {
  if (entry.action != "grant" && entry.action != "ungrant") return false;
  std::string_view rest = entry.detail;
  auto word = [&rest]() {
    const auto space = rest.find(' ');
    const std::string_view w = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    return w;
  };
  const std::string_view kind = word();
  const std::string_view id = word();
  if ((kind != "user" && kind != "team") || id.empty()) return false;
  std::int64_t value = 0;
  for (char c : id) {
    if (c < '0' || c > '9' || value > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return false;
    value = value * 10 + (c - '0');
  }
  if (value == 0) return false;
  entry.target_kind = std::string(kind);
  entry.target_id = value;
  entry.role = std::string(word());
  return true;
}

}  // namespace meridian::files
