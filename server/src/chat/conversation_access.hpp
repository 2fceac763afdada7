// Who may act in a conversation, and as whom. Members act as themselves. Two kinds of
// people act without being members, and this is the one place that says so:
//  - the agents of a support conversation's team (and admins) read it before they claim
//    it (an observer: read-only);
//  - people outside the organisation admitted to a meeting's live room read and post in
//    the meeting's conversation, and only through the meetings module's calls (their
//    Subject carries that meeting's scope). The meetings module keeps RoomGuests current.
// Chat, the files of a conversation and the live stream all ask here, so they agree.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/chat_repository.hpp"
#include "chat/conversation.hpp"
#include "chat/support_repository.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "platform/feature_gate.hpp"
#include "policy/policy.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

// The people admitted right now to a live room whose conversation this is.
class RoomGuests {
 public:
  struct Guest {
    std::int64_t user_id = 0;  // the account they write as
    std::string display_name;
  };
  // Replaces who is admitted to the room of `conversation_id`; they act with `scope`.
  void admitted(std::int64_t conversation_id, std::string scope, std::vector<Guest> guests);
  void closed(std::int64_t conversation_id);
  // The member `who` acts as, when admitted with the room's scope.
  std::optional<Member> member(std::int64_t conversation_id, const Subject& who) const;

 private:
  struct Room {
    std::string scope;
    std::vector<Guest> guests;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, Room> rooms_;
};

class ConversationAccess final {
 public:
  // features: the per-country toggles (chat.support); null: support chat everywhere.
  explicit ConversationAccess(const policy::Policy& policy, platform::FeatureGate* features = nullptr)
      : policy_(policy), features_(features) {}
  ConversationAccess(const ConversationAccess&) = delete;
  ConversationAccess& operator=(const ConversationAccess&) = delete;

  // The member `who` acts as. Non-members learn nothing about private conversations
  // (not_found); a public channel says how to get in (forbidden).
  Result<Member> require_member(storage::Session& s, const Conversation& c, const Subject& who) const;

  // For the files of a conversation: its region and who the person is in it now
  // (member: nullopt when they may not read it). nullopt: no such conversation.
  struct Access {
    std::string region;
    std::optional<Member> member;
  };
  Result<std::optional<Access>> access(storage::Session& s, std::int64_t conversation_id, const Subject& who) const;

  // Changes to a support conversation wait until it is reopened once it is closed.
  Result<void> require_open(storage::Session& s, const Conversation& c) const;
  // A customer in a country where chat.support is off neither opens nor writes in a support
  // conversation (the agents answering them are not refused: the toggle is about customers).
  Result<void> require_support_chat(const Subject& who) const;

  // Agents of the team (and admins) work on its support conversations.
  Result<bool> may_work_on(storage::Session& s, const Subject& who, std::int64_t team_id) const;

  RoomGuests& room_guests() { return room_guests_; }

 private:
  Result<std::optional<Member>> support_observer(storage::Session& s, const Conversation& c,
                                                 const Subject& who) const;

  const policy::Policy& policy_;
  platform::FeatureGate* features_;
  mutable ChatRepository repo_;
  mutable SupportRepository support_;
  RoomGuests room_guests_;
};

}  // namespace meridian::chat
