// A person's working time as wall-clock times plus IANA zones (weekly hours, a second zone
// while travelling, days off and public holidays), and the pure functions that turn it into
// instants: working intervals, "is this person working at T", absences. No storage, no
// clock: everything here is a function of its arguments, so DST cases are unit-tested alone.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace meridian::availability {

inline constexpr UnixMillis kMinuteMs = 60'000;
inline constexpr UnixMillis kDayMs = 86'400'000;

// Half-open [start, end) in Unix milliseconds.
struct Interval {
  UnixMillis start = 0;
  UnixMillis end = 0;
  bool operator==(const Interval&) const = default;
};
using Intervals = std::vector<Interval>;  // sorted, disjoint

// A civil date as days since 1970-01-01 (the calendar date, no zone).
using Day = std::int32_t;
std::optional<Day> parse_date(std::string_view yyyy_mm_dd);
std::string format_date(Day day);
int iso_weekday(Day day);  // 1 = Monday .. 7 = Sunday
Day day_of(int year, unsigned month, unsigned day);
int year_of(Day day);

// One working band of a weekday, in local wall-clock minutes. end <= start means the band
// ends the next day (a night shift); end 1440 is midnight.
struct Band {
  int start_minute = 9 * 60;
  int end_minute = 17 * 60;
  bool operator==(const Band&) const = default;
};

// Monday (index 0) .. Sunday (index 6); nullopt: not a working day.
struct WeeklyHours {
  std::array<std::optional<Band>, 7> days;
  static WeeklyHours office(Band band = {}, const std::vector<int>& iso_days = {1, 2, 3, 4, 5});
  bool operator==(const WeeklyHours&) const = default;
};
// Why a weekly schedule is wrong, or nullopt.
std::optional<std::string> invalid_band(const Band& band);

// The second zone while travelling: local dates `from` .. `until` (inclusive) are lived in
// `time_zone` instead of the home zone.
struct Travel {
  std::string time_zone;
  Day from = 0;
  Day until = 0;
};

enum class AbsenceKind { holiday, day_off };
std::string_view absence_kind_name(AbsenceKind kind);

// A whole local date off: a public holiday of the person's calendar or a personal day off.
struct Absence {
  Day day = 0;
  AbsenceKind kind = AbsenceKind::day_off;
  std::string name;
};

struct Schedule {
  std::int64_t user_id = 0;
  std::string time_zone;  // home, IANA
  WeeklyHours weekly;
  std::optional<Travel> travel;
  std::map<Day, Absence> absences;  // a day off wins over a holiday on the same date
};

// The zone the person lives in on that local date (the travel zone inside the trip).
const std::string& zone_on(const Schedule& s, Day day);

// The instant of a local wall-clock time: `minute` minutes after local midnight of `day`
// in `time_zone` (1440 is the next midnight). A time that does not exist (the hour skipped
// in spring) is the instant the clocks jump; a time that happens twice is the first one.
// Throws std::runtime_error for an unknown zone (callers validate zones first).
UnixMillis local_instant(std::string_view time_zone, Day day, int minute);
// The local date and minute of the day of an instant in that zone.
struct LocalClock {
  Day day = 0;
  int minute = 0;
};
LocalClock local_clock(std::string_view time_zone, UnixMillis at);

// Working intervals inside [from, to): every weekday band of every local date, skipping
// absences, each date in the zone lived in that day.
Intervals working_intervals(const Schedule& s, UnixMillis from, UnixMillis to);
bool working_at(const Schedule& s, UnixMillis at);

// The absences touching [from, to), each as the whole local date it covers.
struct AbsencePeriod {
  Interval at;
  Absence absence;
};
std::vector<AbsencePeriod> absences_between(const Schedule& s, UnixMillis from, UnixMillis to);

Intervals intersect(const Intervals& a, const Intervals& b);
Intervals normalised(Intervals v);  // sorted and merged
// Minutes of [at.start, at.end) covered by the intervals.
UnixMillis covered(const Intervals& v, Interval at);
bool overlaps(const Intervals& v, Interval at);
// Distance from `at` to the nearest interval (0 when they touch or overlap); nullopt: none.
std::optional<UnixMillis> distance_to(const Intervals& v, Interval at);

}  // namespace meridian::availability
