// REST and WebSocket handlers of support conversations (see support_service.hpp).
#pragma once

#include "chat/support_service.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::chat {

void add_support_routes(net::Router& router, net::RealtimeHub& hub, SupportService& support);

}  // namespace meridian::chat
