// Chat: conversations (direct, group, channel), membership and messages. Every read
// and write checks membership in the same transaction as the data it touches, so a
// user removed from a conversation gets nothing from it from that moment on.
#pragma once

#include <cstdint>
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
  bool duplicate = false;                 // the client_id was seen before: nothing new stored
  std::vector<std::int64_t> recipients;   // members at the moment it was stored
};

struct HistoryPage {
  std::vector<Message> items;
  bool has_more = false;  // in the direction read
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
  Result<Posted> post(const Subject& who, std::int64_t id, std::string text, std::string client_id);
  Result<HistoryPage> history(const Subject& who, std::int64_t id, std::optional<std::int64_t> before,
                              std::optional<std::int64_t> after, int limit);
  Result<void> mark_read(const Subject& who, std::int64_t id, std::int64_t seq);

  // Edit (author only; the earlier text is kept as a version) and delete (author, owner
  // or moderator; leaves a tombstone). Each takes the conversation's next sequence number
  // as the message's change_seq, so clients catch up with changes().
  struct Changed {
    Message message;
    bool unchanged = false;  // same text, or already deleted: nothing stored, nothing to send
    std::vector<std::int64_t> recipients;
  };
  Result<Changed> edit(const Subject& who, std::int64_t id, std::int64_t message_id, std::string text);
  Result<Changed> remove(const Subject& who, std::int64_t id, std::int64_t message_id);
  // Messages (new, edited or deleted) whose latest change is after `after`, in change order:
  // what a client that was away must apply, each message once in its latest state.
  Result<HistoryPage> changes(const Subject& who, std::int64_t id, std::int64_t after, int limit);

  // "Someone is typing": who should be told (the other members), or nothing when this
  // person already signalled within the throttle window. Not stored.
  struct TypingNotice {
    bool throttled = false;
    std::vector<std::int64_t> recipients;
  };
  Result<TypingNotice> typing(const Subject& who, std::int64_t id);
  static constexpr std::int64_t kTypingThrottleMs = 2'000;

 private:
  Result<Changed> change_message(const Subject& who, std::int64_t id, std::int64_t message_id,
                                 const std::optional<std::string>& new_text);
  Result<Member> require_member(storage::Session& s, const Conversation& c, const Subject& who);
  Result<Conversation> load(storage::Session& s, std::int64_t id);
  Result<ConversationView> view(storage::Session& s, const Conversation& c, const Member& me);

  storage::Database& db_;
  const policy::Policy& policy_;
  const Clock& clock_;
  ChatRepository repo_;
  std::mutex typing_mutex_;
  std::map<std::pair<std::int64_t, std::int64_t>, UnixMillis> last_typing_;  // (user, conversation)
};

}  // namespace meridian::chat
