#include "alerts/alert_events.hpp"

#include <boost/json/object.hpp>

#include "alerts/alerts_json.hpp"
#include "core/json_fields.hpp"

namespace meridian::alerts {
namespace {

std::string event(std::string_view type, boost::json::object o) {
  o["type"] = type;
  return json::serialize(o);
}

}  // namespace

std::string new_alert_event(const Alert& a, bool pending, const Escalated* step) {
  boost::json::object o{
      {"id", a.id}, {"priority", priority_name(a.priority)}, {"title", a.title}, {"alert", alert_json(a)}};
  if (pending) o["pending"] = true;
  if (step) o["escalation"] = boost::json::object{{"step", step->step.step_no}, {"of", step->steps}};
  return event("alert.new", std::move(o));
}

std::string receipt_event(const ReceiptChange& change) {
  return event("alert.receipt", {{"alert_id", change.alert.id},
                                 {"kind", change.kind},
                                 {"status", status_name(change.alert.status)},
                                 {"ack_count", change.alert.ack_count},
                                 {"receipt", receipt_json(change.receipt)}});
}

std::string updated_event(const Alert& a) { return event("alert.updated", {{"alert", alert_json(a)}}); }

std::string escalated_event(const Escalated& e) {
  return event("alert.escalated",
               {{"alert_id", e.alert.id}, {"step", step_json(e.step)}, {"alert", alert_json(e.alert)}});
}

void RelaySchedulerSink::escalated(const Escalated& e) {
  if (!e.notified.empty()) relay_.send_to_users(e.notified, new_alert_event(e.alert, false, &e));
  if (e.alert.sender_id) relay_.send_to_user(*e.alert.sender_id, escalated_event(e));
}

void announce_sent(cluster::Relay& relay, const Sent& s) {
  if (s.deduplicated)
    relay.send_to_users(s.informed, updated_event(s.alert));
  else
    relay.send_to_users(s.recipients, new_alert_event(s.alert));
}

void RelaySchedulerSink::sent(const Sent& s) { announce_sent(relay_, s); }

void RelaySchedulerSink::released(const Released& r) { relay_.send_to_users(r.users, new_alert_event(r.alert)); }

}  // namespace meridian::alerts
