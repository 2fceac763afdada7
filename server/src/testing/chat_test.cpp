#include "testing/chat_test.hpp"

namespace meridian::testing {

void ChatTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
  access_ = std::make_unique<chat::ConversationAccess>(policy_);
  chat_ = std::make_unique<chat::ChatService>(*db_, policy_, clock_, *access_);
  support_ = std::make_unique<chat::SupportService>(*db_, policy_, clock_, *access_);
  admin_ = person("root", UserKind::employee, std::vector<Role>{Role::admin});
}

}  // namespace meridian::testing
