#include "identity/user_json.hpp"

#include <boost/json/array.hpp>

namespace meridian::identity {

boost::json::object to_json(const User& u) {
  boost::json::array roles;
  for (Role r : u.roles) roles.emplace_back(role_name(r));
  boost::json::array teams;
  for (const auto& t : u.teams)
    teams.emplace_back(boost::json::object{{"id", t.id}, {"name", t.name}, {"role", t.lead ? "lead" : "member"}});
  boost::json::array days;
  for (int d : u.working_hours.days) days.emplace_back(d);
  return boost::json::object{
      {"id", u.id},
      {"email", u.email},
      {"display_name", u.display_name},
      {"kind", user_kind_name(u.kind)},
      {"country", u.country},
      {"region", u.region},
      {"time_zone", u.time_zone},
      {"working_hours",
       boost::json::object{{"start", format_minute(u.working_hours.start_minute)},
                           {"end", format_minute(u.working_hours.end_minute)},
                           {"days", std::move(days)}}},
      {"roles", std::move(roles)},
      {"teams", std::move(teams)},
      {"active", u.active},
      {"gdpr", boost::json::object{{"restrict_processing", u.gdpr.restrict_processing},
                                   {"exclude_from_ai", u.gdpr.exclude_from_ai}}},
      {"created_at", u.created_at},
  };
}

boost::json::object to_json(const Team& t) {
  boost::json::array leads;
  for (auto id : t.lead_ids) leads.emplace_back(id);
  return boost::json::object{{"id", t.id},
                             {"name", t.name},
                             {"region", t.region},
                             {"member_count", t.member_count},
                             {"lead_ids", std::move(leads)}};
}

Result<WorkingHours> working_hours_from_json(const boost::json::value& v) {
  const auto invalid = make_error(ErrorCode::invalid_argument,
                                  "working_hours must look like {\"start\":\"09:00\",\"end\":\"17:00\",\"days\":[1,2,3,4,5]}");
  if (!v.is_object()) return invalid;
  const auto& o = v.as_object();
  WorkingHours wh;
  auto start = o.if_contains("start");
  auto end = o.if_contains("end");
  if (!start || !end || !start->is_string() || !end->is_string()) return invalid;
  if (!parse_minute(start->as_string(), wh.start_minute) || !parse_minute(end->as_string(), wh.end_minute))
    return invalid;
  if (auto days = o.if_contains("days")) {
    if (!days->is_array()) return invalid;
    wh.days.clear();
    for (const auto& d : days->as_array()) {
      if (!d.is_int64() || d.as_int64() < 1 || d.as_int64() > 7) return invalid;
      wh.days.push_back(static_cast<int>(d.as_int64()));
    }
  }
  return wh;
}

}  // namespace meridian::identity
