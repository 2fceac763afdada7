// remote_support.* over /ws: joining a session as one side, the consent ladder, pause,
// end, and the relay of signaling, annotations and chat, each only while its consent
// holds (LiveSessions decides under the session's lock).
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_fields.hpp"
#include "meetings/media_regions.hpp"
#include "net/route_kit.hpp"
#include "remote_support/remote_support_json.hpp"
#include "remote_support/remote_support_routes.hpp"

namespace meridian::remote_support {
namespace {

using net::RealtimeConnection;
using Envelope = boost::json::object;

constexpr std::size_t kMaxChatBytes = 4000;
constexpr std::size_t kMaxRelayedBytes = 64 * 1024;

void ack(RealtimeConnection& conn, const Envelope& request, boost::json::object extra = {}) {
  auto id = request.if_contains("id");
  if (!id) return;
  extra["type"] = "remote_support.ack";
  extra["id"] = *id;
  if (auto t = request.if_contains("type")) extra["for"] = *t;
  conn.send(json::serialize(extra));
}

Result<Step> step_field(const Envelope& env) {
  MERIDIAN_ASSIGN_OR_RETURN(auto text, json::required_string(env, "step", 16));
  Step step;
  if (!parse_step(text, step)) return make_error(ErrorCode::invalid_argument, "step must be chat, view or annotate");
  return step;
}

// A JSON object field no larger than the relay passes on.
Result<const boost::json::object*> object_field(const Envelope& env, std::string_view key) {
  auto v = env.if_contains(key);
  if (!v || !v->is_object())
    return make_error(ErrorCode::invalid_argument, "field '" + std::string(key) + "' must be an object");
  if (json::serialize(*v).size() > kMaxRelayedBytes)
    return make_error(ErrorCode::too_large, "field '" + std::string(key) + "' is too large");
  return &v->get_object();
}

}  // namespace

void tell_agent(cluster::Relay& relay, RemoteSupportService& service, const RemoteSession& s) {
  relay.send_to_user(s.agent_id,
                     json::serialize(boost::json::object{{"type", "remote_support.session_updated"},
                                                         {"session_id", s.id},
                                                         {"session", session_json(s, service.screen_share(s), true)}}));
}

void tell_session(net::RealtimeHub& hub, cluster::Relay& relay, RemoteSupportService& service, const RemoteSession& s) {
  const auto conns = service.live().connections(s.id);
  const auto share = service.screen_share(s);
  for (auto [conn, side] : {std::pair{conns.agent, Side::agent}, std::pair{conns.customer, Side::customer}}) {
    if (!conn) continue;
    boost::json::object out{{"type", "remote_support.state"},
                            {"session_id", s.id},
                            {"side", side_name(side)},
                            {"agent_connected", conns.agent.has_value()},
                            {"customer_connected", conns.customer.has_value()},
                            {"session", session_json(s, share, side == Side::agent)}};
    hub.send_to_connection(*conn, json::serialize(out));
  }
  tell_agent(relay, service, s);
}

void add_remote_support_socket_routes(net::RealtimeHub& hub, cluster::Relay& relay, RemoteSupportService& service,
                                      const meetings::MeetingsService& meetings) {
  constexpr bool kScopedTokens = true;  // the customer's token reaches these, for its one session
  auto on = [&hub](std::string type, net::ResultWsHandler handler) {
    hub.on(std::move(type), net::answer_ws(std::move(handler)), kScopedTokens);
  };
  auto ip = [](const RealtimeConnection& c) { return std::string(c.remote_ip()); };

  auto tell_both = [&hub, &relay, &service](const RemoteSession& s) { tell_session(hub, relay, service, s); };

  // The other side hears that this one went away.
  hub.on_close([&service, tell_both](std::uint64_t connection, const Subject& who) {
    for (const auto& left : service.live().leave(connection)) {
      auto s = service.get(who, left.first);
      if (s.ok()) tell_both(*s);
    }
  });

  // {"session_id"}: this connection becomes the agent's or the customer's side of it.
  on("remote_support.join",
     [&service, &hub, &meetings, ip, tell_both](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
       MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id"}));
       MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
       MERIDIAN_ASSIGN_OR_RETURN(auto joined, service.join(conn.subject(), id, conn.id(), ip(conn)));
       if (joined.replaced)
         hub.send_to_connection(*joined.replaced, json::serialize(boost::json::object{
                                                      {"type", "remote_support.left"},
                                                      {"session_id", id},
                                                      {"reason", "the session was opened in another tab"}}));
       // TURN credentials as for meetings: the region that suits both sides' countries first.
       const auto& mo = meetings.options();
       const auto region =
           meetings::choose_region(mo.regions, mo.rtt, {joined.session.agent_country, joined.session.customer_country});
       const std::string credential_user = "rs" + std::to_string(id) + (joined.side == Side::agent ? "a" : "c");
       ack(conn, env,
           {{"session_id", id},
            {"side", side_name(joined.side)},
            {"ice_servers", meetings.ice_servers(region, conn.subject().country, credential_user)},
            {"media_region", region.region}});
       tell_both(joined.session);
       return {};
     });

  // {"step"} or, where the consent policy allows it, {"steps": [...]} asked as one question.
  on("remote_support.ask", [&service, ip, tell_both](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id", "step", "steps"}));
    MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
    std::vector<Step> steps;
    if (auto list = env.if_contains("steps"); list && !env.contains("step")) {
      if (!list->is_array() || list->as_array().empty() || list->as_array().size() > kSteps.size())
        return make_error(ErrorCode::invalid_argument, "steps must be a list of one to three steps");
      for (const auto& v : list->as_array()) {
        Step step;
        if (!v.is_string() || !parse_step(v.as_string(), step))
          return make_error(ErrorCode::invalid_argument, "steps must be chat, view or annotate");
        steps.push_back(step);
      }
    } else {
      MERIDIAN_ASSIGN_OR_RETURN(auto step, step_field(env));
      steps.push_back(step);
    }
    MERIDIAN_ASSIGN_OR_RETURN(auto s, service.ask_steps(conn.subject(), id, steps, ip(conn)));
    ack(conn, env);
    tell_both(s);
    return {};
  });

  on("remote_support.answer", [&service, ip, tell_both](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id", "step", "grant"}));
    MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
    MERIDIAN_ASSIGN_OR_RETURN(auto step, step_field(env));
    MERIDIAN_ASSIGN_OR_RETURN(auto grant, json::optional_bool(env, "grant"));
    if (!grant) return make_error(ErrorCode::invalid_argument, "grant must be true or false");
    MERIDIAN_ASSIGN_OR_RETURN(auto s, service.answer(conn.subject(), id, step, *grant, ip(conn)));
    ack(conn, env);
    tell_both(s);
    return {};
  });

  on("remote_support.revoke", [&service, ip, tell_both](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id", "step"}));
    MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
    MERIDIAN_ASSIGN_OR_RETURN(auto step, step_field(env));
    MERIDIAN_ASSIGN_OR_RETURN(auto r, service.revoke(conn.subject(), id, step, ip(conn)));
    boost::json::array revoked;
    for (Step s : r.revoked) revoked.push_back(boost::json::value(step_name(s)));
    ack(conn, env, {{"revoked", std::move(revoked)}});
    tell_both(r.session);
    return {};
  });

  for (const auto& [type, paused] :
       {std::pair{"remote_support.pause", true}, std::pair{"remote_support.resume", false}})
    on(type, [&service, ip, tell_both, paused](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
      MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id"}));
      MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
      MERIDIAN_ASSIGN_OR_RETURN(auto s, service.set_paused(conn.subject(), id, paused, ip(conn)));
      ack(conn, env);
      tell_both(s);
      return {};
    });

  on("remote_support.end", [&service, &hub, &relay, ip](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id"}));
    MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
    MERIDIAN_ASSIGN_OR_RETURN(auto ended, service.end(conn.subject(), id, ip(conn)));
    ack(conn, env);
    const std::string text = json::serialize(boost::json::object{
        {"type", "remote_support.ended"}, {"session_id", id}, {"summary", summary_json(ended.session)}});
    for (auto c : {ended.connections.agent, ended.connections.customer})
      if (c) hub.send_to_connection(*c, text);
    if (ended.connections.agent != conn.id() && ended.connections.customer != conn.id())
      hub.send_to_connection(conn.id(), text);
    tell_agent(relay, service, ended.session);
    return {};
  });

  // Relayed to the other side only while the consent holds; refused otherwise.
  struct RelayType {
    const char* type;
    Relayed kind;
    const char* field;
  };
  for (const auto& rt : {RelayType{"remote_support.signal", Relayed::signal, "signal"},
                         RelayType{"remote_support.annotation", Relayed::annotation, "annotation"}})
    on(rt.type, [&service, &hub, rt](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
      MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id", rt.field}));
      MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
      MERIDIAN_ASSIGN_OR_RETURN(auto payload, object_field(env, rt.field));
      MERIDIAN_TRY(service.live().relay(id, conn.id(), rt.kind, [&](std::uint64_t to, Side from) {
        hub.send_to_connection(
            to, json::serialize(boost::json::object{
                    {"type", rt.type}, {"session_id", id}, {"from", side_name(from)}, {rt.field, *payload}}));
      }));
      ack(conn, env);
      return {};
    });

  on("remote_support.chat", [&service, &hub](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id", "text"}));
    MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
    MERIDIAN_ASSIGN_OR_RETURN(auto text, json::required_string(env, "text", kMaxChatBytes));
    MERIDIAN_TRY(service.live().relay(id, conn.id(), Relayed::chat, [&](std::uint64_t to, Side from) {
      hub.send_to_connection(
          to, json::serialize(boost::json::object{
                  {"type", "remote_support.chat"}, {"session_id", id}, {"from", side_name(from)}, {"text", text}}));
    }));
    ack(conn, env);
    return {};
  });

  // {"session_id", "count"}: annotations the agent drew over the data channel (which does
  // not pass the server): counted for the log, refused like the relay without consent.
  on("remote_support.annotated", [&service](RealtimeConnection& conn, const Envelope& env) -> Result<void> {
    MERIDIAN_TRY(json::reject_unknown_fields(env, {"type", "id", "session_id", "count"}));
    MERIDIAN_ASSIGN_OR_RETURN(auto id, net::required_id_field(env, "session_id"));
    MERIDIAN_ASSIGN_OR_RETURN(auto count, json::optional_int(env, "count"));
    if (!count || *count < 1 || *count > 1000)
      return make_error(ErrorCode::invalid_argument, "count must be between 1 and 1000");
    MERIDIAN_TRY(service.live().count_annotations(id, conn.id(), *count));
    ack(conn, env);
    return {};
  });
}

}  // namespace meridian::remote_support
