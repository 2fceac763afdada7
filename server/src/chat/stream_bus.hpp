// Live chat events cross nodes through the bus: the node that stored a change publishes
// one "chat.stream" event; every node (this one included, by the same path) releases it
// through its own ChatStream to its own sockets of the listed recipients. Payload:
//   {"conversation_id":5,"recipients":[7,9],"items":[<event as built by message_event>, ..]}
// Recipients are the members when the change was stored, so a member removed before it
// gets nothing, on any node.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "bus/bus.hpp"
#include "chat/chat_stream.hpp"
#include "core/result.hpp"

namespace meridian::chat {

struct StreamBusMessage {
  std::int64_t conversation_id = 0;
  std::vector<std::int64_t> recipients;
  std::vector<boost::json::object> events;  // each with its change_seq
};

std::string encode_stream_message(StreamBusMessage message);
// invalid_argument when the payload is not such a message. Recipients that are not
// integers and events that are not objects are left out.
Result<StreamBusMessage> decode_stream_message(std::string_view payload);

// An event (as built by message_event) as the stream releases it: rendered for each viewer
// when it carries reactions (a reaction is "me" when the viewer is among its user_ids),
// serialized once for everyone otherwise.
ChatStream::Item stream_item(boost::json::object event);

class StreamBus final {
 public:
  static constexpr const char* kTopic = "chat.stream";

  // Subscribes at once; unsubscribes when destroyed.
  StreamBus(bus::Bus& bus, ChatStream& stream);
  StreamBus(const StreamBus&) = delete;
  StreamBus& operator=(const StreamBus&) = delete;

  void publish(std::int64_t conversation_id, const std::vector<std::int64_t>& recipients,
               std::vector<boost::json::object> events);

 private:
  void receive(std::string_view payload);

  bus::Bus& bus_;
  ChatStream& stream_;
  std::unique_ptr<bus::Subscription> subscription_;
};

}  // namespace meridian::chat
