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
  const auto next = working.next_working_start(user_id, now, kQuietHorizonMs);
  if (!next) return quiet_until(band, now);
  if (!next->at || *next->at <= now) return std::nullopt;
  return next->at;
}

}  // namespace meridian::alerts
