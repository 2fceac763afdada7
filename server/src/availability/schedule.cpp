#include "availability/schedule.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace meridian::availability {
namespace {

using Ms = std::chrono::milliseconds;

date::sys_days sys_day(Day d) { return date::sys_days{date::days{d}}; }

const date::time_zone* zone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    throw std::runtime_error("unknown time zone '" + std::string(name) + "'");
  }
}

}  // namespace

std::optional<Day> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  m = static_cast<unsigned>((s[5] - '0') * 10 + (s[6] - '0'));
  d = static_cast<unsigned>((s[8] - '0') * 10 + (s[9] - '0'));
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok() || y < 1970 || y > 2200) return std::nullopt;
  return static_cast<Day>(date::sys_days{ymd}.time_since_epoch().count());
}

std::string format_date(Day day) {
  date::year_month_day ymd{sys_day(day)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

int iso_weekday(Day day) { return static_cast<int>(date::weekday{sys_day(day)}.iso_encoding()); }

Day day_of(int year, unsigned month, unsigned day) {
  return static_cast<Day>(date::sys_days{date::year_month_day{date::year{year}, date::month{month}, date::day{day}}}
                              .time_since_epoch()
                              .count());
}

int year_of(Day day) { return static_cast<int>(date::year_month_day{sys_day(day)}.year()); }

WeeklyHours WeeklyHours::office(Band band, const std::vector<int>& iso_days) {
  WeeklyHours w;
  for (int d : iso_days)
    if (d >= 1 && d <= 7) w.days[static_cast<std::size_t>(d - 1)] = band;
  return w;
}

std::optional<std::string> invalid_band(const Band& b) {
  if (b.start_minute < 0 || b.start_minute >= 24 * 60 || b.end_minute < 0 || b.end_minute > 24 * 60)
    return "working hours are times between 00:00 and 24:00";
  if (b.start_minute == b.end_minute) return "a working band must start and end at different times";
  return std::nullopt;
}

std::string_view absence_kind_name(AbsenceKind kind) { return kind == AbsenceKind::holiday ? "holiday" : "day_off"; }

const std::string& zone_on(const Schedule& s, Day day) {
  if (s.travel && day >= s.travel->from && day <= s.travel->until && !s.travel->time_zone.empty())
    return s.travel->time_zone;
  return s.time_zone;
}

UnixMillis local_instant(std::string_view time_zone, Day day, int minute) {
  const auto* z = zone(time_zone);
  auto local = date::local_days{date::days{day}} + std::chrono::minutes{minute};
  auto sys = z->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<Ms>(sys.time_since_epoch()).count();
}

LocalClock local_clock(std::string_view time_zone, UnixMillis at) {
  const auto* z = zone(time_zone);
  auto local = z->to_local(date::sys_time<Ms>{Ms{at}});
  auto day = date::floor<date::days>(local);
  auto minutes = date::floor<std::chrono::minutes>(local - day).count();
  return {static_cast<Day>(day.time_since_epoch().count()), static_cast<int>(minutes)};
}

Intervals normalised(Intervals v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
  Intervals out;
  for (const auto& i : v) {
    if (i.end <= i.start) continue;
    if (!out.empty() && i.start <= out.back().end)
      out.back().end = std::max(out.back().end, i.end);
    else
      out.push_back(i);
  }
  return out;
}

Intervals working_intervals(const Schedule& s, UnixMillis from, UnixMillis to) {
  Intervals out;
  if (to <= from) return out;
  // Every local date whose bands can reach [from, to): zones are at most 14 h from UTC and
  // a night band ends the next day, so a day of margin on each side covers them.
  const Day first = static_cast<Day>(from >= 0 ? from / kDayMs : (from - kDayMs + 1) / kDayMs) - 2;
  const Day last = static_cast<Day>(to / kDayMs) + 1;
  for (Day d = first; d <= last; ++d) {
    if (s.absences.count(d)) continue;
    const auto& band = s.weekly.days[static_cast<std::size_t>(iso_weekday(d) - 1)];
    if (!band) continue;
    const auto& z = zone_on(s, d);
    UnixMillis start = local_instant(z, d, band->start_minute);
    UnixMillis end = band->end_minute > band->start_minute ? local_instant(z, d, band->end_minute)
                                                           : local_instant(z, d + 1, band->end_minute);
    start = std::max(start, from);
    end = std::min(end, to);
    if (end > start) out.push_back({start, end});
  }
  return normalised(std::move(out));
}

bool working_at(const Schedule& s, UnixMillis at) {
  for (const auto& i : working_intervals(s, at, at + 1))
    if (i.start <= at && at < i.end) return true;
  return false;
}

std::vector<AbsencePeriod> absences_between(const Schedule& s, UnixMillis from, UnixMillis to) {
  std::vector<AbsencePeriod> out;
  if (s.absences.empty() || to <= from) return out;
  const Day first = static_cast<Day>(from / kDayMs) - 2;
  const Day last = static_cast<Day>(to / kDayMs) + 1;
  for (auto it = s.absences.lower_bound(first); it != s.absences.end() && it->first <= last; ++it) {
    const auto& z = zone_on(s, it->first);
    Interval at{local_instant(z, it->first, 0), local_instant(z, it->first + 1, 0)};
    if (at.end > from && at.start < to) out.push_back({at, it->second});
  }
  return out;
}

Intervals intersect(const Intervals& a, const Intervals& b) {
  Intervals out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    UnixMillis lo = std::max(a[i].start, b[j].start);
    UnixMillis hi = std::min(a[i].end, b[j].end);
    if (hi > lo) out.push_back({lo, hi});
    if (a[i].end < b[j].end)
      ++i;
    else
      ++j;
  }
  return out;
}

namespace {
// The first interval ending after t.
Intervals::const_iterator first_ending_after(const Intervals& v, UnixMillis t) {
  return std::upper_bound(v.begin(), v.end(), t, [](UnixMillis x, const Interval& i) { return x < i.end; });
}
}  // namespace

UnixMillis covered(const Intervals& v, Interval at) {
  UnixMillis total = 0;
  for (auto it = first_ending_after(v, at.start); it != v.end() && it->start < at.end; ++it)
    total += std::min(it->end, at.end) - std::max(it->start, at.start);
  return total;
}

bool overlaps(const Intervals& v, Interval at) {
  auto it = first_ending_after(v, at.start);
  return it != v.end() && it->start < at.end;
}

std::optional<UnixMillis> distance_to(const Intervals& v, Interval at) {
  if (v.empty()) return std::nullopt;
  auto it = first_ending_after(v, at.start);
  std::optional<UnixMillis> best;
  if (it != v.end()) best = std::max<UnixMillis>(0, it->start - at.end);
  if (it != v.begin()) {
    UnixMillis before = at.start - std::prev(it)->end;
    if (!best || before < *best) best = std::max<UnixMillis>(0, before);
  }
  return best;
}

}  // namespace meridian::availability
