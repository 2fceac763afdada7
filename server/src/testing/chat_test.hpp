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

  std::unique_ptr<chat::ConversationAccess> access_;
  std::unique_ptr<chat::ChatService> chat_;
  std::unique_ptr<chat::SupportService> support_;
  Subject admin_;
};

}  // namespace meridian::testing
