// The alerts' WebSocket events as text frames (docs/websocket.md, "Alerts"), and the
// escalation sink that sends fired steps to people's sockets on every node.
#pragma once

#include <string>

#include "alerts/alerts_service.hpp"
#include "alerts/alert_scheduler.hpp"
#include "cluster/relay.hpp"

namespace meridian::alerts {

// {"type":"alert.new","id","priority","title","alert"}; "pending": true when pushed on
// connecting; "escalation": {"step","of"} when a step notifies.
std::string new_alert_event(const Alert& a, bool pending = false, const Escalated* step = nullptr);
// {"type":"alert.receipt","alert_id","kind","status","ack_count","receipt"}
std::string receipt_event(const ReceiptChange& change);
// {"type":"alert.updated","alert"}
std::string updated_event(const Alert& a);
// {"type":"alert.escalated","alert_id","step":{..},"alert":{..}} (the sender's tracking view)
std::string escalated_event(const Escalated& e);

// A send to people's sockets: alert.new to its recipients, or for a repeat alert.updated to
// its recipients and sender (which pages nobody).
void announce_sent(cluster::Relay& relay, const Sent& s);

// Notified recipients get alert.new with "escalation"; the sender gets alert.escalated. A
// scheduled send goes out as any send does (alert.new, or alert.updated for a repeat).
class RelaySchedulerSink final : public SchedulerSink {
 public:
  explicit RelaySchedulerSink(cluster::Relay& relay) : relay_(relay) {}
  void escalated(const Escalated& e) override;
  void sent(const Sent& s) override;
  void released(const Released& r) override;

 private:
  cluster::Relay& relay_;
};

}  // namespace meridian::alerts
