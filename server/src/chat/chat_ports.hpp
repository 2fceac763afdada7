// What chat tells and asks the rest of the server. Each port is handed to ChatService
// when it is built (ChatPorts); a port left out means "nobody listens" or "nobody lets
// anyone in", which is what the unit tests use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chat/chat_repository.hpp"
#include "core/result.hpp"
#include "core/subject.hpp"
#include "platform/ports.hpp"
#include "storage/database.hpp"

namespace meridian::chat {

struct Posted {
  Message message;
  bool duplicate = false;                // the client_id was seen before: nothing new stored
  std::vector<std::int64_t> recipients;  // members at the moment it was stored
  std::optional<Message> root;           // a thread reply: its root with the new count
  std::vector<Mentioned> mentioned;      // who the message mentions (not the author)
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

// People came into or left a conversation (created with them, added, removed, joined, left,
// invited to its meeting): the added learn that it exists (WS conversation.added), the
// removed that it is gone for them (conversation.removed), the members that its member
// list changed (conversation.members). Beside the change order: a newcomer reads the
// conversation from storage anyway.
struct MembershipChanged {
  std::int64_t conversation_id = 0;
  std::vector<std::int64_t> added;
  std::vector<std::int64_t> removed;
  std::vector<std::int64_t> members;  // after the change
  std::int64_t by = 0;                // who changed it; 0 when it followed a meeting's invitations
};

// Live delivery of what chat stored (chat/live_chat.hpp on the server).
class ChatEvents {
 public:
  virtual ~ChatEvents() = default;
  // Inside the write transaction that took `seq`: the live stream learns where a
  // conversation's order begins on this node.
  virtual void seq_taken(std::int64_t conversation_id, std::int64_t seq) = 0;
  // After commit, each in the conversation's change order.
  virtual void posted(const Posted& posted) = 0;
  virtual void conversation_changed(const ConversationChanged& changed) = 0;
  virtual void purged(const Purged& purged) = 0;
  virtual void membership_changed(const MembershipChanged& changed) = 0;
};

// Files that go with messages (attachments/ connects it to the files module).
class AttachmentPort {
 public:
  virtual ~AttachmentPort() = default;
  // Inside the message's write transaction: the author's uploads that may go with it,
  // or why not.
  virtual Result<std::vector<Attachment>> attach(storage::Session& s, const Conversation& c, const Subject& author,
                                                 const std::vector<std::int64_t>& file_ids) = 0;
  // After a message was deleted (committed): its files go with it.
  virtual void released(const std::vector<std::int64_t>& file_ids, std::int64_t by) = 0;
};

struct ChatPorts {
  ChatEvents* events = nullptr;             // nothing sent live without it
  const platform::OnlineCheck* online = nullptr;  // @here reaches nobody without it
  AttachmentPort* attachments = nullptr;    // messages with attachments are refused without it
};

}  // namespace meridian::chat
