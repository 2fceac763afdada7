#include "ai/chat_source.hpp"

#include <algorithm>

namespace meridian::ai {
namespace {

constexpr int kPage = 200;

}  // namespace

Result<ConversationText> ChatSource::read(const Subject& who, const ConversationScope& scope,
                                          std::size_t max_messages) {
  MERIDIAN_ASSIGN_OR_RETURN(auto view, chat_.conversation(who, scope.conversation_id));
  ConversationText out;
  out.region = view.conversation.region;
  const std::int64_t read_up_to = scope.after_seq ? *scope.after_seq : scope.unread_only ? view.last_read_seq : 0;

  std::vector<chat::Message> found;
  auto keep = [&](const chat::Message& m) {
    if (m.deleted_at || m.text.empty()) return;
    if (scope.until && m.created_at > *scope.until) return;
    found.push_back(m);
  };
  // Newest first, page by page, until the start of the range or the cap.
  std::optional<std::int64_t> before;
  bool more = true;
  while (more) {
    std::vector<chat::Message> items;
    if (scope.thread_root_id) {
      MERIDIAN_ASSIGN_OR_RETURN(
          auto page, chat_.thread(who, scope.conversation_id, *scope.thread_root_id, before, std::nullopt, kPage));
      items = std::move(page.items);
      more = page.has_more;
      if (!more) items.insert(items.begin(), page.root);  // the root opens the thread
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(auto page, chat_.history(who, scope.conversation_id, before, std::nullopt, kPage));
      items = std::move(page.items);
      more = page.has_more;
    }
    if (items.empty()) break;
    before = items.front().seq;
    for (auto m = items.rbegin(); m != items.rend(); ++m) {
      const bool before_range =
          (scope.since && m->created_at < *scope.since) || (read_up_to > 0 && m->seq <= read_up_to);
      if (before_range) {
        more = false;
        break;
      }
      if (found.size() >= max_messages) {
        out.older_left_out = true;
        more = false;
        break;
      }
      keep(*m);
    }
  }
  std::reverse(found.begin(), found.end());
  for (auto& m : found)
    out.messages.push_back({m.id, m.seq, m.author_id, std::move(m.author_name), std::move(m.text), m.created_at});

  MERIDIAN_ASSIGN_OR_RETURN(auto members, chat_.members(who, scope.conversation_id));
  for (auto& m : members.items) out.people.push_back({m.user_id, std::move(m.display_name), std::move(m.handle)});
  return out;
}

Result<FileFacts> FilesAccess::readable(const Subject& who, std::int64_t node_id) {
  auto node = files_.get_node(who, node_id);
  if (!node) {
    if (node.error().code == ErrorCode::forbidden) return make_error(ErrorCode::not_found, "no such file");
    return node.error();
  }
  if (node->role == files::FileRole::none) return make_error(ErrorCode::not_found, "no such file");
  return FileFacts{node->id, node->space_id, node->parent_id, node->is_folder, node->version, node->name};
}

Result<void> FilesAccess::space_readable(const Subject& who, std::int64_t space_id) {
  auto space = files_.get_space(who, space_id);
  if (!space && space.error().code == ErrorCode::forbidden) return make_error(ErrorCode::not_found, "no such space");
  if (!space) return space.error();
  return {};
}

Result<std::set<std::int64_t>> IdentityExclusions::excluded_from_ai(const std::set<std::int64_t>& user_ids) {
  std::set<std::int64_t> out;
  for (auto id : user_ids) {
    auto user = identity_.user(id);
    if (!user.ok()) {
      if (user.error().code == ErrorCode::not_found) continue;  // erased since: nothing of theirs to leave out
      return user.error();
    }
    if (user->gdpr.exclude_from_ai || user->gdpr.restrict_processing) out.insert(id);
  }
  return out;
}

Result<bool> IdentityExclusions::restricted(std::int64_t user_id) {
  auto user = identity_.user(user_id);
  if (!user.ok()) {
    if (user.error().code == ErrorCode::not_found) return false;
    return user.error();
  }
  return user->gdpr.restrict_processing;
}

Result<std::vector<UnreadConversation>> ChatSource::unread(const Subject& who) {
  MERIDIAN_ASSIGN_OR_RETURN(auto views, chat_.conversations(who));
  std::vector<UnreadConversation> out;
  for (const auto& v : views)
    if (v.unread > 0) out.push_back({v.conversation.id, v.conversation.name, v.unread, v.last_read_seq});
  return out;
}

}  // namespace meridian::ai
