// The WebSocket and REST surface of presence, and its hooks into the realtime hub:
// a connection opening or closing changes its user's presence.
#pragma once

#include "net/realtime.hpp"
#include "net/router.hpp"
#include "presence/presence_service.hpp"

namespace meridian::presence {

void add_presence_routes(net::Router& router, net::RealtimeHub& hub, PresenceService& presence);

}  // namespace meridian::presence
