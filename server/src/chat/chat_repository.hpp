// Chat's storage: conversations, members and messages as portable SQL over the Store
// port. Functions take the caller's Session so that checks and writes share a transaction.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
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
  std::string country;
  std::string region;
};

struct Mentioned {
  std::int64_t user_id = 0;
  std::string kind;  // user, channel, here
};

enum class FollowMode { unless_unfollowed, follow, unfollow };

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
  // The new member starts having read everything so far, or, with `unread_so_far`, nothing
  // (someone handed a support conversation they have not seen).
  Result<bool> add_member(S& s, std::int64_t conversation_id, std::int64_t user_id, MemberRole role, UnixMillis now,
                          bool unread_so_far = false);
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
  // The main timeline (thread_root_id absent) or one thread's replies.
  Result<std::vector<Message>> messages(S& s, std::int64_t conversation_id, std::optional<std::int64_t> before,
                                        std::optional<std::int64_t> after, int limit,
                                        std::optional<std::int64_t> thread_root_id = std::nullopt);
  Result<std::optional<Message>> message(S& s, std::int64_t conversation_id, std::int64_t message_id);
  // Keeps the current text as a version, then replaces it (edit) or clears it (delete).
  Result<void> record_version(S& s, const Message& current, UnixMillis now, std::int64_t by);
  Result<void> set_text(S& s, std::int64_t message_id, const std::string& text, std::int64_t change_seq,
                        UnixMillis now);
  Result<void> tombstone(S& s, std::int64_t message_id, std::int64_t change_seq, UnixMillis now);
  Result<std::int64_t> version_count(S& s, std::int64_t message_id);
  // Messages whose latest change is after `after`, oldest change first.
  Result<std::vector<Message>> changes(S& s, std::int64_t conversation_id, std::int64_t after, int limit,
                                       std::int64_t upto = std::numeric_limits<std::int64_t>::max());
  // true when it moved forward.
  Result<bool> set_last_read(S& s, std::int64_t conversation_id, std::int64_t user_id, std::int64_t seq);

  Result<void> insert_attachments(S& s, const Message& m, const std::vector<Attachment>& files, UnixMillis now);
  // The message went: its files are released (removed by files next). Returns their ids.
  Result<std::vector<std::int64_t>> release_attachments(S& s, std::int64_t message_id);
  // Fills reactions, attachments and thread participants of the given messages.
  Result<void> decorate(S& s, std::vector<Message>& messages);
  // true when something changed.
  Result<bool> set_reaction(S& s, std::int64_t message_id, std::int64_t user_id, const std::string& emoji, bool on,
                            UnixMillis now);
  Result<bool> has_reaction(S& s, std::int64_t message_id, std::int64_t user_id, const std::string& emoji);
  // Distinct emoji on the message other than this one.
  Result<std::int64_t> other_emoji(S& s, std::int64_t message_id, const std::string& emoji);
  Result<void> set_change_seq(S& s, std::int64_t message_id, std::int64_t change_seq);
  Result<void> count_reply(S& s, std::int64_t root_id, std::int64_t change_seq, UnixMillis now);
  Result<void> follow(S& s, std::int64_t root_id, std::int64_t user_id, FollowMode mode, std::int64_t last_read_seq);
  // (following, last_read_seq), nullopt when never followed.
  Result<std::optional<std::pair<bool, std::int64_t>>> follower(S& s, std::int64_t root_id, std::int64_t user_id);
  Result<void> set_thread_read(S& s, std::int64_t root_id, std::int64_t user_id, std::int64_t seq);
  Result<std::int64_t> thread_unread(S& s, std::int64_t conversation_id, std::int64_t user_id);
  Result<void> replace_mentions(S& s, const Message& m, const std::vector<Mentioned>& mentioned);
  Result<std::vector<std::int64_t>> mentioned_users(S& s, std::int64_t message_id);
  Result<std::int64_t> mention_count(S& s, std::int64_t conversation_id, std::int64_t user_id,
                                     std::int64_t last_read_seq);
  // These three stamp the change with its place in the conversation's change order.
  Result<void> update_settings(S& s, std::int64_t conversation_id, const ChannelSettings& settings,
                               std::int64_t change_seq);
  Result<void> update_details(S& s, std::int64_t conversation_id, const std::string& name, const std::string& topic,
                              std::int64_t change_seq);
  Result<void> set_member(S& s, std::int64_t conversation_id, std::int64_t user_id, MemberRole role, bool can_post,
                          std::int64_t change_seq);
  // Retention purges and member role changes in (after, upto], oldest change first.
  Result<std::vector<Purge>> purges(S& s, std::int64_t conversation_id, std::int64_t after, std::int64_t upto,
                                    int limit);
  Result<std::vector<Member>> member_changes(S& s, std::int64_t conversation_id, std::int64_t after, std::int64_t upto,
                                             int limit);
  Result<std::int64_t> owner_count(S& s, std::int64_t conversation_id);
};

}  // namespace meridian::chat
