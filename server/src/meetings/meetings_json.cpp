#include "meetings/meetings_json.hpp"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>

#include "core/json_fields.hpp"
#include "core/json_values.hpp"
#include "region/countries.hpp"

namespace meridian::meetings {
namespace {

std::string local_iso(std::string_view time_zone, UnixMillis at) {
  auto local = region::local_time(time_zone, at);
  return local.ok() ? local->iso : std::string();
}

Result<std::vector<std::int64_t>> id_list(const boost::json::object& body, std::string_view key) {
  std::vector<std::int64_t> out;
  auto v = body.if_contains(key);
  if (!v || v->is_null()) return out;
  const std::string bad = "field '" + std::string(key) + "' must be an array of ids";
  if (!v->is_array()) return make_error(ErrorCode::invalid_argument, bad);
  for (const auto& x : v->as_array()) {
    if (!x.is_int64() || x.as_int64() <= 0) return make_error(ErrorCode::invalid_argument, bad);
    out.push_back(x.as_int64());
  }
  return out;
}

// Optional id list: absent or null leaves that part unchanged.
Result<std::optional<std::vector<std::int64_t>>> optional_id_list(const boost::json::object& body,
                                                                  std::string_view key) {
  auto v = body.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::vector<std::int64_t>>{};
  MERIDIAN_ASSIGN_OR_RETURN(auto list, id_list(body, key));
  return std::optional<std::vector<std::int64_t>>(std::move(list));
}

}  // namespace

std::string viewer_time_zone(const Meeting& m, std::int64_t user_id) {
  std::string tz = m.host_id == user_id ? m.time_zone : "";
  for (const auto& i : m.invitees)
    if (i.user_id == user_id) tz = i.time_zone;
  return tz;
}

boost::json::object to_json(const Meeting& m, const std::string& join_url, const Subject* viewer,
                            const std::string& viewer_tz) {
  boost::json::object o{{"id", m.id},
                        {"code", m.code},
                        {"join_url", join_url},
                        {"title", m.title},
                        {"kind", meeting_kind_name(m.kind)},
                        {"host", boost::json::object{{"id", m.host_id}, {"display_name", m.host_name}}},
                        {"starts_at", json::nullable(m.starts_at)},
                        {"duration_minutes", m.duration_minutes},
                        {"time_zone", m.time_zone},
                        {"lobby_for_external", m.lobby_for_external},
                        {"guests_can_share_screen", m.guests_can_share_screen},
                        {"locked", m.locked},
                        {"created_at", m.created_at},
                        {"ended_at", json::nullable(m.ended_at)},
                        {"cancelled_at", json::nullable(m.cancelled_at)}};
  if (m.starts_at) {
    o["starts_at_local"] = local_iso(m.time_zone, *m.starts_at);
    if (!viewer_tz.empty())
      o["my_start"] = boost::json::object{{"time_zone", viewer_tz}, {"local", local_iso(viewer_tz, *m.starts_at)}};
  }
  if (viewer) {
    boost::json::array invitees;
    for (const auto& i : m.invitees) {
      boost::json::object j{{"user_id", i.user_id},
                            {"display_name", i.display_name},
                            {"kind", user_kind_name(i.kind)},
                            {"role", meeting_role_name(i.role)},
                            {"country", i.country},
                            {"time_zone", i.time_zone},
                            {"via_team_id", json::nullable(i.via_team_id)}};
      if (m.starts_at) j["local_start"] = local_iso(i.time_zone, *m.starts_at);
      invitees.push_back(std::move(j));
    }
    o["invitees"] = std::move(invitees);
    o["my_role"] = m.host_id == viewer->user_id ? "host" : "participant";
    for (const auto& i : m.invitees)
      if (i.user_id == viewer->user_id) o["my_role"] = meeting_role_name(i.role);
  }
  return o;
}

boost::json::object to_json(const Recording& r) {
  boost::json::array people;
  for (const auto& p : r.participants)
    people.push_back(
        boost::json::object{{"peer_id", p.peer_id},
                            {"user_id", p.user_id < 0 ? boost::json::value(nullptr) : boost::json::value(p.user_id)},
                            {"display_name", p.display_name},
                            {"role", p.role},
                            {"country", p.country},
                            {"joined_at", p.joined_at},
                            {"left_at", json::nullable(p.left_at)},
                            {"acknowledged_at", json::nullable(p.acknowledged_at)}});
  return boost::json::object{
      {"id", r.id},
      {"meeting_id", r.meeting_id},
      {"started_by", boost::json::object{{"user_id", r.started_by}, {"display_name", r.started_by_name}}},
      {"started_at", r.started_at},
      {"stopped_by", json::nullable(r.stopped_by)},
      {"stopped_at", json::nullable(r.stopped_at)},
      {"stop_reason", r.stop_reason},
      {"participants", std::move(people)}};
}

boost::json::object to_json(const WebhookDelivery& d) {
  return boost::json::object{{"id", d.id},
                             {"event", d.event},
                             {"url", d.url},
                             {"status", d.status},
                             {"attempts", d.attempts},
                             {"last_status_code", json::nullable(d.last_status_code)},
                             {"last_error", d.last_error},
                             {"next_attempt_at", d.next_attempt_at},
                             {"created_at", d.created_at},
                             {"delivered_at", json::nullable(d.delivered_at)},
                             {"payload", d.payload}};
}

Result<NewMeeting> new_meeting_from(const boost::json::object& body) {
  MERIDIAN_TRY(json::reject_unknown_fields(
      body, {"title", "kind", "starts_at", "duration_minutes", "time_zone", "user_ids", "team_ids", "cohost_ids",
             "lobby_for_external", "guests_can_share_screen", "locked"}));
  NewMeeting in;
  MERIDIAN_ASSIGN_OR_RETURN(in.title, json::required_string(body, "title", 1000));
  MERIDIAN_ASSIGN_OR_RETURN(auto kind, json::optional_string(body, "kind", 16));
  if (kind && *kind != "instant" && *kind != "scheduled")
    return make_error(ErrorCode::invalid_argument, "kind must be instant or scheduled");
  in.kind = (kind && *kind == "scheduled") ? MeetingKind::scheduled : MeetingKind::instant;
  MERIDIAN_ASSIGN_OR_RETURN(in.starts_at, json::optional_int(body, "starts_at"));
  MERIDIAN_ASSIGN_OR_RETURN(auto duration, json::optional_int(body, "duration_minutes"));
  if (duration) in.duration_minutes = *duration;
  MERIDIAN_ASSIGN_OR_RETURN(in.time_zone, json::optional_string(body, "time_zone", 64));
  MERIDIAN_ASSIGN_OR_RETURN(in.user_ids, id_list(body, "user_ids"));
  MERIDIAN_ASSIGN_OR_RETURN(in.team_ids, id_list(body, "team_ids"));
  MERIDIAN_ASSIGN_OR_RETURN(in.cohost_ids, id_list(body, "cohost_ids"));
  MERIDIAN_ASSIGN_OR_RETURN(auto lobby, json::optional_bool(body, "lobby_for_external"));
  in.lobby_for_external = lobby.value_or(true);
  MERIDIAN_ASSIGN_OR_RETURN(auto share, json::optional_bool(body, "guests_can_share_screen"));
  in.guests_can_share_screen = share.value_or(false);
  MERIDIAN_ASSIGN_OR_RETURN(auto locked, json::optional_bool(body, "locked"));
  in.locked = locked.value_or(false);
  return in;
}

Result<MeetingPatch> patch_from(const boost::json::object& body) {
  MERIDIAN_TRY(
      json::reject_unknown_fields(body, {"title", "starts_at", "duration_minutes", "time_zone", "user_ids", "team_ids",
                                         "cohost_ids", "lobby_for_external", "guests_can_share_screen", "locked"}));
  MeetingPatch patch;
  MERIDIAN_ASSIGN_OR_RETURN(patch.title, json::optional_string(body, "title", 1000));
  MERIDIAN_ASSIGN_OR_RETURN(patch.starts_at, json::optional_int(body, "starts_at"));
  MERIDIAN_ASSIGN_OR_RETURN(patch.duration_minutes, json::optional_int(body, "duration_minutes"));
  MERIDIAN_ASSIGN_OR_RETURN(patch.time_zone, json::optional_string(body, "time_zone", 64));
  MERIDIAN_ASSIGN_OR_RETURN(patch.user_ids, optional_id_list(body, "user_ids"));
  MERIDIAN_ASSIGN_OR_RETURN(patch.team_ids, optional_id_list(body, "team_ids"));
  MERIDIAN_ASSIGN_OR_RETURN(patch.cohost_ids, optional_id_list(body, "cohost_ids"));
  MERIDIAN_ASSIGN_OR_RETURN(patch.lobby_for_external, json::optional_bool(body, "lobby_for_external"));
  MERIDIAN_ASSIGN_OR_RETURN(patch.guests_can_share_screen, json::optional_bool(body, "guests_can_share_screen"));
  MERIDIAN_ASSIGN_OR_RETURN(patch.locked, json::optional_bool(body, "locked"));
  return patch;
}

}  // namespace meridian::meetings
