// The JSON of meetings' values: meetings as each viewer sees them, recordings, webhook
// deliveries; and the request bodies that create and change a meeting.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "core/subject.hpp"
#include "meetings/meeting.hpp"
#include "meetings/meetings_service.hpp"
#include "meetings/webhooks.hpp"

namespace meridian::meetings {

// The time zone a user sees a meeting in: theirs as an invitee, the meeting's for its
// host, else empty.
std::string viewer_time_zone(const Meeting& m, std::int64_t user_id);

// A meeting as `viewer` sees it (null: whoever holds the link; no invitees then), with
// the start in `viewer_tz` when that is set. No e-mail addresses: invitees may include
// customers.
boost::json::object to_json(const Meeting& m, const std::string& join_url, const Subject* viewer,
                            const std::string& viewer_tz);
boost::json::object to_json(const Recording& r);
boost::json::object to_json(const WebhookDelivery& d);

// POST /meetings and PATCH /meetings/{id} bodies; unknown fields are refused.
Result<NewMeeting> new_meeting_from(const boost::json::object& body);
Result<MeetingPatch> patch_from(const boost::json::object& body);

}  // namespace meridian::meetings
