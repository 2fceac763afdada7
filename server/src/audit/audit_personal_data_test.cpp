#include "audit/audit_personal_data.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "identity/identity_personal_data.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/people.hpp"
#include "testing/personal_data_checks.hpp"

namespace meridian::audit {
namespace {

using testing::count_of;

class AuditPersonalDataTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    port_ = std::make_unique<AuditPersonalData>(*db_);
  }

  // An account made by an admin, one sign-in, one failed sign-in and a sign-out.
  std::int64_t person_with_history(const std::string& name, const std::string& ip) {
    identity::NewUser u = testing::new_user(name);
    u.password = "correct horse battery";
    auto created = identity_->create_user(admin_, u);
    EXPECT_TRUE(created.ok());
    auto login = identity_->login(u.email, u.password, ip);
    EXPECT_TRUE(login.ok());
    EXPECT_FALSE(identity_->login(u.email, "wrong password", ip).ok());
    auto who = identity_->authenticate(login->token);
    EXPECT_TRUE(who.ok());
    EXPECT_TRUE(identity_->logout(*who, ip).ok());
    return created->id;
  }

  std::vector<std::string> log() { return rows("SELECT * FROM audit_log ORDER BY id"); }

  static std::vector<std::string> mentioning(const std::vector<std::string>& lines, const std::string& text) {
    std::vector<std::string> out;
    for (const auto& l : lines)
      if (l.find(text) != std::string::npos) out.push_back(l);
    return out;
  }

  Actor admin_{std::nullopt, "admin@example.test", "127.0.0.1", "US", "AMER"};
  std::unique_ptr<AuditPersonalData> port_;
};

TEST_P(AuditPersonalDataTest, ErasurePseudonymisesThePersonsEventsAndKeepsThem) {
  const std::int64_t ana = person_with_history("ana", "10.0.0.1");
  const std::int64_t joana = person_with_history("joana", "10.0.0.2");  // her address contains Ana's
  const auto before = log();
  const auto joana_before = mentioning(before, "joana@example.test");
  ASSERT_EQ(joana_before.size(), 4u);  // created, signed in, failed to, signed out

  const auto seen = testing::disclose(*port_, ana);
  ASSERT_TRUE(seen);
  EXPECT_EQ(count_of(seen->records, "audit.events"), 4);  // create (detail), login, failed login, logout
  EXPECT_EQ(seen->json.at("events").as_array().size(), 4u);
  EXPECT_EQ(seen->text.find("joana"), std::string::npos);

  auto report = port_->erase_personal_data(ana);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->erased.empty());
  EXPECT_EQ(count_of(report->pseudonymised, "audit.events"), 4);
  ASSERT_EQ(report->reasons_kept.size(), 1u);
  EXPECT_NE(report->reasons_kept[0].find("security record"), std::string::npos);

  const auto after = log();
  EXPECT_EQ(after.size(), before.size());  // nothing deleted
  for (const auto& line : after) {
    EXPECT_EQ(line.find("|ana@example.test"), std::string::npos) << line;
    EXPECT_EQ(line.find("\"ana@example.test"), std::string::npos) << line;
    EXPECT_EQ(line.find(":ana@example.test"), std::string::npos) << line;
    EXPECT_EQ(line.find("10.0.0.1"), std::string::npos) << line;
  }
  EXPECT_EQ(mentioning(after, "joana@example.test"), joana_before);
  // actor_id stays: the events still tell one actor from another.
  EXPECT_EQ(rows("SELECT COUNT(*) FROM audit_log WHERE actor_id = ?", {ana}).at(0), "2|");
  EXPECT_EQ(rows("SELECT COUNT(*) FROM audit_log WHERE actor_email = ?", {identity::erased_email(ana)}).at(0), "3|");
  (void)joana;

  auto again = testing::erase_again(*port_, ana, [&] { return log(); });
  ASSERT_TRUE(again);
  EXPECT_EQ(count_of(again->pseudonymised, "audit.events"), 4);
}

TEST_P(AuditPersonalDataTest, FindsTheFailedSignInsAfterIdentityErasedTheAccount) {
  const std::int64_t ana = person_with_history("ana", "10.0.0.1");
  identity::IdentityPersonalData identity_port(*db_, clock_);
  ASSERT_TRUE(identity_port.erase_personal_data(ana).ok());
  ASSERT_TRUE(port_->erase_personal_data(ana).ok());
  for (const auto& line : log()) {
    EXPECT_EQ(line.find("ana@example.test"), std::string::npos) << line;
    EXPECT_EQ(line.find("10.0.0.1"), std::string::npos) << line;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, AuditPersonalDataTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::audit
