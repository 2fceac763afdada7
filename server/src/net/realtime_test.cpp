#include "net/realtime.hpp"

#include "core/json_fields.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include <boost/json/parse.hpp>

namespace meridian::net {
namespace {

class FakeConnection final : public RealtimeConnection {
 public:
  FakeConnection(std::uint64_t id, std::int64_t user_id, std::string scope = "") : id_(id) {
    subject_.user_id = user_id;
    subject_.scope = std::move(scope);
  }
  std::uint64_t id() const override { return id_; }
  const Subject& subject() const override { return subject_; }
  void send(SharedText text) override {
    sent.push_back(*text);
    frames.push_back(std::move(text));
  }
  void close(std::uint16_t code, std::string) override { closed_with = code; }

  boost::json::object last() const { return boost::json::parse(sent.back()).as_object(); }

  std::vector<std::string> sent;
  std::vector<SharedText> frames;  // as queued: shared or not
  std::uint16_t closed_with = 0;

 private:
  std::uint64_t id_;
  Subject subject_;
};

// A connection of `user_id` the hub knows (attached), to send to it through the hub.
std::shared_ptr<FakeConnection> attached(RealtimeHub& hub, std::uint64_t id, std::int64_t user_id) {
  auto conn = std::make_shared<FakeConnection>(id, user_id);
  hub.attach(conn);
  return conn;
}

TEST(RealtimeHub, ScopedTokensReachOnlyTypesThatAcceptThem) {
  RealtimeHub hub;
  int plain = 0, scoped = 0;
  hub.on("chat.thing", [&](RealtimeConnection&, const boost::json::object&) { ++plain; });
  hub.on(
      "meet.thing", [&](RealtimeConnection&, const boost::json::object&) { ++scoped; }, true);
  FakeConnection guest(1, -5, "meeting:3");
  hub.dispatch(guest, R"({"type":"chat.thing","id":"a"})");
  EXPECT_EQ(plain, 0);
  EXPECT_EQ(guest.last().at("error").at("code").as_string(), "unauthenticated");
  EXPECT_EQ(guest.last().at("id").as_string(), "a");
  hub.dispatch(guest, R"({"type":"meet.thing"})");
  EXPECT_EQ(scoped, 1);
  FakeConnection user(2, 7);
  hub.dispatch(user, R"({"type":"chat.thing"})");
  hub.dispatch(user, R"({"type":"meet.thing"})");
  EXPECT_EQ(plain, 1);
  EXPECT_EQ(scoped, 2);
}

TEST(RealtimeHub, SendsToOneConnectionAndTellsCloseHandlersAfterDetach) {
  RealtimeHub hub;
  std::vector<std::uint64_t> closed;
  hub.on_close([&](std::uint64_t id, const Subject& who) {
    closed.push_back(id);
    EXPECT_EQ(who.user_id, 7);
  });
  auto a = attached(hub, 1, 7);
  auto b = attached(hub, 2, 7);
  EXPECT_TRUE(hub.send_to_connection(2, "x"));
  EXPECT_TRUE(a->sent.empty());
  EXPECT_EQ(b->sent.size(), 1u);
  hub.detach(2);
  EXPECT_FALSE(hub.send_to_connection(2, "y"));
  EXPECT_EQ(closed, std::vector<std::uint64_t>{2});
  hub.detach(2);  // unknown: no second call
  EXPECT_EQ(closed.size(), 1u);
}

TEST(RealtimeHub, PingIsAnsweredWithPongAndTheSameId) {
  RealtimeHub hub;
  FakeConnection conn(1, 1);
  hub.dispatch(conn, R"({"type":"ping","id":"p1"})");
  auto reply = conn.last();
  EXPECT_EQ(reply.at("type").as_string(), "pong");
  EXPECT_EQ(reply.at("id").as_string(), "p1");
}

TEST(RealtimeHub, MalformedJsonGetsAnInvalidArgumentEnvelope) {
  RealtimeHub hub;
  FakeConnection conn(1, 1);
  hub.dispatch(conn, "{not json");
  auto reply = conn.last();
  EXPECT_EQ(reply.at("type").as_string(), "error");
  EXPECT_EQ(reply.at("error").at("code").as_string(), "invalid_argument");
  EXPECT_EQ(std::string(reply.at("error").at("message").as_string()).rfind("malformed JSON: ", 0), 0u);
}

// Found by json_fields_fuzz: Boost.JSON reads 1e999999 as infinity and writes it back as
// `Infinity` (not JSON), so a relayed signal would reach the other peer unreadable.
TEST(RealtimeHub, ANumberOutOfRangeIsRefusedBeforeAnyHandlerSeesIt) {
  RealtimeHub hub;
  bool handled = false;
  hub.on("meet.signal", [&](RealtimeConnection&, const boost::json::object&) { handled = true; });
  FakeConnection conn(1, 1);
  hub.dispatch(conn, R"({"type":"meet.signal","signal":{"x":[1844674e0551615]}})");
  auto reply = conn.last();
  EXPECT_FALSE(handled);
  EXPECT_EQ(reply.at("error").at("code").as_string(), "invalid_argument");
  EXPECT_EQ(reply.at("error").at("message").as_string(), "malformed JSON: a number is out of range");
  EXPECT_TRUE(json::numbers_finite(boost::json::parse(R"({"a":[1,2.5,-1e300,{"b":null}]})")));
  EXPECT_FALSE(json::numbers_finite(boost::json::parse(R"({"a":[{"b":-1e999}]})")));
  auto body = json::parse_object(R"({"text":"hi","n":1e400})");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().message, "malformed JSON: a number is out of range");
}

TEST(RealtimeHub, EnvelopeWithoutStringTypeIsInvalid) {
  RealtimeHub hub;
  FakeConnection conn(1, 1);
  hub.dispatch(conn, "[1,2]");
  EXPECT_EQ(conn.last().at("error").at("code").as_string(), "invalid_argument");
  hub.dispatch(conn, R"({"id":"x","type":5})");
  EXPECT_EQ(conn.last().at("error").at("code").as_string(), "invalid_argument");
  EXPECT_EQ(conn.last().at("id").as_string(), "x");
}

TEST(RealtimeHub, UnknownTypeIsNamedInTheError) {
  RealtimeHub hub;
  FakeConnection conn(1, 1);
  hub.dispatch(conn, R"({"type":"warp","id":"7"})");
  auto reply = conn.last();
  EXPECT_EQ(reply.at("error").at("code").as_string(), "unknown_type");
  EXPECT_NE(std::string(reply.at("error").at("message").as_string()).find("warp"), std::string::npos);
}

TEST(RealtimeHub, HandlerExceptionBecomesInternalError) {
  RealtimeHub hub;
  hub.on("explode", [](RealtimeConnection&, const boost::json::object&) { throw std::runtime_error("boom"); });
  FakeConnection conn(1, 1);
  hub.dispatch(conn, R"({"type":"explode","id":"e"})");
  EXPECT_EQ(conn.last().at("error").at("code").as_string(), "internal");
  EXPECT_EQ(conn.last().at("id").as_string(), "e");
}

TEST(RealtimeHub, SendsToEveryConnectionOfOneUserOnly) {
  RealtimeHub hub;
  auto a1 = attached(hub, 1, 10);
  auto a2 = attached(hub, 2, 10);
  auto b = attached(hub, 3, 20);
  EXPECT_EQ(hub.connection_count(), 3u);
  hub.send_to_user(10, "hello");
  EXPECT_EQ(a1->sent.size(), 1u);
  EXPECT_EQ(a2->sent.size(), 1u);
  EXPECT_TRUE(b->sent.empty());
  hub.close_user(20, 1008, "bye");
  EXPECT_EQ(b->closed_with, 1008);
  hub.detach(1);
  hub.send_to_user(10, "again");
  EXPECT_EQ(a1->sent.size(), 1u);
  EXPECT_EQ(a2->sent.size(), 2u);
  hub.close_all(1001, "shutdown");
  EXPECT_EQ(a2->closed_with, 1001);
  EXPECT_EQ(hub.connection_count(), 2u);
}

TEST(RealtimeHub, FanOutSharesOneFrameAcrossEveryConnectionOfTheUsers) {
  RealtimeHub hub;
  auto a1 = attached(hub, 1, 10);
  auto a2 = attached(hub, 2, 10);
  auto b = attached(hub, 3, 20);
  auto c = attached(hub, 4, 30);
  hub.send_to_users({10, 20, 99}, R"({"type":"message.new"})");
  ASSERT_EQ(a1->frames.size(), 1u);
  ASSERT_EQ(a2->frames.size(), 1u);
  ASSERT_EQ(b->frames.size(), 1u);
  EXPECT_TRUE(c->frames.empty());  // not a recipient
  EXPECT_EQ(*b->frames[0], R"({"type":"message.new"})");
  // One buffer, not one copy per socket.
  EXPECT_EQ(a1->frames[0].get(), a2->frames[0].get());
  EXPECT_EQ(a1->frames[0].get(), b->frames[0].get());

  // A user's tabs share the frame too; a closed connection is skipped.
  hub.detach(2);
  hub.send_to_user(10, "x");
  EXPECT_EQ(a1->frames.size(), 2u);
  EXPECT_EQ(a2->frames.size(), 1u);
  auto shared = share_text("y");
  EXPECT_TRUE(hub.send_to_connection(3, shared));
  EXPECT_EQ(b->frames.back().get(), shared.get());
  hub.send_to_users({}, "nobody");
  EXPECT_EQ(c->frames.size(), 0u);
}

TEST(RealtimeHub, ErrorEnvelopeOmitsAnEmptyId) {
  auto text = RealtimeHub::error_envelope("", make_error(ErrorCode::forbidden, "no"));
  auto envelope = boost::json::parse(text).as_object();
  EXPECT_FALSE(envelope.contains("id"));
  EXPECT_EQ(envelope.at("error").at("code").as_string(), "forbidden");
}

}  // namespace
}  // namespace meridian::net
