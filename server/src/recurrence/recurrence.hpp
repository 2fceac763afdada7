// Wall-clock times in an IANA zone and an RFC 5545 recurrence subset, shared by everything
// that schedules by the calendar (alerts' scheduled alerts; the cross-country scheduling).
// A time is stored as its wall-clock value plus its zone, and turned into an instant only
// when needed, so a rule keeps its local hour across daylight-saving changes:
//   * a local time that a spring-forward skips is moved forward by the gap (02:30 on the
//     day New York springs forward is 03:30 EDT), as RFC 5545 3.3.5 says;
//   * a local time that a fall-back repeats is its first occurrence (01:30 EDT, not EST).
// Rules (RRULE): FREQ=DAILY, WEEKLY (BYDAY=MO,TU..) or MONTHLY (BYMONTHDAY=1..31, -1 the
// last), INTERVAL, and COUNT or UNTIL. They are expanded in wall-clock time by libical
// and each occurrence is then placed in the zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace meridian::recurrence {

struct LocalDateTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

// "2026-03-29T09:00" or "2026-03-29T09:00:30" (RFC 5545 DATE-TIME without a zone).
Result<LocalDateTime> parse_local(std::string_view text);
// "2026-03-29T09:00", with ":SS" only when the seconds are not 00.
std::string format_local(const LocalDateTime& t);
// Whether the zone is a known IANA name ("Europe/Berlin").
bool known_zone(std::string_view zone);
// The instant of a wall-clock time in the zone (see above for the gap and the repeat).
Result<UnixMillis> to_instant(const LocalDateTime& t, std::string_view zone);

// The wall-clock time in the zone at an instant (seconds kept, milliseconds dropped).
Result<LocalDateTime> to_local(UnixMillis at, std::string_view zone);
// The date `days` days after t's (time of day kept).
LocalDateTime add_days(const LocalDateTime& t, int days);
// ISO weekday of t's date: 1 = Monday .. 7 = Sunday.
int iso_weekday(const LocalDateTime& t);

// Checks that the rule is inside the subset; the error names what is not.
Result<void> check_rule(std::string_view rrule);

// One series: a first wall-clock time in a zone, and a rule ("" for a one-off time).
struct Series {
  LocalDateTime start;
  std::string zone;
  std::string rrule;
};

// The first occurrence strictly after `after` (an instant); nullopt when the series has
// ended (COUNT used up, UNTIL passed, a one-off time passed).
Result<std::optional<UnixMillis>> next_after(const Series& series, UnixMillis after);
// Up to `count` occurrences strictly after `after`, in order.
Result<std::vector<UnixMillis>> next_occurrences(const Series& series, UnixMillis after, int count);

}  // namespace meridian::recurrence
