// Reading a conversation's changes in their order: what a reconnecting client replays
// and what the live stream fills its holes with. Reads only; stateless besides its
// collaborators, so chat's service and its live stream each hold one.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "chat/chat_repository.hpp"
#include "chat/conversation.hpp"
#include "chat/conversation_access.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

inline constexpr int kMaxPage = 200;  // the most items one page of history or changes holds

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

// The live event stream's fill (no person asking): the changes, the members now and the
// conversation's last sequence number.
struct StreamFill : ChangePage {
  std::vector<std::int64_t> members;
  std::int64_t last_seq = 0;
};

class ChangeReader final {
 public:
  ChangeReader(storage::Database& db, const ConversationAccess& access) : db_(db), access_(access) {}

  // Messages (new, edited or deleted) and notices whose latest change is in (after, upto],
  // in change order, as `who` may see them.
  Result<ChangePage> changes(const Subject& who, std::int64_t conversation_id, std::int64_t after, int limit,
                             std::int64_t upto = std::numeric_limits<std::int64_t>::max());
  // The same with no person asking, for the live stream.
  Result<StreamFill> stream_fill(std::int64_t conversation_id, std::int64_t after, std::int64_t upto, int limit);

 private:
  Result<ChangePage> read(storage::Session& s, const Conversation& c, std::int64_t after, std::int64_t upto,
                          int limit);

  storage::Database& db_;
  const ConversationAccess& access_;
  ChatRepository repo_;
};

}  // namespace meridian::chat
