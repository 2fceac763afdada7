#include "attachments/chat_attachments.hpp"

#include "core/log.hpp"

namespace meridian::attachments {

files::FileRole file_role(const std::optional<chat::Member>& member) {
  if (!member) return files::FileRole::none;
  if (member->observer || member->role == chat::MemberRole::read_only) return files::FileRole::viewer;
  return files::FileRole::editor;
}

Result<std::optional<files::ConversationAccess>> ConversationsForFiles::access(storage::Session& s,
                                                                               std::int64_t conversation_id,
                                                                               const Subject& who) const {
  auto access = access_.access(s, conversation_id, who);
  if (!access.ok()) return access.error();
  if (!*access) return std::optional<files::ConversationAccess>{};
  files::ConversationAccess out;
  out.role = file_role((*access)->member);
  out.region = (*access)->region;
  return std::optional<files::ConversationAccess>(std::move(out));
}

Result<std::vector<chat::Attachment>> FilesForChat::attach(storage::Session& s, const chat::Conversation& c,
                                                           const Subject& author,
                                                           const std::vector<std::int64_t>& file_ids) {
  files::Caller caller;
  caller.subject = author;
  caller.country = author.country;
  auto found = files_.files_to_attach(s, caller, c.id, file_ids);
  if (!found) return found.error();
  std::vector<chat::Attachment> out;
  for (auto& f : *found) out.push_back(chat::Attachment{f.file_id, std::move(f.name), f.size, std::move(f.content_type)});
  return out;
}

void FilesForChat::released(const std::vector<std::int64_t>& file_ids, std::int64_t by) {
  auto removed = files_.remove_detached(file_ids, by, "message deleted");
  // The maintenance sweep removes them later if this failed.
  if (!removed) log::warn("attachments.remove_failed", {{"message", std::string_view(removed.error().message)}});
}

void FilesForChat::run_purged() {
  auto swept = files_.sweep_conversation_files();
  if (!swept) log::warn("attachments.sweep_failed", {{"message", std::string_view(swept.error().message)}});
}

}  // namespace meridian::attachments
