#include "meetings/meetings_routes.hpp"

#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "meetings/meetings_json.hpp"
#include "meetings/meetings_socket_routes.hpp"
#include "net/route_kit.hpp"

namespace meridian::meetings {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// Tells people about a meeting of theirs (invited, changed, cancelled), each with the
// start in their own time zone, on every socket they have open.
void notify(net::RealtimeHub& hub, MeetingsService& meetings, const Meeting& m, const std::string& type,
            const std::vector<std::int64_t>& user_ids) {
  for (auto uid : user_ids) {
    Subject viewer;
    viewer.user_id = uid;
    boost::json::object msg{{"type", type},
                            {"meeting", to_json(m, meetings.join_url(m), &viewer, viewer_time_zone(m, uid))}};
    hub.send_to_user(uid, json::serialize(msg));
  }
}

}  // namespace

RoomPlacement::Dispatch add_meetings_routes(net::Router& router, net::RealtimeHub& hub, MeetingsService& meetings,
                                            const policy::Policy& policy, WebhookDispatcher* webhooks,
                                            RoomPlacement& placement) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
  constexpr net::RouteOptions kPublic{net::Auth::none, 4 * 1024};
  // The meeting as the caller sees it.
  auto seen_by = [&meetings](const HttpRequest& req, const Meeting& m, const std::string& tz) {
    return to_json(m, meetings.join_url(m), &*req.subject, tz);
  };

  router.add("POST", "/api/v1/meetings",
             net::answer([&meetings, &hub, seen_by](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body));
               MERIDIAN_ASSIGN_OR_RETURN(auto in, new_meeting_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto created, meetings.create(*req.subject, std::move(in)));
               std::vector<std::int64_t> invited;
               for (const auto& i : created.invitees) invited.push_back(i.user_id);
               notify(hub, meetings, created, "meeting.invited", invited);
               return net::json_ok(seen_by(req, created, created.time_zone), 201);
             }),
             kSmall);

  router.add("GET", "/api/v1/meetings", net::answer([&meetings, seen_by](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto list, meetings.mine(*req.subject));
               std::string tz;  // the first meeting that tells the caller's time zone sets it for all
               boost::json::array items;
               for (const auto& m : list) {
                 if (tz.empty()) tz = viewer_time_zone(m, req.subject->user_id);
                 items.push_back(seen_by(req, m, tz));
               }
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  router.add(
      "GET", "/api/v1/meetings/{id}", net::answer([&meetings, seen_by](HttpRequest& req) -> Result<HttpResponse> {
        MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "meeting id"));
        MERIDIAN_ASSIGN_OR_RETURN(auto m, meetings.get(*req.subject, id));
        boost::json::object out = seen_by(req, m, viewer_time_zone(m, req.subject->user_id));
        if (auto region = meetings.media_region(*req.subject, id); region.ok())
          out["media_region"] = region_json(*region);
        if (auto conversation = meetings.conversation_of(*req.subject, id); conversation.ok())
          out["conversation_id"] = *conversation ? boost::json::value(**conversation) : boost::json::value(nullptr);
        return net::json_ok(out);
      }),
      kSmall);

  router.add("PATCH", "/api/v1/meetings/{id}",
             net::answer([&meetings, &hub, &placement, seen_by](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "meeting id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto body, json::parse_object(req.body));
               MERIDIAN_ASSIGN_OR_RETURN(auto patch, patch_from(body));
               MERIDIAN_ASSIGN_OR_RETURN(auto changed, meetings.update(*req.subject, id, patch));
               const Meeting& m = changed.meeting;
               notify(hub, meetings, m, "meeting.invited", changed.invited);
               notify(hub, meetings, m, "meeting.updated", changed.updated);
               for (auto uid : changed.uninvited)
                 hub.send_to_user(uid, json::serialize(boost::json::object{
                                           {"type", "meeting.uninvited"}, {"meeting_id", m.id}, {"title", m.title}}));
               placement.deliver(changed.live);
               const bool touches_room = patch.lobby_for_external || patch.guests_can_share_screen || patch.locked;
               if (touches_room && !meetings.running_here(id)) placement.settings_changed(id, patch.locked);
               return net::json_ok(seen_by(req, m, m.time_zone));
             }),
             kSmall);

  router.add("DELETE", "/api/v1/meetings/{id}",
             net::answer([&meetings, &hub, &placement](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "meeting id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto cancelled, meetings.cancel(*req.subject, id, [&placement, id] {
                                           return placement.running_elsewhere(id);
                                         }));
               if (cancelled) {
                 std::vector<std::int64_t> told{cancelled->host_id};
                 for (const auto& i : cancelled->invitees) told.push_back(i.user_id);
                 notify(hub, meetings, *cancelled, "meeting.cancelled", told);
               }
               return HttpResponse::no_content();
             }),
             kSmall);

  router.add("GET", "/api/v1/meetings/{id}/media-region",
             net::answer([&meetings](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "meeting id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto region, meetings.media_region(*req.subject, id));
               return net::json_ok(region_json(region));
             }),
             kSmall);

  router.add("GET", "/api/v1/meetings/{id}/recordings",
             net::answer([&meetings](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto id, net::path_id(req, "id", "meeting id"));
               MERIDIAN_ASSIGN_OR_RETURN(auto list, meetings.recordings(*req.subject, id));
               boost::json::array items;
               for (const auto& r : list) items.push_back(to_json(r));
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  router.add("GET", "/api/v1/admin/webhook-deliveries",
             net::answer([&policy, webhooks](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_TRY(policy.require(*req.subject, policy::Action::read_webhook_log));
               boost::json::array items;
               if (webhooks) {
                 MERIDIAN_ASSIGN_OR_RETURN(auto list, webhooks->log(200));
                 for (const auto& d : list) items.push_back(to_json(d));
               }
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }),
             kSmall);

  // Whoever holds the link: enough to show the pre-join screen, nothing about invitees.
  router.add("GET", "/api/v1/meeting-links/{code}", net::answer([&meetings](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto m, meetings.by_code(std::string(req.path_param("code"))));
               boost::json::object out = to_json(m, meetings.join_url(m), nullptr, "");
               out.erase("host");
               out["host_name"] = m.host_name;
               out["max_publishers"] = meetings.options().max_publishers;
               return net::json_ok(out);
             }),
             kPublic);

  router.add("POST", "/api/v1/meeting-links/{code}/guests",
             net::answer([&meetings](HttpRequest& req) -> Result<HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto body, net::json_body(req, {"display_name"}));
               MERIDIAN_ASSIGN_OR_RETURN(auto name, json::required_string(body, "display_name", 1000));
               MERIDIAN_ASSIGN_OR_RETURN(auto pass, meetings.guest_pass(std::string(req.path_param("code")), name));
               return net::json_ok(boost::json::object{{"token", pass.token},
                                                       {"expires_at", pass.expires_at},
                                                       {"meeting_id", pass.meeting_id},
                                                       {"display_name", pass.display_name}},
                                   201);
             }),
             kPublic);

  return add_meetings_socket_routes(hub, meetings, placement);
}

}  // namespace meridian::meetings
