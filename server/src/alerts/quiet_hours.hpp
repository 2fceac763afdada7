// Quiet hours: an info or warning alert waits until the recipient's working hours begin.
// Today's working time is each person's single band (users.work_start_minute ..
// work_end_minute on work_days, in their time zone); the cross-country working-time
// component (per-weekday hours, days off) takes this function's place when it lands, so
// this is the one place alerts ask "is this person working now, and if not, from when".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace meridian::alerts {

struct WorkingBand {
  std::string time_zone;  // IANA
  std::int64_t start_minute = 540;
  std::int64_t end_minute = 1020;       // an end at or before the start: the band crosses midnight
  std::string work_days = "1,2,3,4,5";  // ISO weekdays of the band's start
};

// nullopt: `now` is inside the band (deliver now); otherwise the instant the band begins
// next (hold until then). Wall-clock times are placed by the recurrence component, so a
// band start skipped by a spring-forward begins the gap later. A band that cannot be read
// (unknown zone, no days) never holds: better a message out of hours than one never seen.
std::optional<UnixMillis> quiet_until(const WorkingBand& band, UnixMillis now);

}  // namespace meridian::alerts
