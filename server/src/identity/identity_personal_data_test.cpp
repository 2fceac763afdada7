#include "identity/identity_personal_data.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <variant>

#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "storage/migrations.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::identity {
namespace {

class IdentityPersonalDataTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    init_crypto();
    db_ = storage::testing::make_test_database(GetParam());
    ASSERT_TRUE(storage::apply_migrations(*db_, storage::schema_migrations()).ok());
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
    service_ = std::make_unique<IdentityService>(*db_, *audit_, regions_, hasher_, clock_);
    port_ = std::make_unique<IdentityPersonalData>(*db_, clock_);
  }

  User create(const std::string& name, std::vector<Role> roles = {Role::employee}) {
    NewUser u;
    u.email = name + "@example.test";
    u.display_name = name + " Silva";
    u.password = "correct horse battery";
    u.country = "PT";
    u.time_zone = "Europe/Lisbon";
    u.roles = std::move(roles);
    u.gdpr.exclude_from_ai = true;
    auto r = service_->create_user(admin_, u);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : User{};
  }

  // Every row a query returns, as text: equal snapshots mean nothing changed.
  std::vector<std::string> rows(const std::string& sql, const storage::Params& params = {}) {
    auto out = storage::read_value<std::vector<std::string>>(*db_, [&](storage::Session& s)
                                                                         -> Result<std::vector<std::string>> {
      auto rs = s.query(sql, params);
      if (!rs.ok()) return rs.error();
      std::vector<std::string> lines;
      for (const auto& r : *rs) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) line += (r.is_null(i) ? std::string("NULL") : r.text(i)) + "|";
        lines.push_back(std::move(line));
      }
      return lines;
    });
    EXPECT_TRUE(out.ok());
    return out.ok() ? *out : std::vector<std::string>{};
  }

  std::vector<std::string> everything() {
    std::vector<std::string> all;
    for (const char* sql : {"SELECT * FROM users ORDER BY id", "SELECT * FROM user_roles ORDER BY user_id, role",
                            "SELECT * FROM team_members ORDER BY team_id, user_id", "SELECT * FROM sessions ORDER BY id",
                            "SELECT * FROM login_failures ORDER BY subject_key"})
      for (auto& line : rows(sql)) all.push_back(std::string(sql) + ": " + line);
    return all;
  }

  std::vector<std::string> of(const User& u) {
    std::vector<std::string> all;
    const storage::Params id{u.id};
    for (const char* sql : {"SELECT * FROM users WHERE id = ?", "SELECT * FROM user_roles WHERE user_id = ?",
                            "SELECT * FROM team_members WHERE user_id = ?", "SELECT * FROM sessions WHERE user_id = ?"})
      for (auto& line : rows(sql, id)) all.push_back(line);
    for (auto& line : rows("SELECT * FROM login_failures WHERE subject_key = ?", {"email:" + u.email}))
      all.push_back(line);
    return all;
  }

  static std::int64_t count_of(const std::vector<platform::PersonalRecordCount>& counts, std::string_view kind) {
    for (const auto& c : counts)
      if (c.kind == kind) return c.count;
    return -1;
  }

  ManualClock clock_;
  region::RegionMap regions_;
  PasswordHasher hasher_{PasswordCost::minimum()};
  audit::Actor admin_{std::nullopt, "admin@example.test", "127.0.0.1", "US", "AMER"};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<IdentityService> service_;
  std::unique_ptr<IdentityPersonalData> port_;
};

TEST_P(IdentityPersonalDataTest, ErasureKeepsOnlyThePseudonymisedAccountRow) {
  User ana = create("ana");
  User ben = create("ben");
  auto team = service_->create_team(admin_, "Lisbon", std::nullopt);
  ASSERT_TRUE(team.ok());
  ASSERT_TRUE(service_->add_team_member(admin_, team->id, ana.id).ok());
  ASSERT_TRUE(service_->add_team_member(admin_, team->id, ben.id).ok());
  ASSERT_TRUE(service_->login("ana@example.test", "correct horse battery", "10.0.0.1").ok());
  ASSERT_TRUE(service_->login("ben@example.test", "correct horse battery", "10.0.0.2").ok());
  ASSERT_FALSE(service_->login("ana@example.test", "not her password", "10.0.0.1").ok());
  ASSERT_FALSE(service_->login("ben@example.test", "not his password", "10.0.0.2").ok());

  auto listed = port_->list_personal_data(ana.id);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(count_of(listed->records, "identity.sessions"), 1);
  EXPECT_EQ(count_of(listed->records, "identity.team_memberships"), 1);
  EXPECT_EQ(count_of(listed->records, "identity.login_failures"), 1);
  auto exported = port_->export_personal_data(ana.id);
  ASSERT_TRUE(exported.ok());
  auto json = boost::json::parse(exported->json).as_object();
  EXPECT_EQ(json.at("user").at("email").as_string(), "ana@example.test");
  EXPECT_EQ(json.at("sessions").as_array().size(), 1u);
  EXPECT_EQ(exported->json.find(rows("SELECT token_hash FROM sessions WHERE user_id = ?", {ana.id}).at(0).substr(0, 64)),
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
  auto row = rows("SELECT email, display_name, password_hash, active, gdpr_exclude_from_ai FROM users WHERE id = ?",
                  {ana.id});
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0], erased_email(ana.id) + "|Former user|!|0|1|");
  EXPECT_EQ(of(User{.id = ana.id, .email = "ana@example.test"}).size(), 1u);  // the users row only
  EXPECT_TRUE(rows("SELECT 1 FROM users WHERE email LIKE '%ana%' OR display_name LIKE '%ana%'").empty());
  EXPECT_EQ(service_->login("ana@example.test", "correct horse battery", "10.0.0.1").error().code,
            ErrorCode::unauthenticated);
  EXPECT_EQ(ben_before, of(ben));

  // A second erasure changes nothing and answers the same.
  const auto after_first = everything();
  clock_.advance_ms(1000);
  auto again = port_->erase_personal_data(ana.id);
  ASSERT_TRUE(again.ok());
  for (const auto& c : again->erased) EXPECT_EQ(c.count, 0) << c.kind;
  EXPECT_EQ(count_of(again->pseudonymised, "identity.users"), 1);
  EXPECT_EQ(after_first, everything());
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
