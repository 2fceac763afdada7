// REST routes and WebSocket message types (meet.*) of meetings. Handlers parse, call the
// service and deliver the room's events to the connections they are for.
#pragma once

#include "meetings/meetings_service.hpp"
#include "meetings/room_placement.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::meetings {

// webhooks may be null (no delivery log route then answers an empty list). Answers what
// runs the meet.* requests other nodes forward here (add_meetings_socket_routes).
RoomPlacement::Dispatch add_meetings_routes(net::Router& router, net::RealtimeHub& hub, MeetingsService& meetings,
                                            const policy::Policy& policy, WebhookDispatcher* webhooks,
                                            RoomPlacement& placement);

}  // namespace meridian::meetings
