// Chat: conversations (direct, group, channel), membership and messages. Every read
// and write checks membership in the same transaction as the data it touches, so a
// user removed from a conversation gets nothing from it from that moment on.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "chat/change_reader.hpp"
#include "chat/chat_ports.hpp"
#include "chat/chat_repository.hpp"
#include "chat/conversation_access.hpp"
#include "chat/conversation.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

inline constexpr std::size_t kMaxMessageBytes = 10'000;

struct NewConversation {
  ConversationKind kind = ConversationKind::group;
  std::string name;
  std::string topic;
  Visibility visibility = Visibility::private_;
  std::vector<std::int64_t> member_ids;  // besides the creator; direct: exactly one
};

struct Reacted {
  Message message;  // with all its reactions
  bool changed = false;
  bool on = false;  // the reaction is now there
  std::string emoji;
  std::vector<std::int64_t> recipients;
};

struct ThreadPage {
  Message root;
  std::vector<Message> items;  // replies, oldest first
  bool has_more = false;
  bool following = false;
};

struct ReadReceipt {
  bool changed = false;
  std::int64_t last_read_seq = 0;
  std::vector<std::int64_t> notify;  // direct and support conversations: the others ("seen")
};

struct SettingsPatch {
  std::optional<bool> announcement;
  std::optional<BroadcastMentions> broadcast_mentions;
  std::optional<std::vector<std::string>> allowed_countries;
  std::optional<std::vector<std::string>> allowed_regions;
};

struct MemberPatch {
  std::optional<MemberRole> role;
  std::optional<bool> can_post;
};

struct DetailsPatch {
  std::optional<std::string> name;
  std::optional<std::string> topic;
};

struct MemberList {
  ConversationKind kind = ConversationKind::group;
  std::vector<Member> items;
};

inline constexpr std::size_t kMaxEmojiPerMessage = 50;

struct HistoryPage {
  std::vector<Message> items;
  bool has_more = false;  // in the direction read
};

class ChatService final {
 public:
  // `access` decides who acts in a conversation; `ports` say who hears of changes and
  // who answers for presence and files (chat/chat_ports.hpp).
  ChatService(storage::Database& db, const policy::Policy& policy, const Clock& clock, const ConversationAccess& access,
              ChatPorts ports = {})
      : db_(db), policy_(policy), clock_(clock), access_(access), ports_(ports), reader_(db, access) {}

  Result<ConversationView> create_conversation(const Subject& who, NewConversation input);
  Result<std::vector<ConversationView>> conversations(const Subject& who);
  Result<ConversationView> conversation(const Subject& who, std::int64_t id);
  Result<std::vector<Conversation>> browse_channels(const Subject& who, const std::string& text);
  Result<ConversationView> join(const Subject& who, std::int64_t id);
  Result<void> leave(const Subject& who, std::int64_t id);
  Result<void> add_member(const Subject& who, std::int64_t id, std::int64_t user_id);
  Result<void> remove_member(const Subject& who, std::int64_t id, std::int64_t user_id);

  // Stores the message durably and returns it with its sequence number. Sending again
  // with the same client_id returns the stored message instead of a second copy.
  // thread_root_id: a reply in that root message's thread.
  // attachments: ids of files the author uploaded into the conversation's space (then
  // the text may be empty).
  Result<Posted> post(const Subject& who, std::int64_t id, std::string text, std::string client_id,
                      std::optional<std::int64_t> thread_root_id = std::nullopt,
                      const std::vector<std::int64_t>& attachments = {});
  Result<HistoryPage> history(const Subject& who, std::int64_t id, std::optional<std::int64_t> before,
                              std::optional<std::int64_t> after, int limit);
  Result<ReadReceipt> mark_read(const Subject& who, std::int64_t id, std::int64_t seq);

  // Reactions: on = nullopt toggles; true/false sets (a retry is harmless). Any member,
  // read_only included, may react; not on a deleted message. A support agent who has not
  // claimed the conversation is no member (Member::observer) and may not.
  Result<Reacted> react(const Subject& who, std::int64_t id, std::int64_t message_id, const std::string& emoji,
                        std::optional<bool> on);
  // A thread: the root and a page of its replies (after/before a seq, like history).
  Result<ThreadPage> thread(const Subject& who, std::int64_t id, std::int64_t root_id,
                            std::optional<std::int64_t> before, std::optional<std::int64_t> after, int limit);
  Result<void> follow_thread(const Subject& who, std::int64_t id, std::int64_t root_id, bool follow);
  Result<void> mark_thread_read(const Subject& who, std::int64_t id, std::int64_t root_id, std::int64_t seq);

  Result<ChannelSettings> settings(const Subject& who, std::int64_t id);
  Result<ChannelSettings> update_settings(const Subject& who, std::int64_t id, const SettingsPatch& patch);
  Result<MemberList> members(const Subject& who, std::int64_t id);
  // Role: owners only. can_post (announcement mode): owners and moderators.
  Result<Member> update_member(const Subject& who, std::int64_t id, std::int64_t user_id, const MemberPatch& patch);

  // Name and topic of a group or channel: owners and moderators.
  Result<ConversationView> update_details(const Subject& who, std::int64_t id, DetailsPatch patch);
  // Retention removed these messages (after its transaction committed): tells the members.
  // `roots_updated` thread roots that stayed took the numbers after `change_seq`: they go
  // out with the purge (message.updated with their new reply counts).
  void purged(std::int64_t id, std::vector<std::int64_t> message_ids, std::int64_t change_seq,
              std::int64_t roots_updated = 0);

  // Edit (author only; the earlier text is kept as a version) and delete (author, owner
  // or moderator; leaves a tombstone). Each takes the conversation's next sequence number
  // as the message's change_seq, so clients catch up with changes().
  struct Changed {
    Message message;
    bool unchanged = false;  // same text, or already deleted: nothing stored, nothing to send
    std::vector<std::int64_t> recipients;
    std::vector<Mentioned> newly_mentioned;    // an edit that adds mentions notifies those people
    std::vector<std::int64_t> released_files;  // a delete: the message's attachments
  };
  Result<Changed> edit(const Subject& who, std::int64_t id, std::int64_t message_id, std::string text);
  Result<Changed> remove(const Subject& who, std::int64_t id, std::int64_t message_id);
  // Messages (new, edited or deleted) whose latest change is after `after`, in change order:
  // what a client that was away must apply, each message once in its latest state.
  Result<ChangePage> changes(const Subject& who, std::int64_t id, std::int64_t after, int limit,
                             std::int64_t upto = std::numeric_limits<std::int64_t>::max());

  // "Someone is typing": who should be told (the other members), or nothing when this
  // person already signalled within the throttle window. Not stored.
  struct TypingNotice {
    bool throttled = false;
    std::vector<std::int64_t> recipients;
  };
  Result<TypingNotice> typing(const Subject& who, std::int64_t id);
  static constexpr std::int64_t kTypingThrottleMs = 2'000;

  // A meeting's conversation (chat/meeting_conversations.cpp): a private group named after
  // the meeting, created on first use with its owner (the host) and members; the same id
  // for the same meeting ever after. Members are added by the meetings module.
  Result<std::int64_t> meeting_conversation(std::int64_t meeting_id, const std::string& title, std::int64_t owner_id,
                                            const std::string& region, const std::vector<std::int64_t>& member_ids);
  Result<std::optional<std::int64_t>> find_meeting_conversation(std::int64_t meeting_id);
  Result<void> add_meeting_member(std::int64_t conversation_id, std::int64_t user_id);
  // The newest sequence number in a meeting's conversation (0 when it has none yet).
  Result<std::int64_t> meeting_chat_last_seq(std::int64_t meeting_id);

  // Live delivery of a message stored through this service by another module (the
  // meeting's chat), through the same ordered stream as the chat routes' own.
  void publish(const Posted& posted) const {
    if (ports_.events) ports_.events->posted(posted);
  }

 private:
  Result<Changed> change_message(const Subject& who, std::int64_t id, std::int64_t message_id,
                                 const std::optional<std::string>& new_text);
  Result<Member> require_member(storage::Session& s, const Conversation& c, const Subject& who);
  Result<Conversation> load(storage::Session& s, std::int64_t id);
  Result<ConversationView> view(storage::Session& s, const Conversation& c, const Member& me);
  Result<std::vector<Mentioned>> resolve_mentions(const Conversation& c, const Member& me, const std::string& text,
                                                  const std::vector<Member>& members);
  Result<Message> decorated(storage::Session& s, std::int64_t id, std::int64_t message_id);

  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  const ConversationAccess& access_;
  ChatPorts ports_;
  ChangeReader reader_;
  ChatRepository repo_;
  Result<void> fill_recipients(storage::Session& s, ConversationChanged& changed);
  // After commit: who came and went (nothing when nobody did).
  void tell(const MembershipChanged& changed);
  // Inside the write: the members as they are now, into `changed`.
  Result<void> fill_members(storage::Session& s, MembershipChanged& changed);
  std::mutex typing_mutex_;
  std::map<std::pair<std::int64_t, std::int64_t>, UnixMillis> last_typing_;  // (user, conversation)
  Result<std::int64_t> next_seq(storage::Session& s, std::int64_t id);
};

}  // namespace meridian::chat
