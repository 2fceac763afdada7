#include "chat/conversation_access.hpp"

#include <utility>

namespace meridian::chat {

void RoomGuests::admitted(std::int64_t conversation_id, std::string scope, std::vector<Guest> guests) {
  std::lock_guard lock(mutex_);
  if (guests.empty()) {
    rooms_.erase(conversation_id);
    return;
  }
  rooms_[conversation_id] = Room{std::move(scope), std::move(guests)};
}

void RoomGuests::closed(std::int64_t conversation_id) {
  std::lock_guard lock(mutex_);
  rooms_.erase(conversation_id);
}

std::optional<Member> RoomGuests::member(std::int64_t conversation_id, const Subject& who) const {
  std::lock_guard lock(mutex_);
  auto room = rooms_.find(conversation_id);
  // Only calls the meetings module makes for them carry the room's scope, never their
  // own requests to the chat API.
  if (room == rooms_.end() || who.scope.empty() || who.scope != room->second.scope) return std::nullopt;
  for (const auto& g : room->second.guests) {
    if (g.user_id != who.user_id) continue;
    Member m;
    m.user_id = who.user_id;
    m.display_name = g.display_name;
    m.role = MemberRole::member;
    return m;
  }
  return std::nullopt;
}

Result<Member> ConversationAccess::require_member(storage::Session& s, const Conversation& c,
                                                  const Subject& who) const {
  auto m = repo_.membership(s, c.id, who.user_id);
  if (!m.ok()) return m.error();
  if (*m) return **m;
  if (c.kind == ConversationKind::support) {
    auto observer = support_observer(s, c, who);
    if (!observer.ok()) return observer.error();
    if (*observer) return **observer;
  }
  if (c.kind == ConversationKind::group)
    if (auto guest = room_guests_.member(c.id, who)) return *guest;
  if (c.kind == ConversationKind::channel && c.visibility == Visibility::public_ && who.kind != UserKind::customer &&
      who.kind != UserKind::guest)
    return make_error(ErrorCode::forbidden, "join #" + c.name + " to read and post in it");
  return make_error(ErrorCode::not_found, "no such conversation");
}

Result<std::optional<ConversationAccess::Access>> ConversationAccess::access(storage::Session& s,
                                                                           std::int64_t conversation_id,
                                                                           const Subject& who) const {
  auto c = repo_.conversation(s, conversation_id);
  if (!c.ok()) return c.error();
  if (!*c) return std::optional<Access>{};
  Access out;
  out.region = (*c)->region;
  auto me = require_member(s, **c, who);
  if (me.ok())
    out.member = std::move(*me);
  else if (me.error().code != ErrorCode::not_found && me.error().code != ErrorCode::forbidden)
    return me.error();
  return std::optional<Access>(std::move(out));
}

Result<void> ConversationAccess::require_open(storage::Session& s, const Conversation& c) const {
  if (c.kind != ConversationKind::support) return {};
  auto sc = support_.get(s, c.id);
  if (!sc.ok()) return sc.error();
  if (*sc && (*sc)->status == SupportStatus::closed)
    return make_error(ErrorCode::conflict, "this conversation is closed; reopen it to continue");
  return {};
}

Result<void> ConversationAccess::require_support_chat(const Subject& who) const {
  if (!features_ || who.kind != UserKind::customer) return {};
  return features_->require("chat.support", who.country);
}

Result<bool> ConversationAccess::may_work_on(storage::Session& s, const Subject& who, std::int64_t team_id) const {
  if (who.has_role(Role::admin)) return true;
  if (!policy_.permits(who, policy::Action::work_support_queue)) return false;
  return support_.in_team(s, team_id, who.user_id);
}

// Reads only: writing in it means claiming it first.
Result<std::optional<Member>> ConversationAccess::support_observer(storage::Session& s, const Conversation& c,
                                                                   const Subject& who) const {
  if (who.kind == UserKind::customer || who.kind == UserKind::guest) return std::optional<Member>{};
  auto sc = support_.get(s, c.id);
  if (!sc.ok()) return sc.error();
  if (!*sc) return std::optional<Member>{};
  auto may = may_work_on(s, who, (*sc)->team_id);
  if (!may.ok()) return may.error();
  if (!*may) return std::optional<Member>{};
  Member observer{who.user_id, "", MemberRole::read_only, 0};
  observer.observer = true;
  return std::optional<Member>(std::move(observer));
}

}  // namespace meridian::chat
