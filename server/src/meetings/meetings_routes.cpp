#include "meetings/meetings_routes.hpp"

#include <charconv>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "region/countries.hpp"

namespace meridian::meetings {
namespace {

using net::HttpRequest;
using net::HttpResponse;

std::string local_iso(std::string_view time_zone, UnixMillis at) {
  auto local = region::local_time(time_zone, at);
  return local.ok() ? local->iso : std::string();
}

// No e-mail addresses: invitees may include customers.
boost::json::object to_json(const Meeting& m, const std::string& join_url, const Subject* viewer,
                            const std::string& viewer_tz) {
  boost::json::object o{
      {"id", m.id},
      {"code", m.code},
      {"join_url", join_url},
      {"title", m.title},
      {"kind", meeting_kind_name(m.kind)},
      {"host", boost::json::object{{"id", m.host_id}, {"display_name", m.host_name}}},
      {"starts_at", m.starts_at ? boost::json::value(*m.starts_at) : boost::json::value(nullptr)},
      {"duration_minutes", m.duration_minutes},
      {"time_zone", m.time_zone},
      {"lobby_for_external", m.lobby_for_external},
      {"guests_can_share_screen", m.guests_can_share_screen},
      {"locked", m.locked},
      {"created_at", m.created_at},
      {"ended_at", m.ended_at ? boost::json::value(*m.ended_at) : boost::json::value(nullptr)},
      {"cancelled_at", m.cancelled_at ? boost::json::value(*m.cancelled_at) : boost::json::value(nullptr)}};
  if (m.starts_at) {
    o["starts_at_local"] = local_iso(m.time_zone, *m.starts_at);
    if (!viewer_tz.empty())
      o["my_start"] = boost::json::object{{"time_zone", viewer_tz}, {"local", local_iso(viewer_tz, *m.starts_at)}};
  }
  if (viewer) {
    boost::json::array invitees;
    for (const auto& i : m.invitees) {
      boost::json::object j{
          {"user_id", i.user_id},
          {"display_name", i.display_name},
          {"kind", user_kind_name(i.kind)},
          {"role", meeting_role_name(i.role)},
          {"country", i.country},
          {"time_zone", i.time_zone},
          {"via_team_id", i.via_team_id ? boost::json::value(*i.via_team_id) : boost::json::value(nullptr)}};
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

HttpResponse ok_json(int status, const boost::json::value& v) { return HttpResponse::json(status, json::serialize(v)); }

Result<std::int64_t> id_in(std::string_view text, std::string_view what) {
  std::int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    return make_error(ErrorCode::not_found, "'" + std::string(text) + "' is not a valid " + std::string(what));
  return id;
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

Result<NewMeeting> new_meeting_from(const boost::json::object& body) {
  MERIDIAN_TRY(json::reject_unknown_fields(
      body, {"title", "kind", "starts_at", "duration_minutes", "time_zone", "user_ids", "team_ids", "cohost_ids",
             "lobby_for_external", "guests_can_share_screen", "locked"}));
  NewMeeting in;
  auto title = json::required_string(body, "title", 1000);
  if (!title.ok()) return title.error();
  in.title = std::move(*title);
  auto kind = json::optional_string(body, "kind", 16);
  if (!kind.ok()) return kind.error();
  if (*kind && **kind != "instant" && **kind != "scheduled")
    return make_error(ErrorCode::invalid_argument, "kind must be instant or scheduled");
  in.kind = (*kind && **kind == "scheduled") ? MeetingKind::scheduled : MeetingKind::instant;
  auto starts = json::optional_int(body, "starts_at");
  if (!starts.ok()) return starts.error();
  in.starts_at = *starts;
  auto duration = json::optional_int(body, "duration_minutes");
  if (!duration.ok()) return duration.error();
  if (*duration) in.duration_minutes = **duration;
  auto tz = json::optional_string(body, "time_zone", 64);
  if (!tz.ok()) return tz.error();
  in.time_zone = *tz;
  auto users = id_list(body, "user_ids");
  if (!users.ok()) return users.error();
  in.user_ids = std::move(*users);
  auto teams = id_list(body, "team_ids");
  if (!teams.ok()) return teams.error();
  in.team_ids = std::move(*teams);
  auto cohosts = id_list(body, "cohost_ids");
  if (!cohosts.ok()) return cohosts.error();
  in.cohost_ids = std::move(*cohosts);
  auto lobby = json::optional_bool(body, "lobby_for_external");
  if (!lobby.ok()) return lobby.error();
  in.lobby_for_external = lobby->value_or(true);
  auto share = json::optional_bool(body, "guests_can_share_screen");
  if (!share.ok()) return share.error();
  in.guests_can_share_screen = share->value_or(false);
  auto locked = json::optional_bool(body, "locked");
  if (!locked.ok()) return locked.error();
  in.locked = locked->value_or(false);
  return in;
}

// Optional id list: absent or null leaves that part unchanged.
Result<std::optional<std::vector<std::int64_t>>> optional_id_list(const boost::json::object& body,
                                                                  std::string_view key) {
  auto v = body.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::vector<std::int64_t>>{};
  auto list = id_list(body, key);
  if (!list.ok()) return list.error();
  return std::optional<std::vector<std::int64_t>>(std::move(*list));
}

Result<MeetingPatch> patch_from(const boost::json::object& body) {
  MERIDIAN_TRY(
      json::reject_unknown_fields(body, {"title", "starts_at", "duration_minutes", "time_zone", "user_ids", "team_ids",
                                         "cohost_ids", "lobby_for_external", "guests_can_share_screen", "locked"}));
  MeetingPatch patch;
  auto title = json::optional_string(body, "title", 1000);
  if (!title.ok()) return title.error();
  patch.title = *title;
  auto starts = json::optional_int(body, "starts_at");
  if (!starts.ok()) return starts.error();
  patch.starts_at = *starts;
  auto duration = json::optional_int(body, "duration_minutes");
  if (!duration.ok()) return duration.error();
  patch.duration_minutes = *duration;
  auto tz = json::optional_string(body, "time_zone", 64);
  if (!tz.ok()) return tz.error();
  patch.time_zone = *tz;
  auto users = optional_id_list(body, "user_ids");
  if (!users.ok()) return users.error();
  patch.user_ids = std::move(*users);
  auto teams = optional_id_list(body, "team_ids");
  if (!teams.ok()) return teams.error();
  patch.team_ids = std::move(*teams);
  auto cohosts = optional_id_list(body, "cohost_ids");
  if (!cohosts.ok()) return cohosts.error();
  patch.cohost_ids = std::move(*cohosts);
  auto lobby = json::optional_bool(body, "lobby_for_external");
  if (!lobby.ok()) return lobby.error();
  patch.lobby_for_external = *lobby;
  auto share = json::optional_bool(body, "guests_can_share_screen");
  if (!share.ok()) return share.error();
  patch.guests_can_share_screen = *share;
  auto locked = json::optional_bool(body, "locked");
  if (!locked.ok()) return locked.error();
  patch.locked = *locked;
  return patch;
}

void send_error(net::RealtimeConnection& conn, const boost::json::object& request, const Error& error) {
  boost::json::object out{
      {"type", "error"},
      {"error", boost::json::object{{"code", error_code_name(error.code)}, {"message", error.message}}}};
  if (auto id = request.if_contains("id")) out["id"] = *id;
  conn.send(json::serialize(out));
}

void deliver(net::RealtimeHub& hub, const Effects& fx) {
  for (const auto& d : fx.deliveries) hub.send_to_connection(d.peer_id, json::serialize(d.message));
}

// Tells people about a meeting of theirs (invited, changed, cancelled), each with the
// start in their own time zone, on every socket they have open.
void notify(net::RealtimeHub& hub, MeetingsService& meetings, const Meeting& m, const std::string& type,
            const std::vector<std::int64_t>& user_ids) {
  for (auto uid : user_ids) {
    Subject viewer;
    viewer.user_id = uid;
    std::string tz = uid == m.host_id ? m.time_zone : "";
    for (const auto& i : m.invitees)
      if (i.user_id == uid) tz = i.time_zone;
    boost::json::object msg{{"type", type}, {"meeting", to_json(m, meetings.join_url(m), &viewer, tz)}};
    hub.send_to_user(uid, json::serialize(msg));
  }
}

// Acknowledges a request that carried an id.
void ack(net::RealtimeConnection& conn, const boost::json::object& request) {
  auto id = request.if_contains("id");
  if (!id) return;
  boost::json::object out{{"type", "meet.ack"}, {"id", *id}};
  if (auto t = request.if_contains("type")) out["for"] = *t;
  conn.send(json::serialize(out));
}

Result<std::int64_t> required_id(const boost::json::object& env, std::string_view key) {
  auto v = json::optional_int(env, key);
  if (!v.ok()) return v.error();
  if (!*v || **v <= 0)
    return make_error(ErrorCode::invalid_argument, "field '" + std::string(key) + "' must be a positive integer");
  return **v;
}

Result<std::uint64_t> required_peer(const boost::json::object& env, std::string_view key) {
  auto v = required_id(env, key);
  if (!v.ok()) return v.error();
  return static_cast<std::uint64_t>(*v);
}

}  // namespace

void add_meetings_routes(net::Router& router, net::RealtimeHub& hub, MeetingsService& meetings,
                         const policy::Policy& policy, WebhookDispatcher* webhooks) {
  constexpr net::RouteOptions kSmall{net::Auth::required, 16 * 1024};
  constexpr net::RouteOptions kPublic{net::Auth::none, 4 * 1024};

  router.add(
      "POST", "/api/v1/meetings",
      [&meetings, &hub](HttpRequest& req) {
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        auto in = new_meeting_from(*body);
        if (!in.ok()) return HttpResponse::error(in.error());
        auto created = meetings.create(*req.subject, std::move(*in));
        if (!created.ok()) return HttpResponse::error(created.error());
        std::vector<std::int64_t> invited;
        for (const auto& i : created->invitees) invited.push_back(i.user_id);
        notify(hub, meetings, *created, "meeting.invited", invited);
        return ok_json(201, to_json(*created, meetings.join_url(*created), &*req.subject, created->time_zone));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/meetings",
      [&meetings](HttpRequest& req) {
        auto list = meetings.mine(*req.subject);
        if (!list.ok()) return HttpResponse::error(list.error());
        std::string tz;
        boost::json::array items;
        for (const auto& m : *list) {
          if (tz.empty()) {
            if (m.host_id == req.subject->user_id) tz = m.time_zone;
            for (const auto& i : m.invitees)
              if (i.user_id == req.subject->user_id) tz = i.time_zone;
          }
          items.push_back(to_json(m, meetings.join_url(m), &*req.subject, tz));
        }
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "GET", "/api/v1/meetings/{id}",
      [&meetings](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "meeting id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto m = meetings.get(*req.subject, *id);
        if (!m.ok()) return HttpResponse::error(m.error());
        std::string tz = m->host_id == req.subject->user_id ? m->time_zone : "";
        for (const auto& i : m->invitees)
          if (i.user_id == req.subject->user_id) tz = i.time_zone;
        boost::json::object out = to_json(*m, meetings.join_url(*m), &*req.subject, tz);
        if (auto region = meetings.media_region(*req.subject, *id); region.ok())
          out["media_region"] = region_json(*region);
        if (auto conversation = meetings.conversation_of(*req.subject, *id); conversation.ok())
          out["conversation_id"] = *conversation ? boost::json::value(**conversation) : boost::json::value(nullptr);
        return ok_json(200, out);
      },
      kSmall);

  router.add(
      "PATCH", "/api/v1/meetings/{id}",
      [&meetings, &hub](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "meeting id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        auto patch = patch_from(*body);
        if (!patch.ok()) return HttpResponse::error(patch.error());
        auto changed = meetings.update(*req.subject, *id, *patch);
        if (!changed.ok()) return HttpResponse::error(changed.error());
        const Meeting& m = changed->meeting;
        notify(hub, meetings, m, "meeting.invited", changed->invited);
        notify(hub, meetings, m, "meeting.updated", changed->updated);
        for (auto uid : changed->uninvited)
          hub.send_to_user(uid, json::serialize(boost::json::object{
                                    {"type", "meeting.uninvited"}, {"meeting_id", m.id}, {"title", m.title}}));
        deliver(hub, changed->live);
        return ok_json(200, to_json(m, meetings.join_url(m), &*req.subject, m.time_zone));
      },
      kSmall);

  router.add(
      "DELETE", "/api/v1/meetings/{id}",
      [&meetings, &hub](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "meeting id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto cancelled = meetings.cancel(*req.subject, *id);
        if (!cancelled.ok()) return HttpResponse::error(cancelled.error());
        if (*cancelled) {
          std::vector<std::int64_t> told{(*cancelled)->host_id};
          for (const auto& i : (*cancelled)->invitees) told.push_back(i.user_id);
          notify(hub, meetings, **cancelled, "meeting.cancelled", told);
        }
        return HttpResponse::no_content();
      },
      kSmall);

  router.add(
      "GET", "/api/v1/meetings/{id}/media-region",
      [&meetings](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "meeting id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto region = meetings.media_region(*req.subject, *id);
        if (!region.ok()) return HttpResponse::error(region.error());
        return ok_json(200, region_json(*region));
      },
      kSmall);

  router.add(
      "GET", "/api/v1/meetings/{id}/recordings",
      [&meetings](HttpRequest& req) {
        auto id = id_in(req.path_param("id"), "meeting id");
        if (!id.ok()) return HttpResponse::error(id.error());
        auto list = meetings.recordings(*req.subject, *id);
        if (!list.ok()) return HttpResponse::error(list.error());
        auto opt = [](const std::optional<std::int64_t>& v) {
          return v ? boost::json::value(*v) : boost::json::value(nullptr);
        };
        boost::json::array items;
        for (const auto& r : *list) {
          boost::json::array people;
          for (const auto& p : r.participants)
            people.push_back(boost::json::object{
                {"peer_id", p.peer_id},
                {"user_id", p.user_id < 0 ? boost::json::value(nullptr) : boost::json::value(p.user_id)},
                {"display_name", p.display_name},
                {"role", p.role},
                {"country", p.country},
                {"joined_at", p.joined_at},
                {"left_at", opt(p.left_at)},
                {"acknowledged_at", opt(p.acknowledged_at)}});
          items.push_back(boost::json::object{
              {"id", r.id},
              {"meeting_id", r.meeting_id},
              {"started_by", boost::json::object{{"user_id", r.started_by}, {"display_name", r.started_by_name}}},
              {"started_at", r.started_at},
              {"stopped_by", opt(r.stopped_by)},
              {"stopped_at", opt(r.stopped_at)},
              {"stop_reason", r.stop_reason},
              {"participants", std::move(people)}});
        }
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  router.add(
      "GET", "/api/v1/admin/webhook-deliveries",
      [&policy, webhooks](HttpRequest& req) {
        if (auto allowed = policy.require(*req.subject, policy::Action::read_webhook_log); !allowed.ok())
          return HttpResponse::error(allowed.error());
        boost::json::array items;
        if (webhooks) {
          auto list = webhooks->log(200);
          if (!list.ok()) return HttpResponse::error(list.error());
          for (const auto& d : *list)
            items.push_back(boost::json::object{
                {"id", d.id},
                {"event", d.event},
                {"url", d.url},
                {"status", d.status},
                {"attempts", d.attempts},
                {"last_status_code",
                 d.last_status_code ? boost::json::value(*d.last_status_code) : boost::json::value(nullptr)},
                {"last_error", d.last_error},
                {"next_attempt_at", d.next_attempt_at},
                {"created_at", d.created_at},
                {"delivered_at", d.delivered_at ? boost::json::value(*d.delivered_at) : boost::json::value(nullptr)},
                {"payload", d.payload}});
        }
        return ok_json(200, boost::json::object{{"items", std::move(items)}});
      },
      kSmall);

  // Whoever holds the link: enough to show the pre-join screen, nothing about invitees.
  router.add(
      "GET", "/api/v1/meeting-links/{code}",
      [&meetings](HttpRequest& req) {
        auto m = meetings.by_code(std::string(req.path_param("code")));
        if (!m.ok()) return HttpResponse::error(m.error());
        boost::json::object out = to_json(*m, meetings.join_url(*m), nullptr, "");
        out.erase("host");
        out["host_name"] = m->host_name;
        out["max_publishers"] = meetings.options().max_publishers;
        return ok_json(200, out);
      },
      kPublic);

  router.add(
      "POST", "/api/v1/meeting-links/{code}/guests",
      [&meetings](HttpRequest& req) {
        auto body = json::parse_object(req.body);
        if (!body.ok()) return HttpResponse::error(body.error());
        if (auto r = json::reject_unknown_fields(*body, {"display_name"}); !r.ok())
          return HttpResponse::error(r.error());
        auto name = json::required_string(*body, "display_name", 1000);
        if (!name.ok()) return HttpResponse::error(name.error());
        auto pass = meetings.guest_pass(std::string(req.path_param("code")), *name);
        if (!pass.ok()) return HttpResponse::error(pass.error());
        return ok_json(201, boost::json::object{{"token", pass->token},
                                                {"expires_at", pass->expires_at},
                                                {"meeting_id", pass->meeting_id},
                                                {"display_name", pass->display_name}});
      },
      kPublic);

  // ---- WebSocket: meet.* (guests' scoped tokens are accepted; the service checks the scope)
  hub.on_close(
      [&meetings, &hub](std::uint64_t connection_id, const Subject&) { deliver(hub, meetings.leave(connection_id)); });

  hub.on(
      "meet.join",
      [&meetings, &hub](net::RealtimeConnection& conn, const boost::json::object& env) {
        auto code = json::required_string(env, "code", 64);
        if (!code.ok()) return send_error(conn, env, code.error());
        auto fx = meetings.join(conn.subject(), conn.id(), *code);
        if (!fx.ok()) return send_error(conn, env, fx.error());
        if (auto id = env.if_contains("id"))
          for (auto& d : fx->deliveries)
            if (d.peer_id == conn.id()) {
              d.message["id"] = *id;
              break;
            }
        deliver(hub, *fx);
      },
      true);

  hub.on(
      "meet.leave",
      [&meetings, &hub](net::RealtimeConnection& conn, const boost::json::object& env) {
        auto mid = required_id(env, "meeting_id");
        if (!mid.ok()) return send_error(conn, env, mid.error());
        auto fx = meetings.command(conn.id(), *mid, [&](Room& r) { return Result<Effects>(r.leave(conn.id())); });
        if (!fx.ok()) return send_error(conn, env, fx.error());
        ack(conn, env);
        deliver(hub, *fx);
      },
      true);

  // Requests addressed at one peer of the room: {"meeting_id", "peer_id", ..}.
  using PeerRequest = std::function<Result<Effects>(std::uint64_t actor, std::int64_t meeting_id, std::uint64_t target,
                                                    const boost::json::object& env)>;
  auto on_peer_request = [&hub](std::string type, PeerRequest fn) {
    hub.on(
        type,
        [&hub, fn](net::RealtimeConnection& conn, const boost::json::object& env) {
          auto mid = required_id(env, "meeting_id");
          if (!mid.ok()) return send_error(conn, env, mid.error());
          auto target = required_peer(env, "peer_id");
          if (!target.ok()) return send_error(conn, env, target.error());
          auto fx = fn(conn.id(), *mid, *target, env);
          if (!fx.ok()) return send_error(conn, env, fx.error());
          ack(conn, env);
          deliver(hub, *fx);
        },
        true);
  };
  // Room commands addressed at one peer.
  using PeerCommand =
      std::function<Result<Effects>(Room&, std::uint64_t actor, std::uint64_t target, const boost::json::object& env)>;
  auto on_peer_command = [&meetings, on_peer_request](std::string type, PeerCommand fn) {
    on_peer_request(std::move(type), [&meetings, fn](std::uint64_t actor, std::int64_t meeting_id, std::uint64_t target,
                                                     const boost::json::object& env) {
      return meetings.command(actor, meeting_id, [&](Room& r) { return fn(r, actor, target, env); });
    });
  };
  // Admission goes through the service: it fixes where the admitted person's chat starts.
  for (const auto& [type, allow] : {std::pair{"meet.admit", true}, std::pair{"meet.deny", false}})
    on_peer_request(type, [&meetings, allow](std::uint64_t actor, std::int64_t meeting_id, std::uint64_t target,
                                             const boost::json::object&) {
      return meetings.admit(actor, meeting_id, target, allow);
    });
  on_peer_command("meet.mute", [](Room& r, std::uint64_t a, std::uint64_t t, const boost::json::object& env) {
    auto force = json::optional_bool(env, "force");
    if (!force.ok()) return Result<Effects>(force.error());
    return r.mute(a, t, force->value_or(false));
  });
  on_peer_command("meet.ask_unmute", [](Room& r, std::uint64_t a, std::uint64_t t, const boost::json::object&) {
    return r.ask_unmute(a, t);
  });
  on_peer_command("meet.remove",
                  [](Room& r, std::uint64_t a, std::uint64_t t, const boost::json::object&) { return r.remove(a, t); });
  on_peer_command("meet.set_role", [](Room& r, std::uint64_t a, std::uint64_t t, const boost::json::object& env) {
    auto role = json::required_string(env, "role", 16);
    if (!role.ok()) return Result<Effects>(role.error());
    MeetingRole parsed;
    if (!parse_meeting_role(*role, parsed))
      return Result<Effects>(make_error(ErrorCode::invalid_argument, "role must be cohost or participant"));
    return r.set_role(a, t, parsed);
  });

  hub.on(
      "meet.signal",
      [&meetings, &hub](net::RealtimeConnection& conn, const boost::json::object& env) {
        auto mid = required_id(env, "meeting_id");
        if (!mid.ok()) return send_error(conn, env, mid.error());
        auto to = required_peer(env, "to");
        if (!to.ok()) return send_error(conn, env, to.error());
        auto signal = env.if_contains("signal");
        if (!signal || !signal->is_object())
          return send_error(conn, env, make_error(ErrorCode::invalid_argument, "field 'signal' must be an object"));
        auto fx =
            meetings.command(conn.id(), *mid, [&](Room& r) { return r.relay(conn.id(), *to, signal->get_object()); });
        if (!fx.ok()) return send_error(conn, env, fx.error());
        ack(conn, env);
        deliver(hub, *fx);
      },
      true);

  hub.on(
      "meet.media",
      [&meetings, &hub](net::RealtimeConnection& conn, const boost::json::object& env) {
        auto mid = required_id(env, "meeting_id");
        if (!mid.ok()) return send_error(conn, env, mid.error());
        auto fx = meetings.command(conn.id(), *mid, [&](Room& r) { return r.update_media(conn.id(), env); });
        if (!fx.ok()) return send_error(conn, env, fx.error());
        ack(conn, env);
        deliver(hub, *fx);
      },
      true);

  // In-meeting chat: the meeting's own conversation, for admitted peers only (a guest's
  // scoped pass reaches exactly this, for its one meeting).
  hub.on(
      "meet.chat.send",
      [&meetings, &hub](net::RealtimeConnection& conn, const boost::json::object& env) {
        if (auto r = json::reject_unknown_fields(env, {"type", "id", "meeting_id", "text", "client_id"}); !r.ok())
          return send_error(conn, env, r.error());
        auto mid = required_id(env, "meeting_id");
        if (!mid.ok()) return send_error(conn, env, mid.error());
        auto text = json::required_string(env, "text", kMaxChatMessageBytes);
        if (!text.ok()) return send_error(conn, env, text.error());
        auto client_id = json::optional_string(env, "client_id", 64);
        if (!client_id.ok()) return send_error(conn, env, client_id.error());
        auto posted = meetings.post_chat(conn.id(), *mid, std::move(*text), client_id->value_or(""));
        if (!posted.ok()) return send_error(conn, env, posted.error());
        if (auto id = env.if_contains("id"))
          conn.send(json::serialize(boost::json::object{{"type", "meet.ack"},
                                                        {"id", *id},
                                                        {"for", "meet.chat.send"},
                                                        {"message", chat_json(posted->message)},
                                                        {"duplicate", posted->duplicate}}));
        deliver(hub, posted->effects);
      },
      true);

  hub.on(
      "meet.chat.history",
      [&meetings](net::RealtimeConnection& conn, const boost::json::object& env) {
        auto mid = required_id(env, "meeting_id");
        if (!mid.ok()) return send_error(conn, env, mid.error());
        auto limit = json::optional_int(env, "limit");
        if (!limit.ok()) return send_error(conn, env, limit.error());
        auto list = meetings.chat_history(conn.id(), *mid, static_cast<int>(limit->value_or(200)));
        if (!list.ok()) return send_error(conn, env, list.error());
        boost::json::array items;
        for (const auto& m : *list) items.push_back(chat_json(m));
        boost::json::object out{{"type", "meet.chat.history"}, {"meeting_id", *mid}, {"items", std::move(items)}};
        if (auto id = env.if_contains("id")) out["id"] = *id;
        conn.send(json::serialize(out));
      },
      true);

  hub.on(
      "meet.lock",
      [&meetings, &hub](net::RealtimeConnection& conn, const boost::json::object& env) {
        auto mid = required_id(env, "meeting_id");
        if (!mid.ok()) return send_error(conn, env, mid.error());
        auto locked = json::optional_bool(env, "locked");
        if (!locked.ok()) return send_error(conn, env, locked.error());
        auto fx = meetings.command(conn.id(), *mid, [&](Room& r) { return r.lock(conn.id(), locked->value_or(true)); });
        if (!fx.ok()) return send_error(conn, env, fx.error());
        ack(conn, env);
        deliver(hub, *fx);
      },
      true);

  auto on_recording = [&meetings, &hub](std::string type, bool start) {
    hub.on(
        type,
        [&meetings, &hub, start](net::RealtimeConnection& conn, const boost::json::object& env) {
          auto mid = required_id(env, "meeting_id");
          if (!mid.ok()) return send_error(conn, env, mid.error());
          auto fx = start ? meetings.start_recording(conn.id(), *mid) : meetings.stop_recording(conn.id(), *mid);
          if (!fx.ok()) return send_error(conn, env, fx.error());
          ack(conn, env);
          deliver(hub, *fx);
        },
        true);
  };
  on_recording("meet.recording.start", true);
  on_recording("meet.recording.stop", false);

  hub.on(
      "meet.recording.ack",
      [&meetings](net::RealtimeConnection& conn, const boost::json::object& env) {
        auto mid = required_id(env, "meeting_id");
        if (!mid.ok()) return send_error(conn, env, mid.error());
        if (auto r = meetings.acknowledge_recording(conn.id(), *mid); !r.ok()) return send_error(conn, env, r.error());
        ack(conn, env);
      },
      true);

  hub.on(
      "meet.end",
      [&meetings, &hub](net::RealtimeConnection& conn, const boost::json::object& env) {
        auto mid = required_id(env, "meeting_id");
        if (!mid.ok()) return send_error(conn, env, mid.error());
        auto fx = meetings.end(conn.id(), *mid);
        if (!fx.ok()) return send_error(conn, env, fx.error());
        ack(conn, env);
        deliver(hub, *fx);
      },
      true);
}

}  // namespace meridian::meetings
