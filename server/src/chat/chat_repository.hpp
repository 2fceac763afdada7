// Chat's storage: conversations, members and messages as portable SQL over the Store
// port. Functions take the caller's Session so that checks and writes share a transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chat/conversation.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

struct PersonRef {
  std::int64_t id = 0;
  std::string kind;  // employee, agent, customer, guest
  std::string display_name;
  bool active = false;
};

class ChatRepository final {
 public:
  using S = storage::Session;

  Result<std::optional<Conversation>> conversation(S& s, std::int64_t id);
  Result<std::optional<std::int64_t>> direct_conversation(S& s, const std::string& direct_key);
  // nullopt when the direct pair already exists: a concurrent create got there first.
  Result<std::optional<std::int64_t>> insert_conversation(S& s, const Conversation& c,
                                                          const std::optional<std::string>& direct_key);
  Result<std::optional<Member>> membership(S& s, std::int64_t conversation_id, std::int64_t user_id);
  Result<std::vector<Member>> members(S& s, std::int64_t conversation_id);
  Result<bool> add_member(S& s, std::int64_t conversation_id, std::int64_t user_id, MemberRole role, UnixMillis now);
  Result<bool> remove_member(S& s, std::int64_t conversation_id, std::int64_t user_id);
  Result<std::vector<std::pair<Conversation, Member>>> conversations_of(S& s, std::int64_t user_id);
  // Messages by others after what the user has read, not counting deleted ones.
  Result<std::int64_t> unread(S& s, std::int64_t conversation_id, std::int64_t user_id, std::int64_t last_read_seq);
  Result<std::vector<Conversation>> public_channels(S& s, const std::string& text, int limit);
  Result<std::optional<PersonRef>> person(S& s, std::int64_t user_id);

  Result<std::optional<Message>> message_by_client_id(S& s, std::int64_t author_id, const std::string& client_id);
  // Reserves the next sequence number of the conversation (row-locked on PostgreSQL).
  Result<std::int64_t> next_seq(S& s, std::int64_t conversation_id);
  // nullopt when (author, client_id) already exists: a concurrent retry got there first.
  Result<std::optional<std::int64_t>> insert_message(S& s, const Message& m, const std::string& region);
  // When no owner is left but members are, the longest-standing member becomes owner.
  Result<void> ensure_owner(S& s, std::int64_t conversation_id);
  Result<std::vector<Message>> messages(S& s, std::int64_t conversation_id, std::optional<std::int64_t> before,
                                        std::optional<std::int64_t> after, int limit);
  Result<std::optional<Message>> message(S& s, std::int64_t conversation_id, std::int64_t message_id);
  // Keeps the current text as a version, then replaces it (edit) or clears it (delete).
  Result<void> record_version(S& s, const Message& current, UnixMillis now, std::int64_t by);
  Result<void> set_text(S& s, std::int64_t message_id, const std::string& text, std::int64_t change_seq,
                        UnixMillis now);
  Result<void> tombstone(S& s, std::int64_t message_id, std::int64_t change_seq, UnixMillis now);
  Result<std::int64_t> version_count(S& s, std::int64_t message_id);
  // Messages whose latest change is after `after`, oldest change first.
  Result<std::vector<Message>> changes(S& s, std::int64_t conversation_id, std::int64_t after, int limit);
  Result<void> set_last_read(S& s, std::int64_t conversation_id, std::int64_t user_id, std::int64_t seq);
};

}  // namespace meridian::chat
