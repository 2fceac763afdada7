#include "recurrence/recurrence.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include <date/date.h>

namespace meridian::recurrence {
namespace {

UnixMillis utc(int y, int m, int d, int h, int mi) {
  const auto t = date::sys_days{date::year{y} / m / d} + std::chrono::hours{h} + std::chrono::minutes{mi};
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

LocalDateTime local(int y, int m, int d, int h, int mi) { return LocalDateTime{y, m, d, h, mi}; }

std::vector<UnixMillis> occurrences(const Series& s, UnixMillis after, int count) {
  auto r = next_occurrences(s, after, count);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::vector<UnixMillis>{};
}

TEST(Recurrence, NineInBerlinStaysNineAcrossBothSwitches) {
  // The last Sundays of March and October 2026: the 29th and the 25th.
  Series daily{local(2026, 3, 28, 9, 0), "Europe/Berlin", "FREQ=DAILY"};
  EXPECT_EQ(occurrences(daily, 0, 3),
            (std::vector<UnixMillis>{utc(2026, 3, 28, 8, 0), utc(2026, 3, 29, 7, 0), utc(2026, 3, 30, 7, 0)}));
  Series autumn{local(2026, 10, 24, 9, 0), "Europe/Berlin", "FREQ=DAILY;COUNT=3"};
  EXPECT_EQ(occurrences(autumn, 0, 10),
            (std::vector<UnixMillis>{utc(2026, 10, 24, 7, 0), utc(2026, 10, 25, 8, 0), utc(2026, 10, 26, 8, 0)}));
}

TEST(Recurrence, ATimeTheSpringForwardSkipsMovesForwardByTheGap) {
  // New York springs forward on 2026-03-08 at 02:00: 02:30 does not exist that day.
  EXPECT_EQ(*to_instant(local(2026, 3, 8, 2, 30), "America/New_York"), utc(2026, 3, 8, 7, 30)) << "03:30 EDT";
  Series daily{local(2026, 3, 7, 2, 30), "America/New_York", "FREQ=DAILY"};
  EXPECT_EQ(occurrences(daily, 0, 3),
            (std::vector<UnixMillis>{utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)}));
}

TEST(Recurrence, ATimeTheFallBackRepeatsIsItsFirstOccurrenceOnce) {
  // New York falls back on 2026-11-01 at 02:00: 01:30 happens twice (EDT, then EST).
  EXPECT_EQ(*to_instant(local(2026, 11, 1, 1, 30), "America/New_York"), utc(2026, 11, 1, 5, 30)) << "01:30 EDT";
  Series daily{local(2026, 10, 31, 1, 30), "America/New_York", "FREQ=DAILY"};
  EXPECT_EQ(occurrences(daily, 0, 3),
            (std::vector<UnixMillis>{utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)}));
}

TEST(Recurrence, BerlinsRepeatedHourFiresOnceAtItsFirstOccurrence) {
  // Berlin falls back on 2026-10-25 at 03:00 CEST: 02:30 happens at 00:30 and at 01:30 UTC.
  Series daily{local(2026, 10, 24, 2, 30), "Europe/Berlin", "FREQ=DAILY;COUNT=3"};
  EXPECT_EQ(occurrences(daily, 0, 10),
            (std::vector<UnixMillis>{utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)}));
  EXPECT_EQ(*next_after(daily, utc(2026, 10, 25, 0, 30)), utc(2026, 10, 26, 1, 30)) << "not again at 01:30 UTC";
}

TEST(Recurrence, WeeklyOnSundaysKeepsNineThroughBothBerlinSwitches) {
  // Sundays at 09:00 from 2026-03-22: the 29th is the spring-forward day; in October the 25th.
  Series spring{local(2026, 3, 22, 9, 0), "Europe/Berlin", "FREQ=WEEKLY;BYDAY=SU"};
  EXPECT_EQ(occurrences(spring, 0, 3),
            (std::vector<UnixMillis>{utc(2026, 3, 22, 8, 0), utc(2026, 3, 29, 7, 0), utc(2026, 4, 5, 7, 0)}));
  EXPECT_EQ(*next_after(spring, utc(2026, 10, 18, 7, 0)), utc(2026, 10, 25, 8, 0)) << "09:00 CET after falling back";
  // Seconds are kept (a schedule may be at 09:00:30).
  Series seconds{local(2026, 3, 28, 9, 0), "Europe/Berlin", "FREQ=DAILY"};
  seconds.start.second = 30;
  EXPECT_EQ(*next_after(seconds, 0), utc(2026, 3, 28, 8, 0) + 30'000);
  EXPECT_EQ(*next_after(seconds, utc(2026, 3, 28, 8, 1)), utc(2026, 3, 29, 7, 0) + 30'000);
}

TEST(Recurrence, WeeklyOnDaysWithCountThenNothing) {
  // 2026-06-01 is a Monday.
  Series s{local(2026, 6, 1, 10, 0), "Europe/Lisbon", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3"};
  EXPECT_EQ(occurrences(s, 0, 10),
            (std::vector<UnixMillis>{utc(2026, 6, 1, 9, 0), utc(2026, 6, 3, 9, 0), utc(2026, 6, 8, 9, 0)}));
  EXPECT_FALSE(next_after(s, utc(2026, 6, 8, 9, 0))->has_value()) << "COUNT used up";
  EXPECT_EQ(*next_after(s, utc(2026, 6, 1, 9, 0)), utc(2026, 6, 3, 9, 0)) << "strictly after";
}

TEST(Recurrence, MonthlyOnADaySkipsMonthsWithoutItAndUntilIsInclusive) {
  Series s{local(2026, 1, 31, 8, 0), "UTC", "FREQ=MONTHLY;BYMONTHDAY=31;UNTIL=20260531T080000Z"};
  EXPECT_EQ(occurrences(s, 0, 10),
            (std::vector<UnixMillis>{utc(2026, 1, 31, 8, 0), utc(2026, 3, 31, 8, 0), utc(2026, 5, 31, 8, 0)}));
  Series last{local(2026, 1, 31, 8, 0), "UTC", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=2"};
  EXPECT_EQ(occurrences(last, 0, 10), (std::vector<UnixMillis>{utc(2026, 1, 31, 8, 0), utc(2026, 2, 28, 8, 0)}));
  Series every_other{local(2026, 1, 15, 8, 0), "UTC", "FREQ=MONTHLY;INTERVAL=2;COUNT=3"};
  EXPECT_EQ(occurrences(every_other, 0, 10),
            (std::vector<UnixMillis>{utc(2026, 1, 15, 8, 0), utc(2026, 3, 15, 8, 0), utc(2026, 5, 15, 8, 0)}));
}

TEST(Recurrence, AFloatingUntilIsInTheSeriesZone) {
  // 09:00 Berlin on 2026-07-02 is 07:00 UTC; UNTIL 2026-07-02T09:00 (Berlin) includes it.
  Series s{local(2026, 7, 1, 9, 0), "Europe/Berlin", "FREQ=DAILY;UNTIL=20260702T090000"};
  EXPECT_EQ(occurrences(s, 0, 10), (std::vector<UnixMillis>{utc(2026, 7, 1, 7, 0), utc(2026, 7, 2, 7, 0)}));
}

TEST(Recurrence, AOneOffTimeOccursOnce) {
  Series once{local(2026, 3, 29, 9, 0), "Europe/Berlin", ""};
  EXPECT_EQ(occurrences(once, 0, 5), (std::vector<UnixMillis>{utc(2026, 3, 29, 7, 0)}));
  EXPECT_FALSE(next_after(once, utc(2026, 3, 29, 7, 0))->has_value());
}

TEST(Recurrence, TheLocalTimeOfAnInstantAndCalendarSteps) {
  EXPECT_EQ(*to_local(utc(2026, 3, 29, 0, 59), "Europe/Berlin"), local(2026, 3, 29, 1, 59));
  EXPECT_EQ(*to_local(utc(2026, 3, 29, 1, 30), "Europe/Berlin"), local(2026, 3, 29, 3, 30)) << "after the switch";
  EXPECT_EQ(to_local(utc(2026, 3, 29, 1, 30) + 15'999, "UTC")->second, 15);
  EXPECT_FALSE(to_local(0, "Europe/Atlantis").ok());
  EXPECT_EQ(add_days(local(2028, 2, 28, 9, 0), 1), local(2028, 2, 29, 9, 0));
  EXPECT_EQ(add_days(local(2026, 3, 1, 9, 0), -1), local(2026, 2, 28, 9, 0));
  EXPECT_EQ(iso_weekday(local(2026, 3, 29, 0, 0)), 7) << "a Sunday";
  EXPECT_EQ(iso_weekday(local(2026, 3, 30, 0, 0)), 1);
}

TEST(Recurrence, RulesOutsideTheSubsetAndBadTimesAreRefused) {
  for (const char* bad : {"FREQ=YEARLY", "FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9", "FREQ=WEEKLY;BYDAY=1MO",
                          "FREQ=DAILY;BYDAY=MO", "FREQ=WEEKLY;BYMONTHDAY=3", "freq=daily", "FREQ=DAILY;BYSETPOS=1",
                          "FREQ=MONTHLY;BYMONTH=3", "nonsense", "", "FREQ=DAILY;COUNT=99999", "FREQ=DAILY\nX"})
    EXPECT_FALSE(check_rule(bad).ok()) << bad;
  for (const char* good : {"FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,FR;INTERVAL=2", "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=12",
                           "FREQ=DAILY;UNTIL=20270101T000000Z"})
    EXPECT_TRUE(check_rule(good).ok()) << good;
  for (const char* bad : {"2026-02-30T09:00", "2026-03-29 09:00", "2026-03-29T24:00", "2026-03-29T09:00:60",
                          "2026-03-29T09:0a", "+026-03-29T09:00", "2026-03-29T09:00Z", "29.03.2026", ""})
    EXPECT_FALSE(parse_local(bad).ok()) << bad;
  EXPECT_EQ(*parse_local("2026-03-29T09:00"), local(2026, 3, 29, 9, 0));
  EXPECT_EQ(format_local(*parse_local("2026-03-29T09:00:00")), "2026-03-29T09:00");
  EXPECT_EQ(format_local(*parse_local("2026-03-29T09:00:30")), "2026-03-29T09:00:30");
  EXPECT_FALSE(to_instant(local(2026, 3, 29, 9, 0), "Europe/Atlantis").ok());
  EXPECT_FALSE(known_zone("Mars/Olympus"));
  EXPECT_TRUE(known_zone("Asia/Kolkata"));
}

}  // namespace
}  // namespace meridian::recurrence
