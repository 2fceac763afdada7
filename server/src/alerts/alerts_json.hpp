// The alerts module's JSON: what the REST routes and WebSocket events carry.
#pragma once

#include <boost/json/object.hpp>

#include "alerts/alert.hpp"
#include "alerts/alerts_service.hpp"
#include "core/result.hpp"

namespace meridian::alerts {

boost::json::object audience_json(const Audience& a);
boost::json::object alert_json(const Alert& a);
boost::json::object receipt_json(const Receipt& r);
// The alert with the caller's own receipt ("me") when they are a recipient.
boost::json::object view_json(const AlertView& v);
boost::json::object count_json(const AudienceCount& c);
// One escalation step as the tracking view shows it.
boost::json::object step_json(const StepState& s);

// {title, body, priority, category?, audience, require_ack?, quorum?, dedup_key?, expires_at?,
//  escalation?: [{after_minutes | after_seconds, notify?: "again" | "audience", audience?}]}
Result<NewAlert> new_alert_from(const boost::json::object& body);
Result<Audience> audience_from(const boost::json::value& v);

}  // namespace meridian::alerts
