// Conversations, their members and messages as the chat module stores and returns them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace meridian::chat {

enum class ConversationKind { direct, group, channel, support };
enum class Visibility { public_, private_ };
enum class MemberRole { owner, moderator, member, read_only };

const char* kind_name(ConversationKind kind);
bool parse_kind(std::string_view text, ConversationKind& out);
const char* visibility_name(Visibility v);
const char* member_role_name(MemberRole role);
bool parse_member_role(std::string_view text, MemberRole& out);

// Who may use @channel and @here in a channel.
enum class BroadcastMentions { everyone, moderators, nobody };
const char* broadcast_mentions_name(BroadcastMentions b);
bool parse_broadcast_mentions(std::string_view text, BroadcastMentions& out);

// Per-channel settings (groups and direct conversations keep the defaults).
struct ChannelSettings {
  bool announcement = false;  // only owners, moderators and chosen posters post to the main timeline
  BroadcastMentions broadcast_mentions = BroadcastMentions::everyone;
  std::vector<std::string> allowed_countries;  // empty and no regions: anyone may join
  std::vector<std::string> allowed_regions;
  // Whether a person from `country`/`region` may join or be invited.
  bool admits(const std::string& country, const std::string& region) const;
  bool operator==(const ChannelSettings&) const = default;
};

struct Conversation {
  std::int64_t id = 0;
  ConversationKind kind = ConversationKind::group;
  std::string name;
  std::string topic;
  Visibility visibility = Visibility::private_;
  std::string region;
  std::int64_t created_by = 0;
  UnixMillis created_at = 0;
  std::int64_t last_seq = 0;     // sequence number of the newest message or change
  std::int64_t details_seq = 0;  // the change_seq of the latest name, topic or settings change
  // The chat of a meeting (chat/meeting_conversations.cpp): named after the meeting, its
  // members follow the meeting's invitations and who took part, not Chat's member controls.
  bool meeting = false;
  ChannelSettings settings;
};

struct Member {
  std::int64_t user_id = 0;
  std::string display_name;
  MemberRole role = MemberRole::member;
  std::int64_t last_read_seq = 0;
  std::string handle;           // for @mentions: the lower-cased local part of the email
  bool can_post = false;        // a chosen poster in announcement mode
  std::int64_t change_seq = 0;  // of the latest role or can_post change
  bool guest = false;           // someone from outside, invited to this conversation
  // Not a member: reads through ConversationAccess (a support agent before claiming). Reads
  // and per-person markers only; every write (post, react, edit, delete, follow) is refused.
  bool observer = false;
};

// Retention deleted these messages (chat_purges): a place in the change order of its own.
struct Purge {
  std::int64_t change_seq = 0;
  std::vector<std::int64_t> message_ids;
};

// A conversation as one member sees it in their list.
struct ConversationView {
  Conversation conversation;
  MemberRole my_role = MemberRole::member;
  std::int64_t last_read_seq = 0;
  std::int64_t unread = 0;         // main-timeline messages by others after last_read_seq
  std::int64_t mentions = 0;       // messages after last_read_seq that mention me
  std::int64_t thread_unread = 0;  // replies by others in threads I follow, not yet read
  std::vector<Member> members;     // direct and group only: who is in it
  bool my_can_post = false;        // a chosen poster in announcement mode
  bool observer = false;           // reads only until claimed (support agents)
};

struct Reaction {
  std::string emoji;
  std::vector<std::int64_t> user_ids;  // who reacted, first first
};

// A file attached to a message; it lives in the conversation's file space.
struct Attachment {
  std::int64_t file_id = 0;
  std::string name;
  std::int64_t size = 0;
  std::string content_type;
};

struct Message {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  std::int64_t seq = 0;  // per conversation, gapless, assigned by the server
  std::int64_t author_id = 0;
  std::string author_name;
  std::string client_id;  // the sender's idempotency key
  std::string text;       // empty once deleted
  UnixMillis created_at = 0;
  std::int64_t change_seq = 0;  // seq of its latest change: its own seq until edited or deleted
  std::optional<UnixMillis> edited_at;
  std::optional<UnixMillis> deleted_at;        // a tombstone: the message was deleted
  std::optional<std::int64_t> thread_root_id;  // a thread reply: the root message's id
  std::int64_t reply_count = 0;                // a root: replies in its thread
  std::optional<UnixMillis> last_reply_at;
  std::vector<std::int64_t> participants;  // a root: reply authors, first reply first
  std::vector<Reaction> reactions;         // in order of each emoji's first use
  std::vector<Attachment> attachments;     // none once deleted
};

}  // namespace meridian::chat
