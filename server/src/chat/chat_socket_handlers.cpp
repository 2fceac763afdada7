#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "chat/chat_json.hpp"
#include "chat/chat_route_parts.hpp"
#include "core/json_fields.hpp"
#include "net/route_kit.hpp"

namespace meridian::chat {
namespace {

// {"<conversation id>": <last change_seq applied>, ..} of a sync request.
Result<std::vector<std::pair<std::int64_t, std::int64_t>>> sync_cursors(const boost::json::object& env) {
  const auto* cursors = env.if_contains("cursors");
  if (!cursors || !cursors->is_object() || cursors->as_object().size() > 1000)
    return make_error(ErrorCode::invalid_argument,
                      "field 'cursors' must be an object {\"<conversation id>\": <change_seq>} of at most 1000");
  std::vector<std::pair<std::int64_t, std::int64_t>> wanted;
  for (const auto& [key, value] : cursors->as_object()) {
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (ec != std::errc() || p != key.data() + key.size() || id <= 0 || !value.is_int64() || value.as_int64() < 0)
      return make_error(ErrorCode::invalid_argument, "cursors: '" + std::string(key.substr(0, 32)) +
                                                         "' must map a conversation id to a change_seq of 0 or more");
    wanted.emplace_back(id, value.as_int64());
  }
  return wanted;
}

// An answer to a request carries the request's id, exactly as sent.
void reply(net::RealtimeConnection& conn, const boost::json::object& env, boost::json::object out) {
  if (auto v = env.if_contains("id")) out["id"] = *v;
  conn.send(json::serialize(out));
}

}  // namespace

void add_chat_socket_handlers(net::RealtimeHub& hub, ChatService& chat, ChatFanOut& fan_out, ChatStream& stream) {
  // {"type":"message.send","id":..,"conversation_id":..,"text":..,"client_id":..}
  // -> {"type":"message.ack","id":..,"message":{..},"duplicate":bool} once durably stored.
  hub.on(
      "message.send",
      net::answer_ws([&chat, &fan_out](net::RealtimeConnection& conn, const boost::json::object& env) -> Result<void> {
        auto cid = json::optional_int(env, "conversation_id");
        if (!cid.ok() || !*cid)
          return make_error(ErrorCode::invalid_argument, "field 'conversation_id' must be an integer");
        MERIDIAN_ASSIGN_OR_RETURN(auto in, new_message_from_json(env));
        MERIDIAN_ASSIGN_OR_RETURN(auto posted, chat.post(conn.subject(), **cid, std::move(in.text),
                                                         std::move(in.client_id), in.thread_root_id, in.attachments));
        reply(conn, env,
              boost::json::object{{"type", "message.ack"},
                                  {"message", to_json(posted.message, conn.subject().user_id)},
                                  {"duplicate", posted.duplicate}});
        fan_out.posted(posted);
        return {};
      }),
      false, /*stores=*/true);

  // {"type":"reaction.toggle","id":..,"conversation_id":..,"message_id":..,"emoji":..,"on"?:bool}
  // -> {"type":"reaction.ack","id":..,"changed":bool,"on":bool,"message":{..}}; members get reaction.updated.
  hub.on(
      "reaction.toggle",
      net::answer_ws([&chat, &fan_out](net::RealtimeConnection& conn, const boost::json::object& env) -> Result<void> {
        auto cid = json::optional_int(env, "conversation_id");
        auto mid = json::optional_int(env, "message_id");
        if (!cid.ok() || !*cid || !mid.ok() || !*mid)
          return make_error(ErrorCode::invalid_argument, "fields 'conversation_id' and 'message_id' must be integers");
        MERIDIAN_ASSIGN_OR_RETURN(auto in, reaction_from_json(env));
        MERIDIAN_ASSIGN_OR_RETURN(auto reacted, chat.react(conn.subject(), **cid, **mid, in.emoji, in.on));
        reply(conn, env,
              boost::json::object{{"type", "reaction.ack"},
                                  {"changed", reacted.changed},
                                  {"on", reacted.on},
                                  {"message", to_json(reacted.message, conn.subject().user_id)}});
        fan_out.reacted(reacted);
        return {};
      }),
      false, /*stores=*/true);

  // {"type":"typing","conversation_id":..} -> the other members get
  // {"type":"typing","conversation_id":..,"user":{"id":..}}; throttled, never stored.
  hub.on("typing", net::answer_ws([&chat, &fan_out](net::RealtimeConnection& conn,
                                                    const boost::json::object& env) -> Result<void> {
           auto cid = json::optional_int(env, "conversation_id");
           if (!cid.ok() || !*cid)
             return make_error(ErrorCode::invalid_argument, "field 'conversation_id' must be an integer");
           MERIDIAN_ASSIGN_OR_RETURN(auto notice, chat.typing(conn.subject(), **cid));
           fan_out.typing(**cid, conn.subject().user_id, notice);
           return {};
         }));

  // {"type":"sync","id":..,"cursors":{"<conversation id>": <last change_seq applied>, ..}}
  // -> per conversation {"type":"sync.replay","conversation_id":..,"from":..,"to":..,"complete":bool}
  //    then the missed changes (message.new / message.updated), then live events; finally
  //    {"type":"sync.done","id":..}. See docs/websocket.md "Reconnect and resume".
  hub.on("sync",
         net::answer_ws([&stream](net::RealtimeConnection& conn, const boost::json::object& env) -> Result<void> {
           MERIDIAN_ASSIGN_OR_RETURN(auto wanted, sync_cursors(env));
           const boost::json::value* rid = env.if_contains("id");
           for (const auto& [id, cursor] : wanted) stream.replay(conn, rid, id, cursor);
           reply(conn, env, boost::json::object{{"type", "sync.done"}});
           return {};
         }));
}

}  // namespace meridian::chat
