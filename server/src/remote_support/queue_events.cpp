#include "remote_support/queue_events.hpp"

#include <algorithm>
#include <vector>

#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "remote_support/remote_support_json.hpp"

namespace meridian::remote_support {

const char* queue_event_type(QueueChange change) {
  switch (change) {
    case QueueChange::created:
      return "remote_support.request_created";
    case QueueChange::taken:
      return "remote_support.request_taken";
    case QueueChange::cancelled:
      return "remote_support.request_cancelled";
    case QueueChange::expired:
      return "remote_support.request_expired";
    case QueueChange::overdue:
      return "remote_support.request_overdue";
  }
  return "remote_support.request_changed";
}

std::string queue_event(QueueChange change, const SupportRequest& q, UnixMillis now) {
  return json::serialize(boost::json::object{{"type", queue_event_type(change)}, {"request", request_json(q, now)}});
}

void announce_queue_change(cluster::Relay& relay, RemoteSupportService& service, QueueChange change,
                           const SupportRequest& q) {
  std::vector<std::int64_t> to;
  if (auto staff = service.queue_audience(); staff.ok()) to = std::move(*staff);
  to.push_back(q.customer_user_id);
  std::sort(to.begin(), to.end());
  to.erase(std::unique(to.begin(), to.end()), to.end());
  relay.send_to_users(to, queue_event(change, q, service.now()));
}

}  // namespace meridian::remote_support
