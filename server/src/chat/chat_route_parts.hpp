// The parts add_chat_routes is made of, one per area of the API (internal to chat).
// Each handler parses, calls the service, answers through net/route_kit.hpp and leaves
// what goes live to ChatFanOut.
#pragma once

#include "chat/chat_fan_out.hpp"
#include "chat/chat_service.hpp"
#include "chat/chat_stream.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::chat {

inline constexpr net::RouteOptions kSmallBody{net::Auth::required, 16 * 1024};
inline constexpr net::RouteOptions kMessageBody{net::Auth::required, 64 * 1024};

// Conversations: create, list, browse channels, read, rename, join, leave.
void add_conversation_routes(net::Router& router, ChatService& chat);
// Members (add, remove, list, role / can_post) and channel settings.
void add_member_routes(net::Router& router, ChatService& chat);
// Messages: post, history, edit, delete, changes, read marks, reactions, threads.
void add_message_routes(net::Router& router, ChatService& chat, ChatFanOut& fan_out);
// WebSocket: message.send, reaction.toggle, typing and sync (replay through `stream`).
void add_chat_socket_handlers(net::RealtimeHub& hub, ChatService& chat, ChatFanOut& fan_out, ChatStream& stream);

}  // namespace meridian::chat
