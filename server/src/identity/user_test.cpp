#include "identity/identity_service.hpp"
#include "identity/user.hpp"

#include <gtest/gtest.h>

namespace meridian::identity {
namespace {

TEST(WorkingHoursText, ParsesAndFormatsClockTimes) {
  int m = -1;
  EXPECT_TRUE(parse_minute("09:30", m));
  EXPECT_EQ(m, 570);
  EXPECT_EQ(format_minute(570), "09:30");
  EXPECT_TRUE(parse_minute("24:00", m));
  EXPECT_FALSE(parse_minute("24:01", m));
  EXPECT_FALSE(parse_minute("9:30", m));
  EXPECT_FALSE(parse_minute("09:60", m));
  EXPECT_FALSE(parse_minute("ab:cd", m));
}

TEST(Email, NormalisesAndChecksPlausibility) {
  EXPECT_EQ(normalize_email("  Ana@Example.TEST "), "ana@example.test");
  EXPECT_TRUE(plausible_email("a@b.c"));
  EXPECT_FALSE(plausible_email("no-at-sign"));
  EXPECT_FALSE(plausible_email("two@@example.test"));
  EXPECT_FALSE(plausible_email("@example.test"));
  EXPECT_FALSE(plausible_email("a b@example.test"));
  EXPECT_FALSE(plausible_email("a@example.test\n"));
}

}  // namespace
}  // namespace meridian::identity
