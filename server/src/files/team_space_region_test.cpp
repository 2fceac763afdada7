// A team's region and its team file space (issue 15, defect 7): the team is made in the
// region asked for (by default the creator's), a region not known here is refused, and
// moving the team moves its space: files stored from then on go to the new region, files
// already stored stay where they were stored.
#include <gtest/gtest.h>

#include "files/files_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/temp_disk_store.hpp"

namespace meridian::files {
namespace {

class TeamSpaceRegionTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    files_ = std::make_unique<FilesService>(*db_, *store_, clock_, FilesOptions{});
    ana_ = caller("ana", UserKind::employee);
  }

  Space team_space(std::int64_t team_id) {
    NewSpace ns;
    ns.kind = SpaceKind::team;
    ns.name = "Support files";
    ns.team_id = team_id;
    auto s = files_->create_space(ana_, ns);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? *s : Space{};
  }

  std::string upload_key(std::int64_t space_id, const std::string& name) {
    auto ticket = files_->begin_upload(ana_, space_id, 0, name, 5);
    EXPECT_TRUE(ticket.ok()) << (ticket.ok() ? "" : ticket.error().message);
    return ticket.ok() ? ticket->object_key : std::string();
  }

  audit::Actor us_admin_{std::nullopt, "admin@example.test", "127.0.0.1", "US", "AMER"};
  testing::TempDiskStore store_{"meridian-team-region"};
  std::unique_ptr<FilesService> files_;
  Caller ana_;
};

TEST_P(TeamSpaceRegionTest, ATeamIsMadeInTheRegionChosenElseTheCreators) {
  auto eu = identity_->create_team(us_admin_, "Support EU", std::string("EU"));
  ASSERT_TRUE(eu.ok()) << eu.error().message;
  EXPECT_EQ(eu->region, "EU");
  auto amer = identity_->create_team(us_admin_, "Support US", std::nullopt);
  ASSERT_TRUE(amer.ok());
  EXPECT_EQ(amer->region, "AMER");
  auto nowhere = identity_->create_team(us_admin_, "Support Mars", std::string("MARS"));
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(nowhere.error().message.find("AMER, APAC, EU, MEA"), std::string::npos) << nowhere.error().message;
}

TEST_P(TeamSpaceRegionTest, TheTeamSpaceFollowsTheTeamToItsNewRegion) {
  auto team = identity_->create_team(us_admin_, "Support EU", std::nullopt);
  ASSERT_TRUE(team.ok());
  ASSERT_EQ(team->region, "AMER");
  ASSERT_TRUE(identity_->add_team_member(us_admin_, team->id, ana_.subject.user_id).ok());
  const Space space = team_space(team->id);
  EXPECT_EQ(space.region, "AMER");
  const std::string before = upload_key(space.id, "old.txt");
  EXPECT_EQ(before.rfind("amer/", 0), 0u) << before;

  auto moved = identity_->set_team_region(us_admin_, team->id, "EU");
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->region, "EU");
  EXPECT_EQ(identity_->team(team->id)->team.region, "EU");
  auto after = files_->get_space(ana_.subject, space.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->region, "EU");
  const std::string key = upload_key(space.id, "new.txt");
  EXPECT_EQ(key.rfind("eu/", 0), 0u) << key;
  EXPECT_EQ(rows("SELECT action FROM audit_log WHERE action = 'admin.team.region'").size(), 1u);
}

TEST_P(TeamSpaceRegionTest, AnUnknownRegionOrTeamIsRefusedAndNothingMoves) {
  auto team = identity_->create_team(us_admin_, "Support", std::string("EU"));
  ASSERT_TRUE(team.ok());
  auto bad = identity_->set_team_region(us_admin_, team->id, "MARS");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  auto missing = identity_->set_team_region(us_admin_, team->id + 100, "EU");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_EQ(identity_->team(team->id)->team.region, "EU");
}

INSTANTIATE_TEST_SUITE_P(Databases, TeamSpaceRegionTest, ::testing::ValuesIn(storage::testing::test_database_kinds()));

}  // namespace
}  // namespace meridian::files
