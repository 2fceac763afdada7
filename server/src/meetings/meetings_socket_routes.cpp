#include "meetings/meetings_socket_routes.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "net/route_kit.hpp"

namespace meridian::meetings {
namespace {

using net::RealtimeConnection;
using Envelope = boost::json::object;

// Acknowledges a request that carried an id.
void ack(RealtimeConnection& conn, const Envelope& request) {
  auto id = request.if_contains("id");
  if (!id) return;
  boost::json::object out{{"type", "meet.ack"}, {"id", *id}};
  if (auto t = request.if_contains("type")) out["for"] = *t;
  conn.send(json::serialize(out));
}

Result<std::uint64_t> required_peer(const Envelope& env, std::string_view key) {
  MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, key));
  return static_cast<std::uint64_t>(id);
}

}  // namespace

RoomPlacement::Dispatch add_meetings_socket_routes(net::RealtimeHub& hub, MeetingsService& meetings,
                                                   RoomPlacement& placement) {
  constexpr bool kScopedTokens = true;  // a guest pass reaches these, for its one meeting
  // Every type's handler, for requests other nodes forward here.
  auto handlers = std::make_shared<std::unordered_map<std::string, net::WsHandler>>();
  // The meeting a request is about: its meeting_id, or the meeting of a join's code. When
  // it cannot be read, the request runs here and its handler refuses it precisely.
  auto meeting_of = [&meetings](const Envelope& env) -> std::optional<std::int64_t> {
    if (auto type = env.if_contains("type"); type && type->is_string() && type->get_string() == "meet.join") {
      auto code = json::required_string(env, "code", 64);
      if (!code.ok()) return std::nullopt;
      auto m = meetings.by_code(*code);
      return m.ok() ? std::optional(m->id) : std::nullopt;
    }
    auto id = net::required_id_field(env, "meeting_id");
    return id.ok() ? std::optional(*id) : std::nullopt;
  };
  auto on = [&hub, &placement, handlers, meeting_of](std::string type, net::ResultWsHandler handler) {
    auto run = net::answer_ws(std::move(handler));
    (*handlers)[type] = run;
    const bool joining = type == "meet.join";
    hub.on(
        std::move(type),
        [&placement, run, meeting_of, joining](RealtimeConnection& conn, const Envelope& env) {
          using Request = RoomPlacement::Request;
          if (auto mid = meeting_of(env))
            if (auto owner = placement.owner_elsewhere(*mid, joining ? Request::join : Request::other))
              return placement.forward(*owner, conn, env);
          run(conn, env);
        },
        kScopedTokens);
  };
  auto deliver = [&placement](const Effects& fx) { placement.deliver(fx); };

  hub.on_close([&meetings, &placement](std::uint64_t connection_id, const Subject&) {
    placement.deliver(meetings.leave(connection_id));
    placement.connection_closed(connection_id);
  });

  on("meet.join", [&meetings, deliver](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto code, json::required_string(env, "code", 64));
    MERIDIAN_ASSIGN_OR_RETURN(auto fx, meetings.join(conn.subject(), conn.id(), code));
    if (auto id = env.if_contains("id"))
      for (auto& d : fx.deliveries)
        if (d.peer_id == conn.id()) {
          d.message["id"] = *id;
          break;
        }
    deliver(fx);
    return {};
  });

  // Requests about one meeting ({"meeting_id", ..}): acknowledged, then the room's events delivered.
  using MeetingRequest = std::function<Result<Effects>(RealtimeConnection&, std::int64_t meeting_id, const Envelope&)>;
  auto on_meeting = [&on, deliver](std::string type, MeetingRequest fn) {
    on(std::move(type), [deliver, fn](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
      MERIDIAN_ASSIGN_OR_RETURN(auto mid, net::required_id_field(env, "meeting_id"));
      MERIDIAN_ASSIGN_OR_RETURN(auto fx, fn(conn, mid, env));
      ack(conn, env);
      deliver(fx);
      return {};
    });
  };
  // A command to the meeting's live room.
  using RoomCommand = std::function<Result<Effects>(Room&, std::uint64_t actor, const Envelope&)>;
  auto on_room = [&meetings, &on_meeting](std::string type, RoomCommand fn) {
    on_meeting(std::move(type), [&meetings, fn](RealtimeConnection& conn, std::int64_t mid, const Envelope& env) {
      return meetings.command(conn.id(), mid, [&](Room& r) { return fn(r, conn.id(), env); });
    });
  };
  // Requests addressed at one peer of the room: {"meeting_id", "peer_id", ..}.
  using PeerRequest = std::function<Result<Effects>(std::uint64_t actor, std::int64_t meeting_id, std::uint64_t target,
                                                    const Envelope&)>;
  auto on_peer_request = [&on_meeting](std::string type, PeerRequest fn) {
    on_meeting(std::move(type),
               [fn](RealtimeConnection& conn, std::int64_t mid, const Envelope& env) -> Result<Effects> {
                 MERIDIAN_ASSIGN_OR_RETURN(auto target, required_peer(env, "peer_id"));
                 return fn(conn.id(), mid, target, env);
               });
  };
  // Room commands addressed at one peer.
  using PeerCommand = std::function<Result<Effects>(Room&, std::uint64_t actor, std::uint64_t target, const Envelope&)>;
  auto on_peer_command = [&meetings, &on_peer_request](std::string type, PeerCommand fn) {
    on_peer_request(std::move(type), [&meetings, fn](std::uint64_t actor, std::int64_t meeting_id, std::uint64_t target,
                                                     const Envelope& env) {
      return meetings.command(actor, meeting_id, [&](Room& r) { return fn(r, actor, target, env); });
    });
  };

  on_room("meet.leave", [](Room& r, std::uint64_t actor, const Envelope&) { return Result<Effects>(r.leave(actor)); });

  // Admission goes through the service: it fixes where the admitted person's chat starts.
  for (const auto& [type, allow] : {std::pair{"meet.admit", true}, std::pair{"meet.deny", false}})
    on_peer_request(
        type, [&meetings, allow](std::uint64_t actor, std::int64_t meeting_id, std::uint64_t target, const Envelope&) {
          return meetings.admit(actor, meeting_id, target, allow);
        });
  on_peer_command("meet.mute", [](Room& r, std::uint64_t a, std::uint64_t t, const Envelope& env) -> Result<Effects> {
    MERIDIAN_ASSIGN_OR_RETURN(auto force, json::optional_bool(env, "force"));
    return r.mute(a, t, force.value_or(false));
  });
  on_peer_command("meet.ask_unmute",
                  [](Room& r, std::uint64_t a, std::uint64_t t, const Envelope&) { return r.ask_unmute(a, t); });
  on_peer_command("meet.remove",
                  [](Room& r, std::uint64_t a, std::uint64_t t, const Envelope&) { return r.remove(a, t); });
  on_peer_command("meet.set_role",
                  [](Room& r, std::uint64_t a, std::uint64_t t, const Envelope& env) -> Result<Effects> {
                    MERIDIAN_ASSIGN_OR_RETURN(auto role, json::required_string(env, "role", 16));
                    MeetingRole parsed;
                    if (!parse_meeting_role(role, parsed))
                      return make_error(ErrorCode::invalid_argument, "role must be cohost or participant");
                    return r.set_role(a, t, parsed);
                  });

  on_meeting(
      "meet.signal", [&meetings](RealtimeConnection& conn, std::int64_t mid, const Envelope& env) -> Result<Effects> {
        MERIDIAN_ASSIGN_OR_RETURN(auto to, required_peer(env, "to"));
        auto signal = env.if_contains("signal");
        if (!signal || !signal->is_object())
          return make_error(ErrorCode::invalid_argument, "field 'signal' must be an object");
        return meetings.command(conn.id(), mid, [&](Room& r) { return r.relay(conn.id(), to, signal->get_object()); });
      });
  on_room("meet.media", [](Room& r, std::uint64_t actor, const Envelope& env) { return r.update_media(actor, env); });
  on_meeting(
      "meet.lock", [&meetings](RealtimeConnection& conn, std::int64_t mid, const Envelope& env) -> Result<Effects> {
        MERIDIAN_ASSIGN_OR_RETURN(auto locked, json::optional_bool(env, "locked"));
        return meetings.command(conn.id(), mid, [&](Room& r) { return r.lock(conn.id(), locked.value_or(true)); });
      });

  // In-meeting chat: the meeting's own conversation, for admitted peers only (a guest's
  // scoped pass reaches exactly this, for its one meeting).
  on("meet.chat.send", [&meetings, deliver](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "meeting_id", "text", "client_id"}));
    MERIDIAN_ASSIGN_OR_RETURN(auto mid, net::required_id_field(env, "meeting_id"));
    MERIDIAN_ASSIGN_OR_RETURN(auto text, json::required_string(env, "text", kMaxChatMessageBytes));
    MERIDIAN_ASSIGN_OR_RETURN(auto client_id, json::optional_string(env, "client_id", 64));
    MERIDIAN_ASSIGN_OR_RETURN(auto posted, meetings.post_chat(conn.id(), mid, std::move(text), client_id.value_or("")));
    if (auto id = env.if_contains("id"))
      conn.send(json::serialize(boost::json::object{{"type", "meet.ack"},
                                                    {"id", *id},
                                                    {"for", "meet.chat.send"},
                                                    {"message", chat_json(posted.message)},
                                                    {"duplicate", posted.duplicate}}));
    deliver(posted.effects);
    return {};
  });

  on("meet.chat.history", [&meetings](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto mid, net::required_id_field(env, "meeting_id"));
    MERIDIAN_ASSIGN_OR_RETURN(auto limit, json::optional_int(env, "limit"));
    MERIDIAN_ASSIGN_OR_RETURN(auto list, meetings.chat_history(conn.id(), mid, static_cast<int>(limit.value_or(200))));
    boost::json::array items;
    for (const auto& m : list) items.push_back(chat_json(m));
    boost::json::object out{{"type", "meet.chat.history"}, {"meeting_id", mid}, {"items", std::move(items)}};
    if (auto id = env.if_contains("id")) out["id"] = *id;
    conn.send(json::serialize(out));
    return {};
  });

  for (const auto& [type, start] : {std::pair{"meet.recording.start", true}, std::pair{"meet.recording.stop", false}})
    on_meeting(type, [&meetings, start](RealtimeConnection& conn, std::int64_t mid, const Envelope&) {
      return start ? meetings.start_recording(conn.id(), mid) : meetings.stop_recording(conn.id(), mid);
    });
  on_meeting("meet.recording.ack",
             [&meetings](RealtimeConnection& conn, std::int64_t mid, const Envelope&) -> Result<Effects> {
               MERIDIAN_TRY(meetings.acknowledge_recording(conn.id(), mid));
               return Effects{};
             });
  on_meeting("meet.end", [&meetings](RealtimeConnection& conn, std::int64_t mid, const Envelope&) {
    return meetings.end(conn.id(), mid);
  });

  return [handlers](RealtimeConnection& conn, const Envelope& env) {
    auto type = env.if_contains("type");
    if (!type || !type->is_string()) return;
    if (auto h = handlers->find(std::string(type->get_string())); h != handlers->end()) h->second(conn, env);
  };
}

}  // namespace meridian::meetings
