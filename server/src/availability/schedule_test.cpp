// Working time and overlap across zones and DST: Lisbon, New York, Tokyo, Sydney, Kolkata; the
// March and October/November weeks where the US and the EU change clocks on different dates;
// holidays, days off, travel and night bands.
#include "availability/overlap.hpp"
#include "availability/schedule.hpp"

#include <gtest/gtest.h>

#include "availability/test_dates.hpp"

namespace meridian::availability {
namespace {

using test_dates::date;
using test_dates::kHour;
using test_dates::utc;

Schedule office(std::int64_t id, std::string zone, Band band = {}) {
  Schedule s;
  s.user_id = id;
  s.time_zone = std::move(zone);
  s.weekly = WeeklyHours::office(band);
  return s;
}

Intervals windows_on(const std::vector<Schedule>& people, const std::string& viewer, const char* day) {
  return overlap(people, viewer, date(day), 1).front().windows;
}

const Schedule lisbon = office(1, "Europe/Lisbon");
const Schedule new_york = office(2, "America/New_York");
const Schedule tokyo = office(3, "Asia/Tokyo");
const Schedule sydney = office(4, "Australia/Sydney");
const Schedule kolkata = office(5, "Asia/Kolkata");

TEST(Dates, ParseFormatAndWeekday) {
  EXPECT_EQ(format_date(date("2026-03-29")), "2026-03-29");
  EXPECT_EQ(iso_weekday(date("2026-03-29")), 7);
  EXPECT_EQ(iso_weekday(date("2026-03-30")), 1);
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-3-1"));
  EXPECT_FALSE(parse_date("20260301xx"));
}

TEST(Overlap, LisbonAndNewYorkShareThreeHoursInWinter) {
  // Mon 2 March 2026: WET (UTC+0) and EST (UTC-5): 14:00-17:00 UTC.
  EXPECT_EQ(windows_on({lisbon, new_york}, "Europe/Lisbon", "2026-03-02"),
            (Intervals{{utc("2026-03-02", 14), utc("2026-03-02", 17)}}));
}

TEST(Overlap, TheWeeksWhereOnlyTheUsHasChangedClocksGiveFourHours) {
  // The US springs forward on 8 March 2026, the EU on 29 March: New York is 4 h behind.
  EXPECT_EQ(windows_on({lisbon, new_york}, "Europe/Lisbon", "2026-03-09"),
            (Intervals{{utc("2026-03-09", 13), utc("2026-03-09", 17)}}));
  // Both on summer time: back to three hours, 14:00-17:00 Lisbon time (13-16 UTC).
  EXPECT_EQ(windows_on({lisbon, new_york}, "Europe/Lisbon", "2026-03-30"),
            (Intervals{{utc("2026-03-30", 13), utc("2026-03-30", 16)}}));
  // The EU falls back on 25 October, the US on 1 November: four hours again in between.
  EXPECT_EQ(windows_on({lisbon, new_york}, "Europe/Lisbon", "2026-10-26"),
            (Intervals{{utc("2026-10-26", 13), utc("2026-10-26", 17)}}));
  EXPECT_EQ(windows_on({lisbon, new_york}, "Europe/Lisbon", "2026-11-02"),
            (Intervals{{utc("2026-11-02", 14), utc("2026-11-02", 17)}}));
}

TEST(Overlap, TheViewersZoneDecidesTheDatesAndTheirLength) {
  auto spring = overlap({lisbon}, "Europe/Lisbon", date("2026-03-29"), 1).front();
  EXPECT_EQ(spring.bounds.end - spring.bounds.start, 23 * kHour);
  auto autumn = overlap({lisbon}, "Europe/Lisbon", date("2026-10-25"), 1).front();
  EXPECT_EQ(autumn.bounds.end - autumn.bounds.start, 25 * kHour);
  // Seen from Tokyo, New York's Monday (14:00-22:00 UTC) is Monday 23:00 to Tuesday 07:00.
  auto days = overlap({new_york}, "Asia/Tokyo", date("2026-03-02"), 2);
  EXPECT_EQ(days[0].windows, (Intervals{{utc("2026-03-02", 14), utc("2026-03-02", 15)}}));
  EXPECT_EQ(days[1].windows.front().start, utc("2026-03-02", 15));
}

TEST(Overlap, AsiaPacificAcrossSydneysClockChange) {
  // Sydney is on AEDT (UTC+11) until 5 April 2026, then AEST (UTC+10); Tokyo stays UTC+9.
  EXPECT_EQ(windows_on({tokyo, sydney}, "Asia/Tokyo", "2026-03-02"),
            (Intervals{{utc("2026-03-02", 0), utc("2026-03-02", 6)}}));
  EXPECT_EQ(windows_on({tokyo, sydney}, "Asia/Tokyo", "2026-04-06"),
            (Intervals{{utc("2026-04-06", 0), utc("2026-04-06", 7)}}));
  // Kolkata is UTC+5:30: 03:30-08:00 UTC with Tokyo.
  EXPECT_EQ(windows_on({tokyo, kolkata}, "Asia/Kolkata", "2026-03-02"),
            (Intervals{{utc("2026-03-02", 3, 30), utc("2026-03-02", 8)}}));
  // All five: nobody's hours meet.
  EXPECT_TRUE(windows_on({lisbon, new_york, tokyo, sydney, kolkata}, "Europe/Lisbon", "2026-03-02").empty());
}

TEST(Overlap, AHolidayOrADayOffLeavesNoWindowAndIsListed) {
  Schedule pt = lisbon;
  pt.absences[date("2026-06-10")] = {date("2026-06-10"), AbsenceKind::holiday, "Dia de Portugal"};
  auto day = overlap({pt, new_york}, "Europe/Lisbon", date("2026-06-10"), 1).front();
  EXPECT_TRUE(day.windows.empty());
  EXPECT_TRUE(day.people[0].working.empty());
  ASSERT_EQ(day.people[0].absences.size(), 1u);
  EXPECT_EQ(day.people[0].absences[0].absence.name, "Dia de Portugal");
  // The holiday is Lisbon's whole local date: 10 June 00:00 WEST = 9 June 23:00 UTC.
  EXPECT_EQ(day.people[0].absences[0].at, (Interval{utc("2026-06-09", 23), utc("2026-06-10", 23)}));
  EXPECT_FALSE(day.people[1].working.empty());
  EXPECT_EQ(windows_on({pt, new_york}, "Europe/Lisbon", "2026-06-11").size(), 1u);
}

TEST(WorkingTime, WeekdaysDaysOffAndPerWeekdayHours) {
  Schedule s = lisbon;
  s.weekly.days[4] = Band{9 * 60, 13 * 60};  // Fridays until 13:00
  s.absences[date("2026-03-04")] = {date("2026-03-04"), AbsenceKind::day_off, "dentist"};
  EXPECT_TRUE(working_at(s, utc("2026-03-02", 10)));
  EXPECT_FALSE(working_at(s, utc("2026-03-02", 17)));  // 17:00 is the end
  EXPECT_FALSE(working_at(s, utc("2026-03-04", 10)));  // day off
  EXPECT_TRUE(working_at(s, utc("2026-03-06", 12)));
  EXPECT_FALSE(working_at(s, utc("2026-03-06", 14)));  // Friday afternoon
  EXPECT_FALSE(working_at(s, utc("2026-03-07", 10)));  // Saturday
}

TEST(WorkingTime, ASecondZoneWhileTravelling) {
  Schedule s = lisbon;
  s.travel = Travel{"Asia/Tokyo", date("2026-05-04"), date("2026-05-08")};
  // Tuesday in Tokyo: 09:00-17:00 JST is 00:00-08:00 UTC.
  EXPECT_TRUE(working_at(s, utc("2026-05-05", 1)));
  EXPECT_FALSE(working_at(s, utc("2026-05-05", 10)));
  // Back home the next week: 09:00-17:00 WEST is 08:00-16:00 UTC.
  EXPECT_TRUE(working_at(s, utc("2026-05-11", 10)));
  EXPECT_EQ(zone_on(s, date("2026-05-08")), "Asia/Tokyo");
  EXPECT_EQ(zone_on(s, date("2026-05-09")), "Europe/Lisbon");
}

TEST(WorkingTime, NightBandsEndTheNextDay) {
  Schedule s = office(9, "America/New_York", Band{22 * 60, 6 * 60});
  // Monday 22:00 EST to Tuesday 06:00 EST: 03:00-11:00 UTC on Tuesday.
  EXPECT_TRUE(working_at(s, utc("2026-03-03", 4)));
  EXPECT_EQ(working_intervals(s, utc("2026-03-03", 0), utc("2026-03-03", 12)),
            (Intervals{{utc("2026-03-03", 3), utc("2026-03-03", 11)}}));
}

TEST(WorkingTime, ABandStartingInTheSkippedHourStartsWhenTheClocksJump) {
  // Lisbon jumps from 01:00 to 02:00 on 29 March 2026 (a Sunday).
  Schedule s;
  s.user_id = 1;
  s.time_zone = "Europe/Lisbon";
  s.weekly.days[6] = Band{90, 9 * 60};  // Sundays 01:30-09:00
  EXPECT_EQ(working_intervals(s, utc("2026-03-29", 0), utc("2026-03-29", 12)),
            (Intervals{{utc("2026-03-29", 1), utc("2026-03-29", 8)}}));
}

TEST(Intervals, CoverageAndDistance) {
  Intervals v{{10, 20}, {30, 40}};
  EXPECT_EQ(covered(v, {15, 35}), 10);
  EXPECT_TRUE(overlaps(v, {19, 25}));
  EXPECT_FALSE(overlaps(v, {20, 30}));
  EXPECT_EQ(distance_to(v, {22, 25}), 2);
  EXPECT_EQ(distance_to(v, {45, 50}), 5);
  EXPECT_EQ(intersect(v, {{15, 35}}), (Intervals{{15, 20}, {30, 35}}));
}

}  // namespace
}  // namespace meridian::availability
