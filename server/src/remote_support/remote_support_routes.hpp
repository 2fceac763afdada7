// REST routes (/api/v1/remote-support/...) and WebSocket types (remote_support.*).
#pragma once

#include "cluster/relay.hpp"
#include "meetings/meetings_service.hpp"
#include "net/realtime.hpp"
#include "net/router.hpp"
#include "remote_support/remote_support_service.hpp"

namespace meridian::remote_support {

// The session's state to both sides' live connections (remote_support.state; each side
// sees what it may see), and to its agent's list (tell_agent).
void tell_session(net::RealtimeHub& hub, cluster::Relay& relay, RemoteSupportService& service, const RemoteSession& s);
// The session as its agent's list of sessions shows it (consent, paused, status), to every tab
// of the agent on every node: remote_support.session_updated.
void tell_agent(cluster::Relay& relay, RemoteSupportService& service, const RemoteSession& s);

// relay: the queue's changes and approval requests reach people's sockets on every node.
void add_remote_support_routes(net::Router& router, net::RealtimeHub& hub, cluster::Relay& relay,
                               RemoteSupportService& service);
// meetings: the ICE servers (TURN credentials, media region) a joining side gets.
void add_remote_support_socket_routes(net::RealtimeHub& hub, cluster::Relay& relay, RemoteSupportService& service,
                                      const meetings::MeetingsService& meetings);

}  // namespace meridian::remote_support
