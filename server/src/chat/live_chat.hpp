// Chat's live delivery on this node: the ordered stream over storage and the hub, fed by
// the bus, and what each stored change sends. It is the ChatEvents the service reports to.
#pragma once

#include "chat/change_reader.hpp"
#include "chat/chat_fan_out.hpp"
#include "chat/chat_ports.hpp"
#include "chat/chat_stream.hpp"
#include "chat/stream_bus.hpp"
#include "cluster/relay.hpp"
#include "net/realtime.hpp"

namespace meridian::chat {

class LiveChat final : public ChatEvents {
 public:
  LiveChat(storage::Database& db, const ConversationAccess& access, net::RealtimeHub& hub, cluster::Relay& relay)
      : reader_(db, access), source_(reader_), sink_(hub), stream_(source_, sink_), bus_(relay.bus(), stream_),
        fan_out_(relay, bus_) {}
  LiveChat(const LiveChat&) = delete;
  LiveChat& operator=(const LiveChat&) = delete;

  void seq_taken(std::int64_t conversation_id, std::int64_t seq) override { stream_.taken(conversation_id, seq); }
  void posted(const Posted& posted) override { fan_out_.posted(posted); }
  void conversation_changed(const ConversationChanged& changed) override { fan_out_.conversation_changed(changed); }
  void purged(const Purged& purged) override { fan_out_.purged(purged); }
  void membership_changed(const MembershipChanged& changed) override { fan_out_.membership_changed(changed); }

  ChatFanOut& fan_out() { return fan_out_; }
  ChatStream& stream() { return stream_; }

 private:
  ChangeReader reader_;
  StoreStreamSource source_;
  HubStreamSink sink_;
  ChatStream stream_;
  StreamBus bus_;  // after `stream_`: unsubscribes before the stream goes
  ChatFanOut fan_out_;
};

}  // namespace meridian::chat
