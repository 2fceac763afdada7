// ModuleTest with chat's services (conversation access, chat, support) and an administrator,
// "root", made before the test's own people: the fixture of the chat, support, search and
// retention tests.
#pragma once

#include <memory>

#include "chat/chat_service.hpp"
#include "chat/conversation_access.hpp"
#include "chat/support_service.hpp"
#include "testing/module_test.hpp"

namespace meridian::testing {

class ChatTest : public ModuleTest {
 protected:
  void SetUp() override;

  // A support team of these agents that new support conversations go to (the "default"
  // route, set by admin_); its id.
  std::int64_t support_team(const std::string& name, std::initializer_list<std::int64_t> agent_ids);

  std::unique_ptr<chat::ConversationAccess> access_;
  std::unique_ptr<chat::ChatService> chat_;
  std::unique_ptr<chat::SupportService> support_;
  Subject admin_;
};

}  // namespace meridian::testing
