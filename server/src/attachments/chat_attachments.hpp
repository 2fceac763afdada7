// Chat attachments: joins chat and files. A conversation's files live in its own file
// space; chat tells files who is in a conversation (checked at every read), files tells
// chat which uploads may go with a message, and a deleted or purged message's files are
// removed with their objects. Each direction is one small adapter, handed to the other
// module when it is built.
#pragma once

#include "chat/chat_ports.hpp"
#include "chat/conversation_access.hpp"
#include "files/files_service.hpp"
#include "retention/retention_service.hpp"

namespace meridian::attachments {

// The role a person has on a conversation's files: members who may post upload and
// attach (editor); read-only members and support agents before claiming read (viewer);
// anyone else nothing.
files::FileRole file_role(const std::optional<chat::Member>& member);

// Files asks chat who is in a conversation.
class ConversationsForFiles final : public files::ConversationDirectory {
 public:
  explicit ConversationsForFiles(const chat::ConversationAccess& access) : access_(access) {}
  Result<std::optional<files::ConversationAccess>> access(storage::Session& s, std::int64_t conversation_id,
                                                          const Subject& who) const override;

 private:
  const chat::ConversationAccess& access_;
};

// Chat asks files which uploads may go with a message, and hands back a deleted
// message's files; retention's purges release theirs too.
class FilesForChat final : public chat::AttachmentPort, public retention::PurgeListener {
 public:
  explicit FilesForChat(files::FilesService& files) : files_(files) {}
  Result<std::vector<chat::Attachment>> attach(storage::Session& s, const chat::Conversation& c, const Subject& author,
                                               const std::vector<std::int64_t>& file_ids) override;
  void released(const std::vector<std::int64_t>& file_ids, std::int64_t by) override;
  void run_purged() override;

 private:
  files::FilesService& files_;
};

}  // namespace meridian::attachments
