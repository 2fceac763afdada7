#include "meetings/media_regions.hpp"

#include <gtest/gtest.h>

namespace meridian::meetings {
namespace {

const std::vector<MediaRegion> kRegions = {{"eu-central", {}}, {"us-east", {}}, {"ap-south", {}}};

TEST(MediaRegions, EuropeanRoomUsesEuCentral) {
  auto c = choose_region(kRegions, RttTable::builtin(), {"DE", "PT", "FR"});
  EXPECT_EQ(c.region, "eu-central");
  EXPECT_EQ(c.worst_ms, 40);
  EXPECT_EQ(c.per_country.at("PT"), 40);
  EXPECT_EQ(c.candidates.size(), 3u);
}

TEST(MediaRegions, MinimisesTheWorstRoundTripFirst) {
  // US + India: us-east worst 200, eu-central worst 120, ap-south worst 210.
  auto c = choose_region(kRegions, RttTable::builtin(), {"US", "IN"});
  EXPECT_EQ(c.region, "eu-central");
  EXPECT_EQ(c.worst_ms, 120);
}

TEST(MediaRegions, BreaksTiesOnTheWorstByTheMean) {
  RttTable t;
  t.set("AA", "eu-central", 100);
  t.set("BB", "eu-central", 100);
  t.set("AA", "us-east", 100);
  t.set("BB", "us-east", 20);
  t.set("AA", "ap-south", 300);
  t.set("BB", "ap-south", 300);
  auto c = choose_region(kRegions, t, {"AA", "BB"});
  EXPECT_EQ(c.region, "us-east");
  EXPECT_DOUBLE_EQ(c.mean_ms, 60);
}

TEST(MediaRegions, MeanWeighsPeopleNotCountries) {
  RttTable t;
  t.set("AA", "eu-central", 50);
  t.set("BB", "eu-central", 100);
  t.set("AA", "us-east", 100);
  t.set("BB", "us-east", 50);
  t.set("AA", "ap-south", 400);
  t.set("BB", "ap-south", 400);
  // Equal worst (100); three people in BB make us-east's mean lower.
  EXPECT_EQ(choose_region(kRegions, t, {"AA", "BB", "BB", "BB"}).region, "us-east");
}

TEST(MediaRegions, GuestsWithoutCountryAreLeftOutAndNoCountryPicksTheFirstRegion) {
  EXPECT_EQ(choose_region(kRegions, RttTable::builtin(), {"", "IN"}).region, "ap-south");
  EXPECT_EQ(choose_region(kRegions, RttTable::builtin(), {"", ""}).region, "eu-central");
  EXPECT_EQ(choose_region({}, RttTable::builtin(), {"DE"}).region, "");
}

TEST(MediaRegions, UnknownFiguresArePessimisticAndOverridesWin) {
  std::vector<MediaRegion> regions = {{"mars", {}}, {"eu-central", {}}};
  EXPECT_EQ(choose_region(regions, RttTable::builtin(), {"DE"}).region, "eu-central");
  RttTable t = RttTable::builtin();
  t.set("DE", "mars", 5);
  EXPECT_EQ(choose_region(regions, t, {"DE"}).region, "mars");
}

TEST(MediaRegions, NearestRegionPerCountry) {
  EXPECT_EQ(nearest_region(kRegions, RttTable::builtin(), "BR"), "us-east");
  EXPECT_EQ(nearest_region(kRegions, RttTable::builtin(), "AE"), "ap-south");
  EXPECT_EQ(nearest_region(kRegions, RttTable::builtin(), ""), "eu-central");
}

}  // namespace
}  // namespace meridian::meetings
