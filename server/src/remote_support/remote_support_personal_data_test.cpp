#include "remote_support/remote_support_personal_data.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "remote_support/remote_support_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"
#include "testing/personal_data_checks.hpp"

namespace meridian::remote_support {
namespace {

using testing::count_of;

class RemoteSupportPersonalDataTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    init_crypto();
    service_ = std::make_unique<RemoteSupportService>(*db_, policy_, clock_, RemoteSupportOptions{}, *identity_);
    port_ = std::make_unique<RemoteSupportPersonalData>(*db_);
    agent_ = person("ada", UserKind::agent);
    carl_ = person("carl", UserKind::customer, "DE");
  }

  std::unique_ptr<RemoteSupportService> service_;
  std::unique_ptr<RemoteSupportPersonalData> port_;
  Subject agent_, carl_;
};

TEST_P(RemoteSupportPersonalDataTest, ErasureClearsNamesAndAddressesAndKeepsTheChainIntact) {
  NewSession in;
  in.customer_user_id = carl_.user_id;
  auto issued = service_->create(agent_, in, "192.0.2.1");
  ASSERT_TRUE(issued.ok());
  auto pass = service_->join_as_customer(carl_, issued->session.id, "198.51.100.7");
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  auto token = service_->authenticate(pass->token);
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(service_->end(*token, issued->session.id, "198.51.100.7").ok());
  ASSERT_TRUE(service_->request_help(carl_, "tax form 2026", "").ok());

  auto listed = port_->list_personal_data(carl_.user_id);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(count_of(listed->records, "remote_support.sessions_as_customer"), 1);
  EXPECT_EQ(count_of(listed->records, "remote_support.log_names"), 2);  // code_redeemed, ended
  auto exported = port_->export_personal_data(carl_.user_id);
  ASSERT_TRUE(exported.ok());
  EXPECT_NE(exported->json.find("198.51.100.7"), std::string::npos);
  EXPECT_EQ(count_of(listed->records, "remote_support.requests"), 1);
  EXPECT_NE(exported->json.find("tax form 2026"), std::string::npos);

  auto report = port_->erase_personal_data(carl_.user_id);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(count_of(report->erased, "remote_support.log_names"), 2);
  EXPECT_EQ(count_of(report->erased, "remote_support.requests"), 1);
  EXPECT_TRUE(rows("SELECT * FROM remote_support_requests").empty());
  EXPECT_EQ(count_of(report->kept, "remote_support.sessions"), 1);
  EXPECT_FALSE(report->reasons_kept.empty());
  EXPECT_TRUE(rows("SELECT * FROM remote_support_log_people WHERE address = '198.51.100.7'").empty());
  EXPECT_TRUE(rows("SELECT * FROM remote_support_customers WHERE name = 'carl'").empty());
  auto check = service_->verify(agent_, issued->session.id);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->intact) << "the chain holds no personal data, so erasure does not break it";
  // The agent's own entries still name the agent.
  EXPECT_FALSE(rows("SELECT * FROM remote_support_log_people WHERE user_id = ?", {agent_.user_id}).empty());

  auto again = testing::erase_again(*port_, carl_.user_id, [&] {
    return rows_of({"SELECT * FROM remote_support_customers", "SELECT * FROM remote_support_log_people ORDER BY seq"});
  });
  ASSERT_TRUE(again.has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, RemoteSupportPersonalDataTest,
                         ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::remote_support
