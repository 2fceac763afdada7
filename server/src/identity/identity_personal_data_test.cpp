#include "identity/identity_personal_data.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/people.hpp"
#include "testing/personal_data_checks.hpp"

namespace meridian::identity {
namespace {

using testing::count_of;

class IdentityPersonalDataTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    port_ = std::make_unique<IdentityPersonalData>(*db_, clock_);
  }

  User create(const std::string& name, std::vector<Role> roles = {Role::employee}) {
    NewUser u = testing::new_user(name, UserKind::employee, "PT", "Europe/Lisbon", std::move(roles));
    u.display_name = name + " Silva";
    u.password = "correct horse battery";
    u.gdpr.exclude_from_ai = true;
    auto r = identity_->create_user(admin_, u);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : User{};
  }

  std::vector<std::string> everything() {
    return rows_of({"SELECT * FROM users ORDER BY id", "SELECT * FROM user_roles ORDER BY user_id, role",
                    "SELECT * FROM team_members ORDER BY team_id, user_id", "SELECT * FROM sessions ORDER BY id",
                    "SELECT * FROM login_failures ORDER BY subject_key"});
  }

  std::vector<std::string> of(const User& u) {
    auto all = rows_of({"SELECT * FROM users WHERE id = ?", "SELECT * FROM user_roles WHERE user_id = ?",
                        "SELECT * FROM team_members WHERE user_id = ?", "SELECT * FROM sessions WHERE user_id = ?"},
                       {u.id});
    for (auto& line : rows_of({"SELECT * FROM login_failures WHERE subject_key = ?"}, {"email:" + u.email}))
      all.push_back(line);
    return all;
  }

  audit::Actor admin_{std::nullopt, "admin@example.test", "127.0.0.1", "US", "AMER"};
  std::unique_ptr<IdentityPersonalData> port_;
};

TEST_P(IdentityPersonalDataTest, ErasureKeepsOnlyThePseudonymisedAccountRow) {
  User ana = create("ana");
  User ben = create("ben");
  auto team = identity_->create_team(admin_, "Lisbon", std::nullopt);
  ASSERT_TRUE(team.ok());
  ASSERT_TRUE(identity_->add_team_member(admin_, team->id, ana.id).ok());
  ASSERT_TRUE(identity_->add_team_member(admin_, team->id, ben.id).ok());
  ASSERT_TRUE(identity_->login("ana@example.test", "correct horse battery", "10.0.0.1").ok());
  ASSERT_TRUE(identity_->login("ben@example.test", "correct horse battery", "10.0.0.2").ok());
  ASSERT_FALSE(identity_->login("ana@example.test", "not her password", "10.0.0.1").ok());
  ASSERT_FALSE(identity_->login("ben@example.test", "not his password", "10.0.0.2").ok());

  const auto seen = testing::disclose(*port_, ana.id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(count_of(seen->records, "identity.sessions"), 1);
  EXPECT_EQ(count_of(seen->records, "identity.team_memberships"), 1);
  EXPECT_EQ(count_of(seen->records, "identity.login_failures"), 1);
  const auto& json = seen->json.as_object();
  EXPECT_EQ(json.at("user").at("email").as_string(), "ana@example.test");
  EXPECT_EQ(json.at("sessions").as_array().size(), 1u);
  EXPECT_EQ(seen->text.find(rows("SELECT token_hash FROM sessions WHERE user_id = ?", {ana.id}).at(0).substr(0, 64)),
            std::string::npos);

  const auto ben_before = of(ben);
  clock_.advance_ms(1000);
  auto report = port_->erase_personal_data(ana.id);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(count_of(report->erased, "identity.sessions"), 1);
  EXPECT_EQ(count_of(report->erased, "identity.roles"), 1);
  EXPECT_EQ(count_of(report->erased, "identity.team_memberships"), 1);
  EXPECT_EQ(count_of(report->erased, "identity.login_failures"), 1);
  EXPECT_EQ(count_of(report->pseudonymised, "identity.users"), 1);
  EXPECT_TRUE(report->kept.empty());

  // Nothing of Ana but her pseudonymised row.
  auto row =
      rows("SELECT email, display_name, password_hash, active, gdpr_exclude_from_ai FROM users WHERE id = ?", {ana.id});
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0], erased_email(ana.id) + "|Former user|!|0|1|");
  EXPECT_EQ(of(User{.id = ana.id, .email = "ana@example.test"}).size(), 1u);  // the users row only
  EXPECT_TRUE(rows("SELECT 1 FROM users WHERE email LIKE '%ana%' OR display_name LIKE '%ana%'").empty());
  EXPECT_EQ(identity_->login("ana@example.test", "correct horse battery", "10.0.0.1").error().code,
            ErrorCode::unauthenticated);
  EXPECT_EQ(ben_before, of(ben));

  // A second erasure changes nothing and answers the same.
  clock_.advance_ms(1000);
  auto again = testing::erase_again(*port_, ana.id, [&] { return everything(); });
  ASSERT_TRUE(again);
  EXPECT_EQ(count_of(again->pseudonymised, "identity.users"), 1);
}

TEST_P(IdentityPersonalDataTest, TheLastActiveAdministratorIsNotErased) {
  User root = create("root", {Role::admin});
  auto refused = port_->erase_personal_data(root.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  User other = create("other", {Role::admin});
  EXPECT_TRUE(port_->erase_personal_data(root.id).ok());
  EXPECT_EQ(port_->erase_personal_data(other.id).error().code, ErrorCode::conflict);
}

TEST_P(IdentityPersonalDataTest, UnknownPersonIsNotFound) {
  EXPECT_EQ(port_->list_personal_data(4242).error().code, ErrorCode::not_found);
  EXPECT_EQ(port_->erase_personal_data(4242).error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Stores, IdentityPersonalDataTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::identity
