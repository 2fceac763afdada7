// REST routes and WebSocket message types of chat. Handlers parse, call the service and
// answer; stored messages are fanned out to the members' live connections (LiveChat).
#pragma once

#include "chat/chat_service.hpp"
#include "chat/live_chat.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::chat {

void add_chat_routes(net::Router& router, net::RealtimeHub& hub, ChatService& chat, LiveChat& live);

}  // namespace meridian::chat
