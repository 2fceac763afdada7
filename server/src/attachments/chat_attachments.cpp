#include "attachments/chat_attachments.hpp"

#include "core/log.hpp"

namespace meridian::attachments {

files::FileRole file_role(const std::optional<chat::Member>& member) {
  if (!member) return files::FileRole::none;
  if (member->observer || member->role == chat::MemberRole::read_only) return files::FileRole::viewer;
  return files::FileRole::editor;
}

void connect(chat::ChatService& chat, files::FilesService& files, retention::RetentionService* retention) {
  files.set_conversation_access([&chat](storage::Session& s, std::int64_t conversation_id,
                                        const Subject& who) -> Result<std::optional<files::ConversationAccess>> {
    auto access = chat.access(s, conversation_id, who);
    if (!access.ok()) return access.error();
    if (!*access) return std::optional<files::ConversationAccess>{};
    files::ConversationAccess out;
    out.role = file_role((*access)->member);
    out.region = (*access)->region;
    return std::optional<files::ConversationAccess>(std::move(out));
  });

  chat.set_attach_hook([&files](storage::Session& s, const chat::Conversation& c, const Subject& author,
                                const std::vector<std::int64_t>& ids) -> Result<std::vector<chat::Attachment>> {
    files::Caller caller;
    caller.subject = author;
    caller.country = author.country;
    auto found = files.files_to_attach(s, caller, c.id, ids);
    if (!found) return found.error();
    std::vector<chat::Attachment> out;
    for (auto& f : *found)
      out.push_back(chat::Attachment{f.file_id, std::move(f.name), f.size, std::move(f.content_type)});
    return out;
  });

  chat.set_release_listener([&files](const std::vector<std::int64_t>& ids, std::int64_t by) {
    auto removed = files.remove_detached(ids, by, "message deleted");
    // The maintenance sweep removes them later if this failed.
    if (!removed) log::warn("attachments.remove_failed", {{"message", std::string_view(removed.error().message)}});
  });

  if (retention) {
    retention->set_after_purge([&files] {
      auto swept = files.sweep_conversation_files();
      if (!swept) log::warn("attachments.sweep_failed", {{"message", std::string_view(swept.error().message)}});
    });
  }
}

}  // namespace meridian::attachments
