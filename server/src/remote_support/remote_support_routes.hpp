// REST routes (/api/v1/remote-support/...) and WebSocket types (remote_support.*).
#pragma once

#include "meetings/meetings_service.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"
#include "remote_support/remote_support_service.hpp"

namespace meridian::remote_support {

void add_remote_support_routes(net::Router& router, net::RealtimeHub& hub, RemoteSupportService& service);
// meetings: the ICE servers (TURN credentials, media region) a joining side gets.
void add_remote_support_socket_routes(net::RealtimeHub& hub, RemoteSupportService& service,
                                      const meetings::MeetingsService& meetings);

}  // namespace meridian::remote_support
