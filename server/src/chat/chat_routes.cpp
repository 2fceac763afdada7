#include "chat/chat_routes.hpp"

#include "chat/chat_route_parts.hpp"

namespace meridian::chat {

void add_chat_routes(net::Router& router, net::RealtimeHub& hub, ChatService& chat, LiveChat& live) {
  add_conversation_routes(router, chat);
  add_member_routes(router, chat);
  add_message_routes(router, chat, live.fan_out());
  add_chat_socket_handlers(hub, chat, live.fan_out(), live.stream());
}

}  // namespace meridian::chat
