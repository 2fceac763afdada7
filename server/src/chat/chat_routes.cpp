#include "chat/chat_routes.hpp"

#include <memory>

#include "chat/chat_fan_out.hpp"
#include "chat/chat_route_parts.hpp"
#include "chat/chat_stream.hpp"
#include "chat/stream_bus.hpp"

namespace meridian::chat {
namespace {

// Chat's live delivery on this node: the ordered stream over storage and the hub, fed by
// the bus, and what each stored change sends.
struct LiveChat {
  LiveChat(net::RealtimeHub& hub, ChatService& chat, cluster::Relay& relay)
      : source(chat), sink(hub), stream(source, sink), bus(relay.bus(), stream), fan_out(relay, bus) {}

  ServiceStreamSource source;
  HubStreamSink sink;
  ChatStream stream;
  StreamBus bus;  // after `stream`: unsubscribes before the stream goes
  ChatFanOut fan_out;
};

}  // namespace

void add_chat_routes(net::Router& router, net::RealtimeHub& hub, ChatService& chat, cluster::Relay& relay) {
  chat.set_online_check([&hub](std::int64_t user_id) { return hub.user_connected(user_id); });
  // Lives as long as the handlers that use it: chat keeps it through the hooks below.
  auto live = std::make_shared<LiveChat>(hub, chat, relay);
  chat.set_seq_observer([live](std::int64_t id, std::int64_t seq) { live->stream.taken(id, seq); });
  chat.set_publisher([live](const Posted& posted) { live->fan_out.posted(posted); });
  chat.set_change_publisher([live](const ConversationChanged& c) { live->fan_out.conversation_changed(c); });
  chat.set_purge_publisher([live](const Purged& p) { live->fan_out.purged(p); });

  add_conversation_routes(router, chat);
  add_member_routes(router, chat);
  add_message_routes(router, chat, live->fan_out);
  add_chat_socket_handlers(hub, chat, live->fan_out, live->stream);
}

}  // namespace meridian::chat
