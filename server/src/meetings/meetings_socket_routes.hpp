// The meet.* WebSocket message types of meetings (signalling, moderation, in-meeting chat,
// recording notices). Guests' scoped tokens are accepted; the service checks the scope.
#pragma once

#include "meetings/meetings_service.hpp"
#include "meetings/room_placement.hpp"
#include "net/realtime.hpp"

namespace meridian::meetings {

// Registers the meet.* types. A request for a room that runs on another node is forwarded
// there (room_placement.hpp); the answer runs requests forwarded to this node, for
// RoomPlacement::start.
RoomPlacement::Dispatch add_meetings_socket_routes(net::RealtimeHub& hub, MeetingsService& meetings,
                                                   RoomPlacement& placement);

}  // namespace meridian::meetings
