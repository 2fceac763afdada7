// The alerts module's JSON: what the REST routes and WebSocket events carry.
#pragma once

#include <initializer_list>
#include <string_view>

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

// The fields of a POST /alerts body (unknown ones are refused). Not constexpr: the list's
// array lives as long as this variable (static), which constant evaluation cannot express.
inline const std::initializer_list<std::string_view> kAlertFields = {
    "title",       "body",   "priority",  "category",   "audience",
    "require_ack", "quorum", "dedup_key", "expires_at", "escalation"};

// {title, body, priority, category?, audience, require_ack?, quorum?, dedup_key?, expires_at?,
//  escalation?: [{after_minutes | after_seconds, notify?: "again" | "audience", audience?}]}
Result<NewAlert> new_alert_from(const boost::json::object& body);
Result<Audience> audience_from(const boost::json::value& v);

// An integration as admins see it (never its secret): {id, name, kind, audience,
// require_ack, created_by, created_at, webhook_path}.
boost::json::object integration_json(const Integration& x);
// {name, kind?: "alertmanager", audience, require_ack?}
Result<Integration> integration_from(const boost::json::object& body);

// A schedule, with its next occurrences ("upcoming", at most 5) as instants.
boost::json::object schedule_json(const Schedule& x);
// {alert: {the POST /alerts body}, at: "2026-03-29T09:00", time_zone | recipient_local: true, rrule?}
Result<NewSchedule> new_schedule_from(const boost::json::object& body);

}  // namespace meridian::alerts
