#include "chat/stream_bus.hpp"

#include <gtest/gtest.h>

#include <map>

#include <boost/json/parse.hpp>

#include "bus/in_process_bus.hpp"
#include "chat/chat_json.hpp"
#include "core/json_fields.hpp"

namespace meridian::chat {
namespace {

boost::json::object event(std::int64_t change_seq, std::string text) {
  Message m;
  m.id = 40 + change_seq;
  m.conversation_id = 5;
  m.seq = change_seq;
  m.change_seq = change_seq;
  m.text = std::move(text);
  return message_event("message.new", m);
}

TEST(StreamBusMessage, RoundTripsThroughItsEncoding) {
  StreamBusMessage sent{5, {7, 9}, {event(3, "hello"), event(4, "again")}};
  const StreamBusMessage copy = sent;
  auto got = decode_stream_message(encode_stream_message(std::move(sent)));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->conversation_id, 5);
  EXPECT_EQ(got->recipients, copy.recipients);
  EXPECT_EQ(got->events, copy.events);
}

TEST(StreamBusMessage, MalformedPayloadsAreRefused) {
  for (const char* payload :
       {"", "not json", "[1,2]", "{}", "5", R"({"conversation_id":5,"recipients":[7)",
        R"({"conversation_id":"5","recipients":[7],"items":[]})",
        R"({"conversation_id":5.5,"recipients":[7],"items":[]})", R"({"conversation_id":5,"items":[]})",
        R"({"conversation_id":5,"recipients":7,"items":[]})", R"({"conversation_id":5,"recipients":[7]})",
        R"({"conversation_id":5,"recipients":[7],"items":{}})"}) {
    auto got = decode_stream_message(payload);
    ASSERT_FALSE(got.ok()) << payload;
    EXPECT_EQ(got.error().code, ErrorCode::invalid_argument) << payload;
  }
}

TEST(StreamBusMessage, RecipientsThatAreNotIdsAndEventsThatAreNotObjectsAreLeftOut) {
  auto got = decode_stream_message(
      R"({"conversation_id":5,"recipients":[7,"x",null,9],"items":[{"type":"message.new","change_seq":3},3,"e"]})");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->recipients, (std::vector<std::int64_t>{7, 9}));
  ASSERT_EQ(got->events.size(), 1u);
  EXPECT_EQ(got->events[0].at("change_seq").as_int64(), 3);
}

TEST(StreamItem, AnEventWithoutReactionsIsTheSameTextForEveryone) {
  auto item = stream_item(event(3, "hi"));
  EXPECT_EQ(item.change_seq, 3);
  EXPECT_FALSE(item.per_viewer);
  EXPECT_EQ(item.render(7), item.render(9));
}

TEST(StreamItem, AReactionIsMeForTheViewersAmongItsUsers) {
  Message m;
  m.conversation_id = 5;
  m.change_seq = 8;
  m.reactions.push_back(Reaction{"+1", {9}});
  auto item = stream_item(message_event("reaction.updated", m));
  EXPECT_TRUE(item.per_viewer);
  auto reaction_for = [&](std::int64_t viewer) {
    return boost::json::parse(item.render(viewer)).at("message").at("reactions").at(std::size_t{0}).as_object();
  };
  EXPECT_TRUE(reaction_for(9).at("me").as_bool());
  EXPECT_FALSE(reaction_for(7).at("me").as_bool());
}

TEST(StreamItem, MalformedReactionsAreRenderedWithoutThrowing) {
  auto e =
      boost::json::parse(
          R"({"type":"reaction.updated","change_seq":2,"message":{"reactions":[3,{"emoji":"x"},{"emoji":"y","user_ids":7}]}})")
          .as_object();
  auto item = stream_item(std::move(e));
  ASSERT_TRUE(item.per_viewer);
  std::string text;
  EXPECT_NO_THROW(text = item.render(7));
  EXPECT_FALSE(boost::json::parse(text).at("message").at("reactions").at(std::size_t{1}).at("me").as_bool());
}

// Nothing in storage: these tests publish without holes.
class EmptySource final : public StreamSource {
 public:
  Result<StreamFill> fill(std::int64_t, std::int64_t, std::int64_t, int) override {
    return StreamFill{};
  }
  Result<ChangePage> changes(const Subject&, std::int64_t, std::int64_t, int, std::int64_t) override {
    return ChangePage{};
  }
};

class Inbox final : public StreamSink {
 public:
  void send_to_user(std::int64_t user_id, const std::string& text) override { texts[user_id].push_back(text); }
  void send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text) override {
    for (auto u : user_ids) send_to_user(u, text);
  }
  std::map<std::int64_t, std::vector<std::string>> texts;
};

TEST(StreamBus, EventsPublishedOnTheBusReachTheRecipientsThroughTheStream) {
  bus::InProcessBus bus;
  EmptySource source;
  Inbox inbox;
  ChatStream stream(source, inbox);
  StreamBus stream_bus(bus, stream);
  stream.taken(5, 3);
  stream_bus.publish(5, {7}, {event(3, "first"), event(4, "second")});
  ASSERT_EQ(inbox.texts[7].size(), 2u);
  EXPECT_EQ(boost::json::parse(inbox.texts[7][1]).at("message").at("text").as_string(), "second");
  EXPECT_TRUE(inbox.texts[9].empty());
}

TEST(StreamBus, AMalformedBusEventIsDroppedAndTheNextOneStillArrives) {
  bus::InProcessBus bus;
  EmptySource source;
  Inbox inbox;
  ChatStream stream(source, inbox);
  StreamBus stream_bus(bus, stream);
  stream.taken(5, 1);
  bus.publish(StreamBus::kTopic, "{\"conversation_id\":5,");
  bus.publish(StreamBus::kTopic, R"({"conversation_id":5,"recipients":[7],"items":"x"})");
  EXPECT_TRUE(inbox.texts[7].empty());
  stream_bus.publish(5, {7}, {event(1, "fine")});
  EXPECT_EQ(inbox.texts[7].size(), 1u);
}

}  // namespace
}  // namespace meridian::chat
