// The JSON shape of users and teams in the REST API (docs/openapi.yaml: User, Team).
#pragma once

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "identity/user.hpp"

namespace meridian::identity {

boost::json::object to_json(const User& user);
boost::json::object to_json(const Team& team);
// {"start":"09:00","end":"17:00","days":[1,2,3,4,5]}
Result<WorkingHours> working_hours_from_json(const boost::json::value& v);

}  // namespace meridian::identity
