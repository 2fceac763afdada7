#include "chat/stream_bus.hpp"

#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/log.hpp"

namespace meridian::chat {

std::string encode_stream_message(StreamBusMessage message) {
  boost::json::array users;
  users.reserve(message.recipients.size());
  for (auto u : message.recipients) users.push_back(u);
  boost::json::array items;
  for (auto& e : message.events) items.push_back(std::move(e));
  return json::serialize(boost::json::object{
      {"conversation_id", message.conversation_id}, {"recipients", std::move(users)}, {"items", std::move(items)}});
}

Result<StreamBusMessage> decode_stream_message(std::string_view payload) {
  boost::system::error_code ec;
  auto v = boost::json::parse(payload, ec);
  auto* o = ec ? nullptr : v.if_object();
  auto* cid = o ? o->if_contains("conversation_id") : nullptr;
  auto* users = o ? o->if_contains("recipients") : nullptr;
  auto* events = o ? o->if_contains("items") : nullptr;
  if (!cid || !cid->is_int64() || !users || !users->is_array() || !events || !events->is_array())
    return make_error(ErrorCode::invalid_argument,
                      "a chat stream message is {\"conversation_id\", \"recipients\": [..], \"items\": [..]}");
  StreamBusMessage out;
  out.conversation_id = cid->as_int64();
  out.recipients.reserve(users->as_array().size());
  for (const auto& u : users->as_array())
    if (u.is_int64()) out.recipients.push_back(u.as_int64());
  for (auto& e : events->as_array())
    if (e.is_object()) out.events.push_back(std::move(e.as_object()));
  return out;
}

ChatStream::Item stream_item(boost::json::object event) {
  const auto* seq = event.if_contains("change_seq");
  const std::int64_t change_seq = seq && seq->is_int64() ? seq->as_int64() : 0;
  bool has_reactions = false;
  if (auto* m = event.if_contains("message"); m && m->is_object())
    if (auto* r = m->as_object().if_contains("reactions"); r && r->is_array()) has_reactions = !r->as_array().empty();
  auto shared = std::make_shared<const boost::json::object>(std::move(event));
  if (!has_reactions) {
    auto text = std::make_shared<const std::string>(json::serialize(*shared));
    return ChatStream::Item{change_seq, [text](std::int64_t) { return *text; }, false};
  }
  return ChatStream::Item{change_seq,
                          [shared](std::int64_t viewer) {
                            boost::json::object o = *shared;
                            for (auto& r : o["message"].as_object()["reactions"].as_array()) {
                              auto* reaction = r.if_object();
                              if (!reaction) continue;  // another node's bug: left as it came
                              bool me = false;
                              if (const auto* users = reaction->if_contains("user_ids"); users && users->is_array())
                                for (const auto& u : users->as_array()) me = me || u == viewer;
                              (*reaction)["me"] = me;
                            }
                            return json::serialize(o);
                          },
                          true};
}

StreamBus::StreamBus(bus::Bus& bus, ChatStream& stream) : bus_(bus), stream_(stream) {
  subscription_ = bus_.subscribe(kTopic, [this](std::string_view, std::string_view payload) { receive(payload); });
}

void StreamBus::publish(std::int64_t conversation_id, const std::vector<std::int64_t>& recipients,
                        std::vector<boost::json::object> events) {
  if (events.empty()) return;
  bus_.publish(kTopic, encode_stream_message(StreamBusMessage{conversation_id, recipients, std::move(events)}));
}

void StreamBus::receive(std::string_view payload) {
  auto message = decode_stream_message(payload);
  if (!message.ok()) {
    log::warn("chat.bad_bus_event", {{"topic", kTopic}});
    return;
  }
  std::vector<ChatStream::Item> items;
  for (auto& e : message->events) items.push_back(stream_item(std::move(e)));
  stream_.publish(message->conversation_id, message->recipients, std::move(items));
}

}  // namespace meridian::chat
