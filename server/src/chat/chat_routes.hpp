// REST routes and WebSocket message types of chat. Handlers parse, call the service and
// answer; stored messages are fanned out to the members' live connections.
#pragma once

#include "chat/chat_service.hpp"
#include "cluster/relay.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::chat {

// Live events go out through `relay` (its bus): every node delivers to its own sockets.
void add_chat_routes(net::Router& router, net::RealtimeHub& hub, ChatService& chat, cluster::Relay& relay);

}  // namespace meridian::chat
