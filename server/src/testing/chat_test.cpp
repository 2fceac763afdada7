#include "testing/chat_test.hpp"

namespace meridian::testing {

void ChatTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
  access_ = std::make_unique<chat::ConversationAccess>(policy_);
  chat_ = std::make_unique<chat::ChatService>(*db_, policy_, clock_, *access_);
  support_ = std::make_unique<chat::SupportService>(*db_, policy_, clock_, *access_);
  admin_ = person("root", UserKind::employee, std::vector<Role>{Role::admin});
}

std::int64_t ChatTest::support_team(const std::string& name, std::initializer_list<std::int64_t> agent_ids) {
  const std::int64_t id = team(name, agent_ids);
  auto routed = support_->set_route(admin_, "default", id);
  EXPECT_TRUE(routed.ok()) << (routed.ok() ? "" : routed.error().message);
  return id;
}

}  // namespace meridian::testing
