// REST routes and WebSocket types of alerts (docs/openapi.yaml tag alerts,
// docs/websocket.md "Alerts"). Events go to people's sockets on every node (relay).
#pragma once

#include "alerts/alerts_service.hpp"
#include "cluster/relay.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::alerts {

void add_alerts_routes(net::Router& router, net::RealtimeHub& hub, cluster::Relay& relay, AlertsService& alerts);

}  // namespace meridian::alerts
