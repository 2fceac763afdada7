#include "presence/presence_routes.hpp"

#include <charconv>
#include <cstdio>
#include <map>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/json_fields.hpp"
#include "net/route_kit.hpp"

namespace meridian::presence {
namespace {

constexpr std::size_t kMaxIds = 200;

boost::json::object to_json(const PresenceView& v) {
  boost::json::object o{{"user_id", v.user_id}, {"status", status_name(v.status)}, {"status_text", v.status_text}};
  if (v.locale) {
    auto clock = [](std::int64_t minute) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minute / 60), static_cast<int>(minute % 60));
      return std::string(buf);
    };
    boost::json::array days;
    std::string_view rest(v.locale->work_days);
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto part = rest.substr(0, comma);
      int d = 0;
      std::from_chars(part.data(), part.data() + part.size(), d);
      if (d >= 1 && d <= 7) days.push_back(d);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    o["country"] = v.locale->country;
    o["time_zone"] = v.locale->time_zone;
    o["working_hours"] = boost::json::object{{"start", clock(v.locale->work_start_minute)},
                                             {"end", clock(v.locale->work_end_minute)},
                                             {"days", std::move(days)}};
  }
  return o;
}

Result<std::vector<std::int64_t>> parse_ids(const std::optional<std::string>& text) {
  if (!text || text->empty()) return make_error(ErrorCode::invalid_argument, "query parameter 'user_ids' is required");
  std::vector<std::int64_t> ids;
  std::string_view rest(*text);
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (ec != std::errc() || p != part.data() + part.size() || id <= 0)
      return make_error(ErrorCode::invalid_argument, "user_ids must be positive integers separated by commas");
    ids.push_back(id);
    if (ids.size() > kMaxIds) return make_error(ErrorCode::invalid_argument, "at most 200 user_ids at a time");
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    if (rest.empty()) return make_error(ErrorCode::invalid_argument, "user_ids must not end with a comma");
  }
  return ids;
}

// The "user_ids" of a presence.subscribe: at most kMaxSubscriptions positive ids.
Result<std::vector<std::int64_t>> subscription_ids(const boost::json::object& env) {
  const auto* list = env.if_contains("user_ids");
  if (!list || !list->is_array())
    return make_error(ErrorCode::invalid_argument, "user_ids must be an array of user ids");
  const auto& array = list->as_array();
  if (array.size() > PresenceService::kMaxSubscriptions)
    return make_error(ErrorCode::invalid_argument, "at most 500 user_ids per presence.subscribe");
  std::vector<std::int64_t> ids;
  ids.reserve(array.size());
  for (const auto& v : array) {
    if (!v.is_int64() || v.as_int64() <= 0)
      return make_error(ErrorCode::invalid_argument, "user_ids must be positive integers");
    ids.push_back(v.as_int64());
  }
  return ids;
}

}  // namespace

void add_presence_routes(net::Router& router, net::RealtimeHub& hub, PresenceService& presence,
                         WorkingNow working_now) {
  // A connection with a scoped token (a meeting guest pass) is not a chat presence.
  hub.on_open([&presence](net::RealtimeConnection& conn) {
    if (conn.subject().scope.empty()) presence.connected(conn.subject(), conn.id());
  });
  hub.on_close([&presence](std::uint64_t connection_id, const Subject& subject) {
    if (subject.scope.empty()) presence.disconnected(subject.user_id, connection_id);
  });

  // {"type":"presence.set","id":..,"mode":"auto"|"away"|"dnd","status_text":"..","idle":bool}
  // -> {"type":"presence.ack","id":..,"presence":{..}}; others learn it in the next flush.
  hub.on("presence.set",
         net::answer_ws([&presence](net::RealtimeConnection& conn, const boost::json::object& env) -> Result<void> {
           MERIDIAN_ASSIGN_OR_RETURN(auto mode_text, json::optional_string(env, "mode", 16));
           MERIDIAN_ASSIGN_OR_RETURN(auto text, json::optional_string(env, "status_text", 1000));
           MERIDIAN_ASSIGN_OR_RETURN(auto idle, json::optional_bool(env, "idle"));
           std::optional<Mode> mode;
           if (mode_text) {
             Mode m{};
             if (!parse_mode(*mode_text, m))
               return make_error(ErrorCode::invalid_argument, "mode must be auto, away or dnd");
             mode = m;
           }
           if (!mode_text && !text && !idle)
             return make_error(ErrorCode::invalid_argument, "presence.set needs mode, status_text or idle");
           MERIDIAN_ASSIGN_OR_RETURN(auto view, presence.set(conn.subject(), conn.id(), mode, std::move(text), idle));
           boost::json::object ack{{"type", "presence.ack"}, {"presence", to_json(view)}};
           if (auto id = env.if_contains("id")) ack["id"] = *id;
           conn.send(boost::json::serialize(ack));
           return {};
         }));

  // {"type":"presence.subscribe","id":..,"user_ids":[7,9]} -> {"type":"presence.subscribed","id":..,
  // "users":[..current presence of the visible ones..]}; replaces this connection's set.
  hub.on("presence.subscribe",
         net::answer_ws([&presence](net::RealtimeConnection& conn, const boost::json::object& env) -> Result<void> {
           if (!conn.subject().scope.empty())
             return make_error(ErrorCode::forbidden, "a scoped token has no chat presence");
           MERIDIAN_ASSIGN_OR_RETURN(auto ids, subscription_ids(env));
           MERIDIAN_ASSIGN_OR_RETURN(auto views, presence.subscribe(conn.subject(), conn.id(), std::move(ids)));
           boost::json::array users;
           for (const auto& v : views) users.push_back(to_json(v));
           boost::json::object reply{{"type", "presence.subscribed"}, {"users", std::move(users)}};
           if (auto id = env.if_contains("id")) reply["id"] = *id;
           conn.send(boost::json::serialize(reply));
           return {};
         }));

  router.add("GET", "/api/v1/presence",
             net::answer([&presence, working_now](net::HttpRequest& req) -> Result<net::HttpResponse> {
               MERIDIAN_ASSIGN_OR_RETURN(auto ids, parse_ids(req.query_param("user_ids")));
               const auto views = presence.visible(*req.subject, ids);
               // Someone whose hours are known (locale filled) is working now or not: asked
               // for all of them at once, one store read.
               std::map<std::int64_t, bool> working;
               if (working_now.working_time && working_now.clock) {
                 std::vector<std::int64_t> with_hours;
                 for (const auto& v : views)
                   if (v.locale) with_hours.push_back(v.user_id);
                 if (!with_hours.empty())
                   working = working_now.working_time->working_at(with_hours, working_now.clock->now_ms());
               }
               boost::json::array items;
               for (const auto& v : views) {
                 auto o = to_json(v);
                 if (auto it = working.find(v.user_id); v.locale && it != working.end()) o["working_now"] = it->second;
                 items.push_back(std::move(o));
               }
               return net::json_ok(boost::json::object{{"items", std::move(items)}});
             }));
}

}  // namespace meridian::presence
