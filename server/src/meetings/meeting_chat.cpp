// The in-meeting chat: the meeting's chat-module conversation, who writes as whom
// (guest passes get a guest account), what admitted peers read and post, and the list of
// admitted people chat is kept up to date with (RoomGuests).
#include "meetings/meetings_service.hpp"

#include <algorithm>

#include "core/random.hpp"

namespace meridian::meetings {

Result<std::int64_t> MeetingsService::stored_chat_seq(std::int64_t meeting_id) {
  if (!chat_) return std::int64_t{0};
  return chat_->meeting_chat_last_seq(meeting_id);
}

void MeetingsService::raise_chat_seq(std::int64_t meeting_id, std::int64_t seq) {
  std::lock_guard lock(mutex_);
  if (auto live = rooms_.find(meeting_id); live != rooms_.end())
    live->second.chat_seq = std::max(live->second.chat_seq, seq);
}

void MeetingsService::sync_room_guests(std::int64_t meeting_id) {
  if (!room_guests_) return;
  // Under the lock, so that two changes of one room reach chat in their order.
  std::lock_guard lock(mutex_);
  auto conversation = meeting_conversations_.find(meeting_id);
  if (conversation == meeting_conversations_.end()) return;
  std::vector<chat::RoomGuests::Guest> guests;
  if (auto live = rooms_.find(meeting_id); live != rooms_.end())
    for (const auto& p : live->second.room.admitted()) {
      std::int64_t account = p.user_id;
      if (p.user_id < 0) {  // a guest pass: the account it writes as, once made
        auto made = guest_accounts_.find(-p.user_id);
        if (made == guest_accounts_.end()) continue;
        account = made->second;
      }
      guests.push_back(chat::RoomGuests::Guest{account, p.display_name});
    }
  room_guests_->admitted(conversation->second, meeting_scope(meeting_id), std::move(guests));
}

Result<std::int64_t> MeetingsService::chat_conversation(std::int64_t meeting_id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = meeting_conversations_.find(meeting_id); it != meeting_conversations_.end()) return it->second;
  }
  auto m = load(meeting_id, true);
  if (!m.ok()) return m.error();
  auto host = identity_.user(m->host_id);
  if (!host.ok()) return host.error();
  // Lasting members: the host and the invited people of the organisation.
  std::vector<std::int64_t> members;
  for (const auto& i : m->invitees)
    if (!is_external(i.kind)) members.push_back(i.user_id);
  auto id = chat_->meeting_conversation(meeting_id, m->title, m->host_id, host->region, members);
  if (!id.ok()) return id.error();
  {
    std::lock_guard lock(mutex_);
    meeting_conversations_[meeting_id] = *id;
  }
  sync_room_guests(meeting_id);
  return *id;
}

Result<MeetingsService::ChatAuthor> MeetingsService::chat_author(const Peer& p, std::int64_t meeting_id) {
  ChatAuthor a;
  a.subject.roles = {Role::guest};
  a.subject.kind = UserKind::guest;
  if (p.role == MeetingRole::guest && p.user_id < 0) {
    const std::int64_t guest_id = -p.user_id;
    {
      std::lock_guard lock(mutex_);
      if (auto it = guest_accounts_.find(guest_id); it != guest_accounts_.end()) a.subject.user_id = it->second;
    }
    if (a.subject.user_id == 0) {
      auto stored = read_value<std::optional<std::int64_t>>(
          db_, [&](storage::Session& s) { return repo_.guest_user(s, guest_id); });
      if (!stored.ok()) return stored.error();
      if (*stored) {
        a.subject.user_id = **stored;
      } else {
        std::string country = p.rules_country.empty() ? "PT" : p.rules_country;
        std::string tz = "UTC";
        if (auto m = load(meeting_id, false); m.ok()) tz = m->time_zone;
        auto created = identity_.create_meeting_guest_account(
            "meeting-guest-" + std::to_string(guest_id) + "@guests.invalid", p.display_name, country, tz);
        if (!created.ok()) return created.error();
        MERIDIAN_TRY(db_.write([&](storage::Session& s) { return repo_.set_guest_user(s, guest_id, *created); }));
        auto again =  // a concurrent first message may have set another account first
            read_value<std::optional<std::int64_t>>(db_,
                                                    [&](storage::Session& s) { return repo_.guest_user(s, guest_id); });
        if (!again.ok()) return again.error();
        a.subject.user_id = again->value_or(*created);
      }
      {
        std::lock_guard lock(mutex_);
        guest_accounts_[guest_id] = a.subject.user_id;
      }
      sync_room_guests(meeting_id);
    }
    a.guest = true;
    a.subject.scope = meeting_scope(meeting_id);
    return a;
  }
  auto u = identity_.user(p.user_id);
  if (!u.ok()) return u.error();
  a.subject.user_id = u->id;
  a.subject.kind = u->kind;
  a.subject.roles = u->roles;
  a.subject.country = u->country;
  a.subject.region = u->region;
  a.member = !is_external(u->kind);
  if (!a.member) a.subject.scope = meeting_scope(meeting_id);  // reaches the conversation through the hook only
  return a;
}

namespace {
ChatMessage meeting_message(const chat::Message& m, std::int64_t meeting_id, bool guest) {
  ChatMessage out;
  out.id = m.id;
  out.meeting_id = meeting_id;
  out.conversation_id = m.conversation_id;
  out.seq = m.seq;
  out.author_id = m.author_id;
  out.author_name = m.author_name;
  out.guest = guest;
  out.client_id = m.client_id;
  out.text = m.text;
  out.created_at = m.created_at;
  return out;
}
}  // namespace

Result<MeetingsService::ChatSeat> MeetingsService::chat_seat(std::uint64_t peer_id, std::int64_t meeting_id) {
  ChatSeat seat;
  {
    std::lock_guard lock(mutex_);
    MERIDIAN_ASSIGN_OR_RETURN(auto live, room_of(peer_id, meeting_id));
    MERIDIAN_ASSIGN_OR_RETURN(seat.peer, live->room.chat_member(peer_id));
  }
  MERIDIAN_ASSIGN_OR_RETURN(seat.conversation_id, chat_conversation(meeting_id));
  MERIDIAN_ASSIGN_OR_RETURN(seat.author, chat_author(seat.peer, meeting_id));
  if (seat.author.member) MERIDIAN_TRY(chat_->add_meeting_member(seat.conversation_id, seat.author.subject.user_id));
  return seat;
}

Result<MeetingsService::ChatPosted> MeetingsService::post_chat(std::uint64_t peer_id, std::int64_t meeting_id,
                                                               std::string text, std::string client_id) {
  if (!chat_) return make_error(ErrorCode::unavailable, "chat is not available on this server");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return make_error(ErrorCode::invalid_argument, "a chat message needs text");
  if (text.size() > kMaxChatMessageBytes)
    return make_error(ErrorCode::invalid_argument,
                      "a chat message may have at most " + std::to_string(kMaxChatMessageBytes) + " bytes");
  MERIDIAN_ASSIGN_OR_RETURN(auto seat, chat_seat(peer_id, meeting_id));
  if (client_id.empty()) client_id = "meet-" + random_token(12);
  // Through the chat module: stored with a sequence number, searchable, under retention.
  auto posted = chat_->post(seat.author.subject, seat.conversation_id, std::move(text), std::move(client_id));
  if (!posted.ok()) return posted.error();
  if (!posted->duplicate) chat_->publish(*posted);  // the members' Chat app, live
  ChatPosted out;
  out.message = meeting_message(posted->message, meeting_id, seat.author.guest);
  out.duplicate = posted->duplicate;
  if (out.duplicate) return out;
  std::lock_guard lock(mutex_);
  auto live = rooms_.find(meeting_id);
  if (live == rooms_.end()) return out;
  live->second.chat_seq = std::max(live->second.chat_seq, out.message.seq);
  auto fx = live->second.room.chat(peer_id, chat_json(out.message));
  if (fx.ok()) out.effects = std::move(*fx);
  return out;
}

Result<std::vector<ChatMessage>> MeetingsService::chat_history(std::uint64_t peer_id, std::int64_t meeting_id,
                                                               int limit) {
  if (!chat_) return make_error(ErrorCode::unavailable, "chat is not available on this server");
  MERIDIAN_ASSIGN_OR_RETURN(auto seat, chat_seat(peer_id, meeting_id));
  // Guests and external people read only what was posted since they were admitted.
  const std::int64_t after_seq = seat.peer.external ? seat.peer.chat_seq_at_admission : 0;
  if (limit <= 0 || limit > chat::kMaxPage) limit = chat::kMaxPage;
  auto page = chat_->history(seat.author.subject, seat.conversation_id, std::nullopt, std::nullopt, limit);
  if (!page.ok()) return page.error();
  auto guests =
      read_value<std::vector<std::int64_t>>(db_, [&](storage::Session& s) { return repo_.guest_users(s, meeting_id); });
  if (!guests.ok()) return guests.error();
  std::vector<ChatMessage> out;
  for (const auto& m : page->items) {
    if (m.deleted_at || m.seq <= after_seq) continue;
    const bool guest = std::find(guests->begin(), guests->end(), m.author_id) != guests->end();
    out.push_back(meeting_message(m, meeting_id, guest));
  }
  return out;
}

Result<std::optional<std::int64_t>> MeetingsService::conversation_of(const Subject& who, std::int64_t meeting_id) {
  auto m = get(who, meeting_id);
  if (!m.ok()) return m.error();
  if (!chat_) return std::optional<std::int64_t>{};
  return chat_->find_meeting_conversation(meeting_id);
}

boost::json::object chat_json(const ChatMessage& m) {
  return boost::json::object{{"id", m.id},
                             {"conversation_id", m.conversation_id},
                             {"seq", m.seq},
                             {"author", boost::json::object{{"user_id", m.guest ? boost::json::value(nullptr)
                                                                                : boost::json::value(m.author_id)},
                                                            {"display_name", m.author_name},
                                                            {"guest", m.guest}}},
                             {"client_id", m.client_id},
                             {"text", m.text},
                             {"created_at", m.created_at}};
}

}  // namespace meridian::meetings
