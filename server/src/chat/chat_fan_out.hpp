// What goes live when chat stores a change: its events in the conversation's change order
// (through the bus to every node's ChatStream) and the notices beside that order (mentions,
// "seen", typing), sent to people wherever they are connected.
#pragma once

#include <cstdint>

#include "chat/chat_service.hpp"
#include "chat/stream_bus.hpp"
#include "cluster/relay.hpp"

namespace meridian::chat {

class ChatFanOut final {
 public:
  ChatFanOut(cluster::Relay& relay, StreamBus& stream) : relay_(relay), stream_(stream) {}

  // message.new (and the thread root's message.updated); mention notices. A duplicate
  // sends nothing: the first delivery already went out.
  void posted(const Posted& posted);
  // Edit and delete: message.updated; mention notices for the newly mentioned.
  void changed(const ChatService::Changed& changed);
  void reacted(const Reacted& reacted);
  // Conversation changes and retention purges have their place in the change order too.
  void conversation_changed(const ConversationChanged& changed);
  void purged(const Purged& purged);

  // Not part of the change order: never replayed.
  void membership_changed(const MembershipChanged& changed);
  void read_updated(std::int64_t conversation_id, std::int64_t user_id, const ReadReceipt& receipt);
  void typing(std::int64_t conversation_id, std::int64_t user_id, const ChatService::TypingNotice& notice);

 private:
  cluster::Relay& relay_;
  StreamBus& stream_;
};

}  // namespace meridian::chat
