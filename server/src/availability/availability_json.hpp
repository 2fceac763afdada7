// The JSON of availability and scheduling: settings in and out, overlap days, slots, holiday
// calendars. Times of day travel as "HH:MM" wall-clock text, dates as "YYYY-MM-DD", instants
// as Unix milliseconds like every time in the API.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "availability/availability_service.hpp"
#include "availability/scheduling_service.hpp"

namespace meridian::availability {

boost::json::object person_json(const PersonSchedule& p, UnixMillis now, Day holidays_from, Day holidays_until);
Result<Settings> settings_from(const boost::json::object& body);

boost::json::object overlap_json(const OverlapView& v, UnixMillis now);
boost::json::object suggestions_json(const Suggestions& s);
boost::json::object rotation_json(const RotationPlan& r);
Result<SuggestionQuery> suggestion_query_from(const boost::json::object& body);

boost::json::object calendar_json(const HolidayCalendar& c);
boost::json::object import_json(const ImportResult& r);
boost::json::object holiday_json(const Holiday& h);
Result<Holiday> holiday_from(const boost::json::object& body);

}  // namespace meridian::availability
