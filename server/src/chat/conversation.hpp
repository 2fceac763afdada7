// Conversations, their members and messages as the chat module stores and returns them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace meridian::chat {

enum class ConversationKind { direct, group, channel };
enum class Visibility { public_, private_ };
enum class MemberRole { owner, moderator, member, read_only };

const char* kind_name(ConversationKind kind);
bool parse_kind(std::string_view text, ConversationKind& out);
const char* visibility_name(Visibility v);
const char* member_role_name(MemberRole role);
bool parse_member_role(std::string_view text, MemberRole& out);

struct Conversation {
  std::int64_t id = 0;
  ConversationKind kind = ConversationKind::group;
  std::string name;
  std::string topic;
  Visibility visibility = Visibility::private_;
  std::string region;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  std::int64_t last_seq = 0;  // sequence number of the newest message
};

struct Member {
  std::int64_t user_id = 0;
  std::string display_name;
  MemberRole role = MemberRole::member;
  std::int64_t last_read_seq = 0;
};

// A conversation as one member sees it in their list.
struct ConversationView {
  Conversation conversation;
  MemberRole my_role = MemberRole::member;
  std::int64_t last_read_seq = 0;
  std::int64_t unread = 0;
  std::vector<Member> members;  // direct and group only: who is in it
};

struct Message {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;  // per conversation, gapless, assigned by the server
  std::int64_t author_id = 0;
  std::string author_name;
  std::string client_id;  // the sender's idempotency key
  std::string text;  // empty once deleted
  UnixMillis created_at = 0;
  std::int64_t change_seq = 0;  // seq of its latest change: its own seq until edited or deleted
  std::optional<UnixMillis> edited_at;
  std::optional<UnixMillis> deleted_at;  // a tombstone: the message was deleted
};

}  // namespace meridian::chat
