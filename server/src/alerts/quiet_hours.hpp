// Quiet hours: an info or warning alert waits until the recipient's working hours begin.
// This is the one place alerts ask "is this person working now, and if not, from when".
// The answer comes from the shared working-time component (platform::WorkingTime, which
// availability answers: per-weekday hours, days off, public holidays, a travel zone); a
// person it does not know (or a server without it) falls back to identity's single band
// (users.work_start_minute .. work_end_minute on work_days, in their time zone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "platform/ports.hpp"

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

// How far ahead the working-time component is searched for the next start; none within it
// (a long absence) never holds, as above.
inline constexpr UnixMillis kQuietHorizonMs = 21LL * 24 * 3600 * 1000;

// The same through the working-time component: nullopt when the person is working at `now`,
// otherwise the instant their work next begins (next_working_start: one store read). When
// the component does not know the person: quiet_until(band, now).
std::optional<UnixMillis> quiet_until(platform::WorkingTime& working, std::int64_t user_id, const WorkingBand& band,
                                      UnixMillis now);

}  // namespace meridian::alerts
