// A meeting's conversation: a private group the meetings module creates on first use and
// whose members it decides (the host, invited staff and the organisation's people who
// were admitted). People outside the organisation (customers, meeting guests) are not
// members: they read and post only while the meetings module lists them in RoomGuests
// (chat/conversation_access.hpp), that is while they are
// admitted to the live room.
#include "chat/chat_service.hpp"

namespace meridian::chat {

Result<std::int64_t> ChatService::meeting_conversation(std::int64_t meeting_id, const std::string& title,
                                                       std::int64_t owner_id, const std::string& region,
                                                       const std::vector<std::int64_t>& member_ids) {
  const std::string key = "meeting:" + std::to_string(meeting_id);
  std::string name = "Meeting: " + title;
  if (name.size() > 80) name = name.substr(0, 77) + "...";
  const UnixMillis now = clock_.now_ms();
  auto attempt = [&] {
    return storage::write_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
      auto existing = repo_.direct_conversation(s, key);
      if (!existing.ok()) return existing.error();
      if (*existing) return **existing;
      Conversation c;
      c.kind = ConversationKind::group;
      c.name = name;
      c.visibility = Visibility::private_;
      c.region = region;
      c.created_by = owner_id;
      c.created_at = now;
      auto id = repo_.insert_conversation(s, c, key);
      if (!id.ok()) return id.error();
      if (!*id) return make_error(ErrorCode::conflict, "raced with a concurrent request");
      MERIDIAN_TRY(repo_.add_member(s, **id, owner_id, MemberRole::owner, now));
      for (auto m : member_ids)
        if (m != owner_id) MERIDIAN_TRY(repo_.add_member(s, **id, m, MemberRole::member, now));
      return **id;
    });
  };
  auto r = attempt();
  if (!r.ok() && r.error().code == ErrorCode::conflict) r = attempt();  // created meanwhile: found now
  return r;
}

Result<std::optional<std::int64_t>> ChatService::find_meeting_conversation(std::int64_t meeting_id) {
  const std::string key = "meeting:" + std::to_string(meeting_id);
  return storage::read_value<std::optional<std::int64_t>>(
      db_, [&](storage::Session& s) { return repo_.direct_conversation(s, key); });
}

Result<std::int64_t> ChatService::meeting_chat_last_seq(std::int64_t meeting_id) {
  const std::string key = "meeting:" + std::to_string(meeting_id);
  return storage::read_value<std::int64_t>(db_, [&](storage::Session& s) -> Result<std::int64_t> {
    auto id = repo_.direct_conversation(s, key);
    if (!id.ok()) return id.error();
    if (!*id) return std::int64_t{0};
    auto c = repo_.conversation(s, **id);
    if (!c.ok()) return c.error();
    return *c ? (*c)->last_seq : std::int64_t{0};
  });
}

Result<void> ChatService::add_meeting_member(std::int64_t conversation_id, std::int64_t user_id) {
  MembershipChanged membership;
  auto added = db_.write([&](storage::Session& s) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(bool inserted,
                              repo_.add_member(s, conversation_id, user_id, MemberRole::member, clock_.now_ms()));
    if (!inserted) return {};
    membership = {conversation_id, {user_id}, {}, {}, 0};
    return fill_members(s, membership);
  });
  if (added.ok()) tell(membership);
  return added;
}

}  // namespace meridian::chat
