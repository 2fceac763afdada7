// The queue's changes, live (docs/websocket.md, "Remote support queue"): one WebSocket event
// per change of a request, sent through the relay (the bus) to every node's sockets of the
// staff who work the queue and of that request's one customer; no other customer hears it.
#pragma once

#include <string>

#include "cluster/relay.hpp"
#include "remote_support/remote_support_service.hpp"

namespace meridian::remote_support {

enum class QueueChange { created, taken, cancelled, expired, overdue };

// "remote_support.request_created" etc.
const char* queue_event_type(QueueChange change);
// {"type": "remote_support.request_<change>", "request": {...}}
std::string queue_event(QueueChange change, const SupportRequest& q, UnixMillis now);
// To the queue's staff and the request's customer (a failed audience read: the customer only).
void announce_queue_change(cluster::Relay& relay, RemoteSupportService& service, QueueChange change,
                           const SupportRequest& q);

}  // namespace meridian::remote_support
