#include "region/countries.hpp"

#include <gtest/gtest.h>

namespace meridian::region {
namespace {

TEST(Countries, KnowsAssignedAlpha2Codes) {
  EXPECT_TRUE(is_country_code("PT"));
  EXPECT_TRUE(is_country_code("DE"));
  EXPECT_TRUE(is_country_code("ZW"));
  EXPECT_FALSE(is_country_code("pt"));
  EXPECT_FALSE(is_country_code("XX"));
  EXPECT_FALSE(is_country_code("DEU"));
  EXPECT_FALSE(is_country_code(""));
  EXPECT_FALSE(is_country_code("P T"));
}

TEST(Countries, KnowsIanaTimeZones) {
  EXPECT_TRUE(is_time_zone("Europe/Lisbon"));
  EXPECT_TRUE(is_time_zone("America/Sao_Paulo"));
  EXPECT_TRUE(is_time_zone("UTC"));
  EXPECT_FALSE(is_time_zone("Europe/Atlantis"));
  EXPECT_FALSE(is_time_zone("../../etc/passwd"));
  EXPECT_FALSE(is_time_zone(""));
}

TEST(Countries, LocalTimeFollowsDaylightSaving) {
  // 2026-07-01T12:00:00Z is 13:00 in Lisbon (WEST) and 2026-01-15T12:00:00Z is 12:00 (WET).
  auto summer = local_time("Europe/Lisbon", 1782907200000);
  ASSERT_TRUE(summer.ok());
  EXPECT_EQ(summer->iso, "2026-07-01T13:00");
  EXPECT_EQ(summer->weekday, 3);  // Wednesday
  auto winter = local_time("Europe/Lisbon", 1768478400000);
  ASSERT_TRUE(winter.ok());
  EXPECT_EQ(winter->iso, "2026-01-15T12:00");
  auto tokyo = local_time("Asia/Tokyo", 1768478400000);
  ASSERT_TRUE(tokyo.ok());
  EXPECT_EQ(tokyo->minute_of_day, 21 * 60);
  EXPECT_FALSE(local_time("Nowhere/City", 0).ok());
}

TEST(RegionMap, MapsCountriesToDefaultRegionsAndHonoursOverrides) {
  RegionMap map;
  EXPECT_EQ(map.region_of("DE"), "EU");
  EXPECT_EQ(map.region_of("PT"), "EU");
  EXPECT_EQ(map.region_of("US"), "AMER");
  EXPECT_EQ(map.region_of("BR"), "AMER");
  EXPECT_EQ(map.region_of("JP"), "APAC");
  EXPECT_EQ(map.region_of("IN"), "APAC");
  EXPECT_EQ(map.region_of("NG"), "MEA");
  map.set("GB", "UK");
  EXPECT_EQ(map.region_of("GB"), "UK");
}

}  // namespace
}  // namespace meridian::region
