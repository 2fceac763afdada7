// The AI module's view of chat, files and identity: ConversationSource over ChatService's
// own read calls (membership and access checked by chat, page by page), FileAccess over
// FilesService's, and AiExclusions over identity's GDPR flags.
#pragma once

#include "ai/sources.hpp"
#include "chat/chat_service.hpp"
#include "files/files_service.hpp"
#include "identity/identity_service.hpp"

namespace meridian::ai {

class ChatSource final : public ConversationSource {
 public:
  explicit ChatSource(chat::ChatService& chat) : chat_(chat) {}
  Result<ConversationText> read(const Subject& who, const ConversationScope& scope, std::size_t max_messages) override;
  Result<std::vector<UnreadConversation>> unread(const Subject& who) override;

 private:
  chat::ChatService& chat_;
};

class FilesAccess final : public FileAccess {
 public:
  explicit FilesAccess(files::FilesService& files) : files_(files) {}
  Result<FileFacts> readable(const Subject& who, std::int64_t node_id) override;
  Result<void> space_readable(const Subject& who, std::int64_t space_id) override;

 private:
  files::FilesService& files_;
};

class IdentityExclusions final : public AiExclusions {
 public:
  explicit IdentityExclusions(identity::IdentityService& identity) : identity_(identity) {}
  // Those who asked to be left out of AI, and those who restricted processing.
  Result<std::set<std::int64_t>> excluded_from_ai(const std::set<std::int64_t>& user_ids) override;
  Result<bool> restricted(std::int64_t user_id) override;

 private:
  identity::IdentityService& identity_;
};

}  // namespace meridian::ai
