// Retention's deletions reach chat's members live (messages.purged).
#pragma once

#include "chat/chat_service.hpp"
#include "retention/retention_service.hpp"

namespace meridian::retention {

class ChatPurges final : public PurgeListener {
 public:
  explicit ChatPurges(chat::ChatService& chat) : chat_(chat) {}
  void messages_purged(std::int64_t conversation_id, const std::vector<std::int64_t>& message_ids,
                       std::int64_t change_seq, std::int64_t roots_updated) override {
    chat_.purged(conversation_id, message_ids, change_seq, roots_updated);
  }

 private:
  chat::ChatService& chat_;
};

}  // namespace meridian::retention
