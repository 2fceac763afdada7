#include "identity/user.hpp"

#include <cstdio>

namespace meridian::identity {

std::string format_minute(int minute_of_day) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute_of_day / 60, minute_of_day % 60);
  return buf;
}

bool parse_minute(std::string_view hhmm, int& out) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return false;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(hhmm[0]) || !digit(hhmm[1]) || !digit(hhmm[3]) || !digit(hhmm[4])) return false;
  int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return false;
  out = h * 60 + m;
  return true;
}

}  // namespace meridian::identity
