// FilesService's side of chat attachments: each conversation's files live in a space of
// their own; a file is attached to at most one message and goes when its message goes.
#include "files/files_service.hpp"

#include <algorithm>
#include <string>

namespace meridian::files {
namespace {

using storage::Session;

constexpr std::size_t kMaxAttachments = 10;
constexpr int kSweepBatch = 1000;

}  // namespace

Result<Space> FilesService::conversation_space(const Caller& caller, std::int64_t conversation_id) {
  const auto now = clock_.now_ms();
  auto no_conversation = [] { return make_error(ErrorCode::not_found, "no such conversation"); };
  // Two tries: a concurrent first use may create the space first (unique index).
  Result<Space> out = no_conversation();
  for (int attempt = 0; attempt < 2; ++attempt) {
    out = storage::write_value<Space>(db_, [&](Session& s) -> Result<Space> {
      if (!conversations_) return no_conversation();
      auto access = conversations_->access(s, conversation_id, caller.subject);
      if (!access) return access.error();
      if (!*access || (*access)->role == FileRole::none) return no_conversation();
      auto existing = repo_.conversation_space(s, conversation_id);
      if (!existing) return existing.error();
      std::int64_t space_id = 0;
      if (*existing) {
        space_id = (*existing)->id;
      } else {
        Space space;
        space.kind = SpaceKind::conversation;
        space.name = "Conversation files";
        space.conversation_id = conversation_id;
        space.region = (*access)->region;
        space.quota_bytes = options_.space_quota_bytes;
        MERIDIAN_ASSIGN_OR_RETURN(space_id, repo_.insert_space(s, space, caller.subject.user_id, now));
        MERIDIAN_TRY(
            log_activity(s, caller, space_id, 0, "space", "conversation " + std::to_string(conversation_id), now));
      }
      auto space = load_space(s, space_id);
      if (space) space->role = (*access)->role;
      return space;
    });
    if (out || out.error().code != ErrorCode::conflict) break;
  }
  return out;
}

Result<std::vector<AttachedFile>> FilesService::files_to_attach(Session& s, const Caller& author,
                                                                std::int64_t conversation_id,
                                                                const std::vector<std::int64_t>& file_ids) {
  std::vector<AttachedFile> out;
  if (file_ids.empty()) return out;
  if (file_ids.size() > kMaxAttachments)
    return make_error(ErrorCode::invalid_argument,
                      "a message carries at most " + std::to_string(kMaxAttachments) + " attachments");
  auto existing = repo_.conversation_space(s, conversation_id);
  if (!existing) return existing.error();
  auto not_here = [](std::int64_t id) {
    return make_error(ErrorCode::invalid_argument,
                      "file " + std::to_string(id) + " is not an upload of yours in this conversation");
  };
  if (!*existing) return not_here(file_ids.front());
  // After the conversation (the caller holds it), before the files: a sweep removing an
  // upload not attached yet holds the same space lock, so it never deletes a file this
  // message is attaching.
  auto locked = lock_space(s, (*existing)->id);
  if (!locked) return locked.error();
  const Space space = *locked;
  const auto now = clock_.now_ms();
  for (std::size_t i = 0; i < file_ids.size(); ++i) {
    const auto id = file_ids[i];
    if (std::find(file_ids.begin(), file_ids.begin() + static_cast<std::ptrdiff_t>(i), id) !=
        file_ids.begin() + static_cast<std::ptrdiff_t>(i))
      return make_error(ErrorCode::invalid_argument, "file " + std::to_string(id) + " is listed twice");
    auto node = load_node(s, id);
    if (!node) {
      if (node.error().code == ErrorCode::not_found) return not_here(id);
      return node.error();
    }
    if (node->space_id != space.id || node->is_folder || node->created_by != author.subject.user_id)
      return not_here(id);
    auto state = repo_.attachment_state(s, id);
    if (!state) return state.error();
    if (*state != AttachmentState::none)
      return make_error(ErrorCode::conflict, "file " + std::to_string(id) + " is already attached to a message");
    MERIDIAN_TRY(log_activity(s, author, space.id, id, "attach", node->name, now));
    AttachedFile f;
    f.file_id = id;
    f.name = node->name;
    f.size = node->size;
    f.content_type = node->content_type;
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::size_t> FilesService::remove_detached(const std::vector<std::int64_t>& file_ids, std::int64_t actor,
                                                  std::string_view why) {
  if (file_ids.empty()) return std::size_t{0};
  const auto now = clock_.now_ms();
  std::vector<std::string> dead;
  std::vector<std::int64_t> gone;
  auto r = db_.write([&](Session& s) -> Result<void> {
    dead.clear();
    gone.clear();
    for (auto id : file_ids) {
      auto node = load_node_locking_space(s, id);
      if (!node) {
        if (node.error().code == ErrorCode::not_found) continue;  // gone already
        return node.error();
      }
      auto space = load_space(s, node->space_id);
      if (!space) return space.error();
      if (space->kind != SpaceKind::conversation) continue;
      auto state = repo_.attachment_state(s, id);
      if (!state) return state.error();
      if (*state == AttachmentState::attached) continue;
      MERIDIAN_TRY(repo_.forget_release(s, id));
      auto touched = blobs_.touched_by_tree(s, node->space_id, id);
      if (!touched) return touched.error();
      MERIDIAN_TRY(blobs_.lock(s, std::move(*touched)));
      MERIDIAN_TRY(delete_tree(s, node->space_id, id, dead));
      Caller system;
      system.subject.user_id = actor;
      MERIDIAN_TRY(log_activity(s, system, node->space_id, id, "delete", node->name + ": " + std::string(why), now));
      gone.push_back(id);
    }
    return {};
  });
  if (!r) return r.error();
  blobs_.remove_objects(dead);
  removed(gone);
  return gone.size();
}

Result<std::size_t> FilesService::sweep_conversation_files(std::int64_t pending_ms) {
  const UnixMillis older_than = clock_.now_ms() - pending_ms;
  auto ids = storage::read_value<std::vector<std::int64_t>>(db_, [&](Session& s) -> Result<std::vector<std::int64_t>> {
    return repo_.detached_conversation_files(s, older_than, kSweepBatch);
  });
  if (!ids) return ids.error();
  return remove_detached(*ids, 0, "not attached to any message");
}

}  // namespace meridian::files
