#include "region/feature_toggles.hpp"

#include <gtest/gtest.h>

#include "storage/migrations.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::region {
namespace {

class FeatureTogglesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = storage::testing::make_test_database(GetParam());
    ASSERT_TRUE(storage::apply_migrations(*db_, storage::schema_migrations()).ok());
  }
  audit::Actor admin_{1, "admin@example.test", "127.0.0.1", "US", "AMER"};
  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
};

TEST_P(FeatureTogglesTest, CountryOverrideWinsOverDefault) {
  audit::AuditLog audit(*db_, clock_);
  FeatureToggles toggles(*db_, audit, clock_);
  ASSERT_TRUE(*toggles.enabled("files.external_links", "DE"));
  auto changed = toggles.change(admin_, "files.external_links", ToggleChange{std::nullopt, {{"DE", false}}});
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_FALSE(*toggles.enabled("files.external_links", "DE"));
  EXPECT_TRUE(*toggles.enabled("files.external_links", "FR"));

  // Turning the default off leaves the explicit override in force.
  ASSERT_TRUE(toggles.change(admin_, "files.external_links", ToggleChange{false, {{"PT", true}}}).ok());
  EXPECT_FALSE(*toggles.enabled("files.external_links", "FR"));
  EXPECT_TRUE(*toggles.enabled("files.external_links", "PT"));

  // null removes an override.
  ASSERT_TRUE(toggles.change(admin_, "files.external_links", ToggleChange{true, {{"DE", std::nullopt}}}).ok());
  EXPECT_TRUE(*toggles.enabled("files.external_links", "DE"));
}

TEST_P(FeatureTogglesTest, EveryChangeIsAudited) {
  audit::AuditLog audit(*db_, clock_);
  FeatureToggles toggles(*db_, audit, clock_);
  ASSERT_TRUE(toggles.change(admin_, "meet.recording", ToggleChange{std::nullopt, {{"DE", false}}}).ok());
  auto page = audit.query(audit::AuditQuery{.action = std::string("admin.feature_toggle.change")});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].target, "feature:meet.recording");
  EXPECT_EQ(page->items[0].actor_email, "admin@example.test");
  EXPECT_EQ(page->items[0].detail, R"({"countries":{"DE":false}})");
}

TEST_P(FeatureTogglesTest, RejectsUnknownFeaturesAndCountries) {
  audit::AuditLog audit(*db_, clock_);
  FeatureToggles toggles(*db_, audit, clock_);
  auto unknown = toggles.change(admin_, "teleport", ToggleChange{true, {}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  auto bad_country = toggles.change(admin_, "ai.copilot", ToggleChange{std::nullopt, {{"Germany", false}}});
  ASSERT_FALSE(bad_country.ok());
  EXPECT_EQ(bad_country.error().code, ErrorCode::invalid_argument);
}

TEST_P(FeatureTogglesTest, ChangesMadeElsewhereShowAfterTheCacheWindow) {
  audit::AuditLog audit(*db_, clock_);
  FeatureToggles node_a(*db_, audit, clock_, 5'000);
  FeatureToggles node_b(*db_, audit, clock_, 5'000);  // another node on the same database
  ASSERT_TRUE(*node_b.enabled("ai.copilot", "FR"));  // node B has it cached now
  ASSERT_TRUE(node_a.change(admin_, "ai.copilot", ToggleChange{std::nullopt, {{"FR", false}}}).ok());
  EXPECT_FALSE(*node_a.enabled("ai.copilot", "FR"));  // the changing node: at once
  EXPECT_TRUE(*node_b.enabled("ai.copilot", "FR"));   // the other: still the cached value...
  clock_.advance_ms(5'000);
  EXPECT_FALSE(*node_b.enabled("ai.copilot", "FR"));  // ...until the window has passed
}

TEST_P(FeatureTogglesTest, AFeatureOffInACountryIsRefusedThereWithTheReason) {
  audit::AuditLog audit(*db_, clock_);
  FeatureToggles toggles(*db_, audit, clock_);
  platform::FeatureGate& gate = toggles;  // what modules hold
  ASSERT_TRUE(toggles.change(admin_, "meet.screen_share", ToggleChange{std::nullopt, {{"DE", false}}}).ok());
  auto refused = gate.require("meet.screen_share", "DE");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_EQ(refused.error().message, "Screen sharing in meetings is not available in DE (meet.screen_share)");
  EXPECT_TRUE(gate.require("meet.screen_share", "FR").ok());
  // One rule read, asked for many countries (alerts filter their recipients with it).
  auto rule = gate.rule("meet.screen_share");
  ASSERT_TRUE(rule.ok());
  EXPECT_FALSE(rule->on_in("DE"));
  EXPECT_TRUE(rule->on_in("FR"));
  EXPECT_EQ(gate.require("teleport", "DE").error().code, ErrorCode::not_found);
}

TEST(FeatureTable, EveryKeyHasALabelAndADescription) {
  for (const auto& f : known_features()) {
    EXPECT_FALSE(f.label.empty()) << f.name;
    EXPECT_FALSE(f.description.empty()) << f.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, FeatureTogglesTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::region
