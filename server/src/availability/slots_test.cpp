// Slot suggestion: inside everyone's hours first, never on a holiday, day off or meeting; and
// a weekly meeting over a quarter passes the inconvenient time around fairly.
#include "availability/slots.hpp"

#include <gtest/gtest.h>

#include "availability/test_dates.hpp"

#include <algorithm>

namespace meridian::availability {
namespace {

using test_dates::date;
using test_dates::kHour;
using test_dates::utc;
Schedule office(std::int64_t id, std::string zone) {
  Schedule s;
  s.user_id = id;
  s.time_zone = std::move(zone);
  s.weekly = WeeklyHours::office();
  return s;
}

SlotQuery week_of(std::vector<Schedule> people, const char* monday, int minutes = 60) {
  SlotQuery q;
  q.people = std::move(people);
  q.duration_minutes = minutes;
  q.range = {utc(monday, 0), utc(monday, 0) + 5 * kDayMs};
  return q;
}

TEST(Slots, TheBestSlotsAreInsideEveryonesHoursAndNeverOverlap) {
  // Lisbon and New York in winter share 14:00-17:00 UTC.
  auto slots = suggest_slots(week_of({office(1, "Europe/Lisbon"), office(2, "America/New_York")}, "2026-03-02"));
  ASSERT_EQ(slots.size(), 10u);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const auto& s = slots[i];
    if (i < 5) {
      // Every weekday has a slot that suits both: the first five are perfect.
      EXPECT_EQ(s.score, 1.0);
      EXPECT_TRUE(s.outside.empty());
      const auto hour = (s.at.start % kDayMs) / kHour;
      EXPECT_GE(hour, 14);
      EXPECT_LE(s.at.end % kDayMs, 17 * kHour);
    }
    for (std::size_t j = 0; j < i; ++j) EXPECT_TRUE(s.at.start >= slots[j].at.end || s.at.end <= slots[j].at.start);
  }
  EXPECT_TRUE(
      std::is_sorted(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.score > b.score; }));
}

TEST(Slots, NeverOnAHolidayADayOffOrAMeeting) {
  auto ny = office(2, "America/New_York");
  ny.absences[date("2026-03-03")] = {date("2026-03-03"), AbsenceKind::holiday, "a holiday"};
  auto pt = office(1, "Europe/Lisbon");
  pt.absences[date("2026-03-05")] = {date("2026-03-05"), AbsenceKind::day_off, ""};
  auto q = week_of({pt, ny}, "2026-03-02");
  q.limit = 50;
  // Monday's whole shared window is taken by a meeting of Lisbon's.
  q.busy[1] = {{utc("2026-03-02", 14), utc("2026-03-02", 17)}};
  auto slots = suggest_slots(q);
  ASSERT_FALSE(slots.empty());
  for (const auto& s : slots) {
    // The holiday is New York's local 3 March (05:00 UTC 3 March to 05:00 UTC 4 March).
    EXPECT_FALSE(s.at.end > utc("2026-03-03", 5) && s.at.start < utc("2026-03-04", 5));
    // The day off is Lisbon's 5 March (00:00-24:00 UTC in winter).
    EXPECT_FALSE(s.at.end > utc("2026-03-05", 0) && s.at.start < utc("2026-03-06", 0));
    EXPECT_FALSE(s.at.end > utc("2026-03-02", 14) && s.at.start < utc("2026-03-02", 17));
  }
  // Wednesday and Friday still have their three shared hours: three perfect hour slots each.
  EXPECT_EQ(std::count_if(slots.begin(), slots.end(), [](const Slot& s) { return s.score == 1.0; }), 6);
}

TEST(Slots, NothingInThePastAndAnEarlyMorningBeatsTheDeadOfNight) {
  auto q = week_of({office(1, "Europe/Lisbon"), office(3, "Asia/Tokyo")}, "2026-03-02");
  q.not_before = utc("2026-03-04", 0);
  q.limit = 200;
  auto slots = suggest_slots(q);
  ASSERT_FALSE(slots.empty());
  for (const auto& s : slots) EXPECT_GE(s.at.start, q.not_before);
  // Lisbon 08:00-09:00 (Tokyo 17:00-18:00, just after) scores above Lisbon 03:00 (Tokyo 12:00).
  auto score_at = [&](UnixMillis start) {
    for (const auto& s : slots)
      if (s.at.start == start) return s.score;
    return -1.0;
  };
  EXPECT_GT(score_at(utc("2026-03-04", 8)), score_at(utc("2026-03-04", 3)));
}

TEST(Rotation, AQuarterOfWeeklyMeetingsSharesTheInconvenientSlotFairly) {
  // Lisbon, New York, Tokyo and Sydney have no hour in common: someone is always outside.
  RotationQuery q;
  q.slots.people = {office(1, "Europe/Lisbon"), office(2, "America/New_York"), office(3, "Asia/Tokyo"),
                    office(4, "Australia/Sydney")};
  q.slots.duration_minutes = 60;
  q.viewer_zone = "Europe/Lisbon";
  q.first_day = date("2026-01-05");
  q.weeks = 13;
  auto plan = rotate_slots(q);
  ASSERT_EQ(plan.occurrences.size(), 13u);
  int total = 0, most = 0, least = 1000;
  for (const auto& [user, n] : plan.inconvenienced) {
    total += n;
    most = std::max(most, n);
    least = std::min(least, n);
  }
  for (const auto& o : plan.occurrences) ASSERT_TRUE(o.has_value());
  EXPECT_GE(total, 13);        // every week somebody is outside their hours
  EXPECT_LE(most - least, 1);  // and it is spread as evenly as it can be
  EXPECT_GT(least, 0);         // nobody is spared every time

  // Taking the best-scoring slot each week instead always puts it on the same person.
  std::map<std::int64_t, int> naive;
  for (int w = 0; w < 13; ++w) {
    SlotQuery one = q.slots;
    one.range = {local_instant("Europe/Lisbon", q.first_day + 7 * w, 0),
                 local_instant("Europe/Lisbon", q.first_day + 7 * w + 7, 0)};
    one.limit = 1;
    const auto best = suggest_slots(one);  // kept: a range-for over a temporary's member reads freed memory
    ASSERT_FALSE(best.empty());
    for (auto user : best.front().outside) ++naive[user];
  }
  int naive_most = 0;
  for (const auto& [user, n] : naive) naive_most = std::max(naive_most, n);
  EXPECT_GT(naive_most, most);
}

}  // namespace
}  // namespace meridian::availability
