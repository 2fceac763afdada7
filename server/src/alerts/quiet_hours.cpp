#include "alerts/quiet_hours.hpp"

#include <array>

#include "recurrence/recurrence.hpp"

namespace meridian::alerts {
namespace {

std::array<bool, 8> days_of(const std::string& text) {
  std::array<bool, 8> on{};
  for (char c : text)
    if (c >= '1' && c <= '7') on[static_cast<std::size_t>(c - '0')] = true;
  return on;
}

recurrence::LocalDateTime at_minute(recurrence::LocalDateTime day, std::int64_t minute) {
  day.hour = static_cast<int>(minute / 60);
  day.minute = static_cast<int>(minute % 60);
  day.second = 0;
  return day;
}

}  // namespace

std::optional<UnixMillis> quiet_until(const WorkingBand& band, UnixMillis now) {
  const auto days = days_of(band.work_days);
  bool any = false;
  for (bool d : days) any = any || d;
  if (!any || band.start_minute < 0 || band.start_minute >= 1440 || band.end_minute < 0 || band.end_minute > 1440)
    return std::nullopt;
  auto today = recurrence::to_local(now, band.time_zone);
  if (!today.ok()) return std::nullopt;
  const bool overnight = band.end_minute <= band.start_minute;
  // Yesterday's band may still run (overnight); a week and a day ahead holds the next start.
  for (int offset = -1; offset <= 8; ++offset) {
    const auto day = recurrence::add_days(*today, offset);
    if (!days[static_cast<std::size_t>(recurrence::iso_weekday(day))]) continue;
    auto start = recurrence::to_instant(at_minute(day, band.start_minute), band.time_zone);
    auto end = recurrence::to_instant(at_minute(overnight ? recurrence::add_days(day, 1) : day, band.end_minute % 1440),
                                      band.time_zone);
    if (!start.ok() || !end.ok()) return std::nullopt;
    if (band.end_minute == 1440 && !overnight) {
      auto midnight = recurrence::to_instant(at_minute(recurrence::add_days(day, 1), 0), band.time_zone);
      if (!midnight.ok()) return std::nullopt;
      end = midnight;
    }
    if (*start <= now && now < *end) return std::nullopt;
    if (*start > now) return *start;
  }
  return std::nullopt;
}

std::optional<UnixMillis> quiet_until(platform::WorkingTime& working, std::int64_t user_id, const WorkingBand& band,
                                      UnixMillis now) {
  constexpr UnixMillis kMinute = 60'000;
  constexpr UnixMillis kStep = 15 * kMinute;
  const auto now_working = working.working_at(user_id, now);
  if (!now_working) return quiet_until(band, now);
  if (*now_working) return std::nullopt;
  // The first working minute in (from, to], knowing `from` is not working and `to` is.
  auto narrow = [&](UnixMillis from, UnixMillis to) {
    while (to - from > kMinute) {
      const UnixMillis mid = from + (to - from) / 2 / kMinute * kMinute;
      const auto w = working.working_at(user_id, mid);
      if (w && *w)
        to = mid;
      else
        from = mid;
    }
    return to;
  };
  // The band's next start, when the component agrees that work begins right then.
  if (auto guess = quiet_until(band, now)) {
    const auto at = working.working_at(user_id, *guess);
    const auto before = working.working_at(user_id, *guess - kMinute);
    if (at && *at && before && !*before) return guess;
  }
  // Walk ahead from the next whole minute.
  UnixMillis from = now;
  for (UnixMillis t = (now / kMinute + 1) * kMinute; t <= now + kQuietHorizonMs; t += kStep) {
    const auto w = working.working_at(user_id, t);
    if (w && *w) return t - from <= kMinute ? t : narrow(from, t);
    from = t;
  }
  return std::nullopt;
}

}  // namespace meridian::alerts
