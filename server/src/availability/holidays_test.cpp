#include "availability/holidays.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace meridian::availability {
namespace {

bool has(const std::vector<Holiday>& hs, const char* day, const char* name = nullptr) {
  const Day d = *parse_date(day);
  return std::any_of(hs.begin(), hs.end(), [&](const Holiday& h) { return h.day == d && (!name || h.name == name); });
}

TEST(Holidays, EasterSundays) {
  EXPECT_EQ(format_date(easter_sunday(2026)), "2026-04-05");
  EXPECT_EQ(format_date(easter_sunday(2027)), "2027-03-28");
  EXPECT_EQ(format_date(easter_sunday(2030)), "2030-04-21");
}

TEST(Holidays, PortugalsNationalHolidays) {
  auto pt = default_holidays("PT", 2026);
  EXPECT_EQ(pt.size(), 13u);
  EXPECT_TRUE(has(pt, "2026-04-03", "Sexta-feira Santa"));
  EXPECT_TRUE(has(pt, "2026-06-04", "Corpo de Deus"));
  EXPECT_TRUE(has(pt, "2026-06-10", "Dia de Portugal"));
}

TEST(Holidays, UsFederalHolidaysMoveOffWeekends) {
  auto us = default_holidays("US", 2026);
  EXPECT_TRUE(has(us, "2026-01-19"));                      // MLK day, third Monday
  EXPECT_TRUE(has(us, "2026-05-25"));                      // last Monday of May
  EXPECT_TRUE(has(us, "2026-07-03", "Independence Day"));  // 4 July 2026 is a Saturday
  EXPECT_TRUE(has(us, "2026-11-26", "Thanksgiving Day"));
  EXPECT_TRUE(has(default_holidays("US", 2027), "2027-12-24", "Christmas Day"));  // a Saturday
}

TEST(Holidays, JapanWithEquinoxesAndSubstituteHolidays) {
  auto jp = default_holidays("JP", 2026);
  EXPECT_TRUE(has(jp, "2026-03-20"));              // 春分の日
  EXPECT_TRUE(has(jp, "2026-09-23"));              // 秋分の日
  EXPECT_TRUE(has(jp, "2026-05-06", "振替休日"));  // 3 May is a Sunday; 4 and 5 are holidays
  EXPECT_TRUE(has(default_holidays("DE", 2026), "2026-05-25", "Pfingstmontag"));
  EXPECT_TRUE(default_holidays("FR", 2026).empty());
  EXPECT_FALSE(has_default_holidays("FR"));
}

}  // namespace
}  // namespace meridian::availability
