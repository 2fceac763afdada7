// REST and WebSocket handlers of support conversations (see support_service.hpp).
#pragma once

#include "chat/support_service.hpp"
#include "cluster/relay.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"

namespace meridian::chat {

// Support events reach agents and customers on every node through `hub` (a cluster::Relay).
void add_support_routes(net::Router& router, cluster::Relay& hub, SupportService& support);

}  // namespace meridian::chat
