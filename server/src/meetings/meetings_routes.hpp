// REST routes and WebSocket message types (meet.*) of meetings. Handlers parse, call the
// service and deliver the room's events to the connections they are for.
#pragma once

#include "meetings/meetings_service.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::meetings {

void add_meetings_routes(net::Router& router, net::RealtimeHub& hub, MeetingsService& meetings);

}  // namespace meridian::meetings
