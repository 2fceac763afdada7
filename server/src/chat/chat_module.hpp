// The chat module: conversations, messages and their live stream, support conversations
// and search. Who may act in a conversation (ConversationAccess) is built before it,
// because the files of a conversation ask the same question (attachments/).
#pragma once

#include "chat/chat_personal_data.hpp"
#include "chat/chat_ports.hpp"
#include "chat/chat_service.hpp"
#include "chat/conversation_access.hpp"
#include "chat/live_chat.hpp"
#include "chat/search_service.hpp"
#include "chat/support_service.hpp"
#include "platform/module.hpp"
#include "platform/ports.hpp"

namespace meridian::chat {

class ChatModule final : public platform::Module {
 public:
  // `online`: presence, for @here. `attachments`: files, for the files of messages.
  ChatModule(const platform::ModuleContext& ctx, const ConversationAccess& access, const platform::OnlineCheck& online,
             AttachmentPort& attachments);
  std::string_view name() const override { return "chat"; }

  ChatService& service() { return chat_; }
  // Support conversations, for modules built on them (remote support).
  SupportService& support() { return support_; }

  // Its share of the GDPR rights (platform/personal_data.hpp).
  platform::PersonalDataPort& personal_data() { return personal_data_; }

 private:
  LiveChat live_;
  ChatService chat_;
  SupportService support_;
  SearchService search_;
  ChatPersonalData personal_data_;
};

}  // namespace meridian::chat
