// The meet.* WebSocket message types of meetings (signalling, moderation, in-meeting chat,
// recording notices). Guests' scoped tokens are accepted; the service checks the scope.
#pragma once

#include "meetings/meetings_service.hpp"
#include "net/realtime.hpp"

namespace meridian::meetings {

void add_meetings_socket_routes(net::RealtimeHub& hub, MeetingsService& meetings);

// Sends each of the room's events to the connection it is for.
void deliver(net::RealtimeHub& hub, const Effects& fx);

}  // namespace meridian::meetings
