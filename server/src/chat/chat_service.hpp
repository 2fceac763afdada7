// Chat: conversations (direct, group, channel), membership and messages. Every read
// and write checks membership in the same transaction as the data it touches, so a
// user removed from a conversation gets nothing from it from that moment on.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include "chat/chat_repository.hpp"
#include "chat/conversation.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

inline constexpr std::size_t kMaxMessageBytes = 10'000;
inline constexpr int kMaxPage = 200;

struct NewConversation {
  ConversationKind kind = ConversationKind::group;
  std::string name;
  std::string topic;
  Visibility visibility = Visibility::private_;
  std::vector<std::int64_t> member_ids;  // besides the creator; direct: exactly one
};

struct Posted {
  Message message;
  bool duplicate = false;                // the client_id was seen before: nothing new stored
  std::vector<std::int64_t> recipients;  // members at the moment it was stored
  std::optional<Message> root;           // a thread reply: its root with the new count
  std::vector<Mentioned> mentioned;      // who the message mentions (not the author)
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

// A conversation's name, topic or settings, or one member's role / can_post changed:
// the members are told (WS conversation.updated).
struct ConversationChanged {
  std::int64_t change_seq = 0;  // its place in the conversation's change order
  Conversation conversation;
  std::string change;  // "details", "settings" or "member"
  std::optional<Member> member;
  std::vector<std::int64_t> recipients;
};

// Retention deleted these messages: the members drop them (WS messages.purged).
struct Purged {
  std::int64_t conversation_id = 0;
  std::int64_t change_seq = 0;  // taken by the retention batch that deleted them
  std::vector<std::int64_t> message_ids;
  std::vector<Message> roots;  // thread roots kept, with their new counts (the next change_seqs)
  std::vector<std::int64_t> recipients;
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

// A change in a conversation's order that is not a message's latest state: a retention
// purge, a name/topic/settings change (shown as the conversation's current state) or one
// member's role change.
struct StreamNotice {
  std::int64_t change_seq = 0;
  std::optional<Purge> purge;
  bool details = false;
  std::optional<Member> member;
};

// What changed in a conversation after a cursor, each thing once in its latest state.
// Merged by change_seq, `items` and `notices` give the change order.
struct ChangePage {
  Conversation conversation;  // its current state (what a details notice shows)
  std::vector<Message> items;
  std::vector<StreamNotice> notices;
  bool has_more = false;
  std::int64_t to = 0;  // the highest change_seq covered: the next cursor
};

class ChatService final {
 public:
  ChatService(storage::Database& db, const policy::Policy& policy, const Clock& clock)
      : db_(db), policy_(policy), clock_(clock) {}

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
  // Live notices outside the message order; chat's routes install them.
  void set_change_publisher(std::function<void(const ConversationChanged&)> f) { change_publisher_ = std::move(f); }
  void set_purge_publisher(std::function<void(const Purged&)> f) { purge_publisher_ = std::move(f); }
  // Retention removed these messages (after its transaction committed): tells the members.
  // `roots_updated` thread roots that stayed took the numbers after `change_seq`: they go
  // out with the purge (message.updated with their new reply counts).
  void purged(std::int64_t id, std::vector<std::int64_t> message_ids, std::int64_t change_seq,
              std::int64_t roots_updated = 0);

  // Who is connected now (for @here). Set once before serving; without it @here reaches nobody.
  void set_online_check(std::function<bool(std::int64_t)> online) { online_ = std::move(online); }

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

  // For the live event stream (no person asking): changes in (after, upto], the members
  // now, and the conversation's last sequence number.
  struct StreamFill : ChangePage {
    std::vector<std::int64_t> members;
    std::int64_t last_seq = 0;
  };
  Result<StreamFill> stream_fill(std::int64_t id, std::int64_t after, std::int64_t upto, int limit);
  // Called inside the write transaction each time a sequence number is taken (so the
  // event stream knows the first number taken after start).
  void set_seq_observer(std::function<void(std::int64_t conversation_id, std::int64_t seq)> f) {
    seq_observer_ = std::move(f);
  }

  // "Someone is typing": who should be told (the other members), or nothing when this
  // person already signalled within the throttle window. Not stored.
  struct TypingNotice {
    bool throttled = false;
    std::vector<std::int64_t> recipients;
  };
  Result<TypingNotice> typing(const Subject& who, std::int64_t id);
  static constexpr std::int64_t kTypingThrottleMs = 2'000;

  // Lets another part of the module let a non-member act in a conversation (support: the
  // agents of its team read it before claiming). Returns the member to act as, or nullopt.
  using AccessHook =
      std::function<Result<std::optional<Member>>(storage::Session&, const Conversation&, const Subject&)>;
  void set_access_hook(AccessHook hook) { access_hook_ = std::move(hook); }
  // The same for meetings' conversations (private groups): the meetings module lets the
  // people outside the organisation who are admitted to the live room read and post.
  void set_meeting_access_hook(AccessHook hook) { meeting_access_hook_ = std::move(hook); }

  // A meeting's conversation (chat/meeting_conversations.cpp): a private group named after
  // the meeting, created on first use with its owner (the host) and members; the same id
  // for the same meeting ever after. Members are added by the meetings module.
  Result<std::int64_t> meeting_conversation(std::int64_t meeting_id, const std::string& title, std::int64_t owner_id,
                                            const std::string& region, const std::vector<std::int64_t>& member_ids);
  Result<std::optional<std::int64_t>> find_meeting_conversation(std::int64_t meeting_id);
  Result<void> add_meeting_member(std::int64_t conversation_id, std::int64_t user_id);
  // The newest sequence number in a meeting's conversation (0 when it has none yet).
  Result<std::int64_t> meeting_chat_last_seq(std::int64_t meeting_id);
  // Called before a message is stored in a support conversation (inside the write
  // transaction): refuses posting in a closed one.
  using PostGuard = std::function<Result<void>(storage::Session&, const Conversation&)>;
  void set_post_guard(PostGuard guard) { post_guard_ = std::move(guard); }
  // Attachments: files decides which files may go with a message (inside the write
  // transaction) and removes those of a deleted message afterwards. Without the hook a
  // message with attachments is refused.
  using AttachHook = std::function<Result<std::vector<Attachment>>(storage::Session&, const Conversation&,
                                                                   const Subject&, const std::vector<std::int64_t>&)>;
  void set_attach_hook(AttachHook hook) { attach_hook_ = std::move(hook); }
  void set_release_listener(std::function<void(const std::vector<std::int64_t>& file_ids, std::int64_t by)> f) {
    release_listener_ = std::move(f);
  }
  // For the files of a conversation: its region and who the person is in it now
  // (member: nullopt when they may not read it). nullopt: no such conversation.
  struct Access {
    std::string region;
    std::optional<Member> member;
  };
  Result<std::optional<Access>> access(storage::Session& s, std::int64_t id, const Subject& who);

  // Live delivery of a message stored elsewhere in the module (the support opening
  // message): chat's routes install it so it goes through the same ordered stream.
  void set_publisher(std::function<void(const Posted&)> f) { publisher_ = std::move(f); }
  void publish(const Posted& posted) const {
    if (publisher_) publisher_(posted);
  }
  // For messages stored outside this service (inside their write transaction).
  void seq_taken(std::int64_t id, std::int64_t seq) const {
    if (seq_observer_) seq_observer_(id, seq);
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
  ChatRepository repo_;
  AccessHook access_hook_;
  AccessHook meeting_access_hook_;
  PostGuard post_guard_;
  AttachHook attach_hook_;
  std::function<void(const std::vector<std::int64_t>&, std::int64_t)> release_listener_;
  std::function<void(const Posted&)> publisher_;
  std::function<void(const ConversationChanged&)> change_publisher_;
  std::function<void(const Purged&)> purge_publisher_;
  Result<void> fill_recipients(storage::Session& s, ConversationChanged& changed);
  std::mutex typing_mutex_;
  std::map<std::pair<std::int64_t, std::int64_t>, UnixMillis> last_typing_;  // (user, conversation)
  std::function<bool(std::int64_t)> online_;
  std::function<void(std::int64_t, std::int64_t)> seq_observer_;
  Result<std::int64_t> next_seq(storage::Session& s, std::int64_t id);
  // Messages and notices changed in (after, upto], at most `limit`, in change order.
  Result<ChangePage> read_changes(storage::Session& s, const Conversation& c, std::int64_t after, std::int64_t upto,
                                  int limit);
};

}  // namespace meridian::chat
