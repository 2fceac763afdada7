#include "chat/chat_stream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <variant>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"

namespace meridian::chat {
namespace {

constexpr std::int64_t kConversation = 5;
constexpr std::int64_t kAna = 7;
constexpr std::int64_t kBen = 9;

// Storage as the stream reads it: changes by change_seq, committed up front.
class FakeSource final : public StreamSource {
 public:
  void store_message(std::int64_t change_seq) {
    std::lock_guard lock(mutex_);
    Message m;
    m.id = 100 + change_seq;
    m.conversation_id = kConversation;
    m.seq = change_seq;
    m.change_seq = change_seq;
    m.text = "message " + std::to_string(change_seq);
    changes_[change_seq] = m;
    last_seq_ = std::max(last_seq_, change_seq);
  }
  void store_purge(std::int64_t change_seq, std::vector<std::int64_t> message_ids) {
    std::lock_guard lock(mutex_);
    StreamNotice n;
    n.change_seq = change_seq;
    n.purge = Purge{change_seq, std::move(message_ids)};
    changes_[change_seq] = n;
    last_seq_ = std::max(last_seq_, change_seq);
  }
  void set_failing(bool failing) {
    std::lock_guard lock(mutex_);
    failing_ = failing;
  }
  // The (after, upto] ranges the stream read to fill holes.
  std::vector<std::pair<std::int64_t, std::int64_t>> fills() const {
    std::lock_guard lock(mutex_);
    return fills_;
  }

  Result<StreamFill> fill(std::int64_t conversation_id, std::int64_t after, std::int64_t upto,
                                       int limit) override {
    std::lock_guard lock(mutex_);
    if (failing_) return make_error(ErrorCode::unavailable, "the database is down");
    if (upto > 0) fills_.emplace_back(after, upto);
    StreamFill page;
    read(page, conversation_id, after, upto, limit);
    page.members = members_;
    page.last_seq = last_seq_;
    return page;
  }

  Result<ChangePage> changes(const Subject& who, std::int64_t conversation_id, std::int64_t after, int limit,
                             std::int64_t upto) override {
    std::lock_guard lock(mutex_);
    if (std::find(members_.begin(), members_.end(), who.user_id) == members_.end())
      return make_error(ErrorCode::not_found, "no such conversation");
    ChangePage page;
    read(page, conversation_id, after, upto, limit);
    return page;
  }

 private:
  void read(ChangePage& page, std::int64_t conversation_id, std::int64_t after, std::int64_t upto, int limit) const {
    page.conversation.id = conversation_id;
    for (auto it = changes_.upper_bound(after); it != changes_.end() && it->first <= upto; ++it) {
      if (static_cast<int>(page.items.size() + page.notices.size()) == limit) {
        page.has_more = true;
        break;
      }
      if (auto* m = std::get_if<Message>(&it->second)) page.items.push_back(*m);
      if (auto* n = std::get_if<StreamNotice>(&it->second)) page.notices.push_back(*n);
      page.to = it->first;
    }
  }

  mutable std::mutex mutex_;
  std::map<std::int64_t, std::variant<Message, StreamNotice>> changes_;
  std::vector<std::int64_t> members_{kAna, kBen};
  std::int64_t last_seq_ = 0;
  bool failing_ = false;
  std::vector<std::pair<std::int64_t, std::int64_t>> fills_;
};

// Each person's sockets on this node, as the events reached them.
class FakeSink final : public StreamSink {
 public:
  void send_to_user(std::int64_t user_id, const std::string& text) override {
    std::lock_guard lock(mutex_);
    inbox_[user_id].push_back(boost::json::parse(text).as_object());
  }
  void send_to_users(const std::vector<std::int64_t>& user_ids, const std::string& text) override {
    for (auto u : user_ids) send_to_user(u, text);
  }
  std::vector<boost::json::object> events(std::int64_t user_id) const {
    std::lock_guard lock(mutex_);
    auto it = inbox_.find(user_id);
    return it == inbox_.end() ? std::vector<boost::json::object>{} : it->second;
  }
  std::vector<std::int64_t> change_seqs(std::int64_t user_id) const {
    std::vector<std::int64_t> out;
    for (const auto& e : events(user_id)) out.push_back(e.at("change_seq").as_int64());
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::vector<boost::json::object>> inbox_;
};

class FakeConnection final : public net::RealtimeConnection {
 public:
  explicit FakeConnection(std::int64_t user_id) { subject_.user_id = user_id; }
  std::uint64_t id() const override { return 1; }
  const Subject& subject() const override { return subject_; }
  void send(net::SharedText text) override { sent.push_back(boost::json::parse(*text).as_object()); }
  void close(std::uint16_t, std::string) override {}

  std::vector<boost::json::object> sent;

 private:
  Subject subject_;
};

// An event as it comes over the bus, marked so that a test tells it from one read from storage.
ChatStream::Item live(std::int64_t change_seq) {
  const std::string text = json::serialize(boost::json::object{
      {"type", "message.new"}, {"conversation_id", kConversation}, {"change_seq", change_seq}, {"via", "bus"}});
  return ChatStream::Item{change_seq, [text](std::int64_t) { return text; }, false};
}

std::vector<ChatStream::Item> items(std::initializer_list<std::int64_t> change_seqs) {
  std::vector<ChatStream::Item> out;
  for (auto s : change_seqs) out.push_back(live(s));
  return out;
}

bool via_bus(const boost::json::object& event) { return event.contains("via"); }

class ChatStreamTest : public ::testing::Test {
 protected:
  void publish(std::initializer_list<std::int64_t> change_seqs) {
    stream_.publish(kConversation, {kAna, kBen}, items(change_seqs));
  }

  FakeSource source_;
  FakeSink sink_;
  ChatStream stream_{source_, sink_};
};

using Seqs = std::vector<std::int64_t>;

TEST_F(ChatStreamTest, EventsGoOutInChangeOrderToEveryRecipient) {
  stream_.taken(kConversation, 1);
  publish({1});
  publish({2, 3});
  publish({4});
  EXPECT_EQ(sink_.change_seqs(kAna), (Seqs{1, 2, 3, 4}));
  EXPECT_EQ(sink_.change_seqs(kBen), (Seqs{1, 2, 3, 4}));
  EXPECT_TRUE(source_.fills().empty());
}

TEST_F(ChatStreamTest, TheFirstPublishStartsTheStreamWhenNothingWasTakenSinceStart) {
  publish({10});
  publish({11});
  EXPECT_EQ(sink_.change_seqs(kAna), (Seqs{10, 11}));
  EXPECT_TRUE(source_.fills().empty());
}

TEST_F(ChatStreamTest, AHoleIsFilledFromStorageBeforeTheEventAfterIt) {
  stream_.taken(kConversation, 5);  // 5 is committed; its publisher is still on its way
  source_.store_message(5);
  source_.store_message(6);
  publish({6});
  const auto events = sink_.events(kAna);
  ASSERT_EQ(sink_.change_seqs(kAna), (Seqs{5, 6}));
  EXPECT_FALSE(via_bus(events[0]));
  EXPECT_EQ(events[0].at("type").as_string(), "message.new");
  EXPECT_EQ(events[0].at("message").as_object().at("text").as_string(), "message 5");
  EXPECT_TRUE(via_bus(events[1]));
  EXPECT_EQ(source_.fills(), (std::vector<std::pair<std::int64_t, std::int64_t>>{{4, 5}}));
}

TEST_F(ChatStreamTest, AnEventArrivingAfterItsHoleWasFilledIsDropped) {
  stream_.taken(kConversation, 5);
  source_.store_message(5);
  source_.store_message(6);
  publish({6});
  publish({5});  // the late publisher
  EXPECT_EQ(sink_.change_seqs(kAna), (Seqs{5, 6}));
  EXPECT_EQ(sink_.change_seqs(kBen), (Seqs{5, 6}));
}

TEST_F(ChatStreamTest, AWiderHoleIsFilledWithMessagesAndNoticesInChangeOrder) {
  stream_.taken(kConversation, 1);
  source_.store_message(1);
  source_.store_purge(2, {101});
  source_.store_message(3);
  publish({4});
  const auto events = sink_.events(kAna);
  ASSERT_EQ(sink_.change_seqs(kAna), (Seqs{1, 2, 3, 4}));
  EXPECT_EQ(events[1].at("type").as_string(), "messages.purged");
}

TEST_F(ChatStreamTest, ADuplicateEventIsDeliveredOnce) {
  stream_.taken(kConversation, 1);
  publish({1});
  publish({1});
  publish({1, 2});
  publish({2});
  EXPECT_EQ(sink_.change_seqs(kAna), (Seqs{1, 2}));
  EXPECT_TRUE(source_.fills().empty());
}

TEST_F(ChatStreamTest, ConversationsHaveStreamsOfTheirOwn) {
  stream_.taken(kConversation, 1);
  stream_.taken(6, 40);
  publish({1});
  stream_.publish(6, {kAna}, items({40}));
  publish({2});
  EXPECT_EQ(sink_.change_seqs(kAna), (Seqs{1, 40, 2}));
  EXPECT_EQ(sink_.change_seqs(kBen), (Seqs{1, 2}));
}

TEST_F(ChatStreamTest, AnEventWithReactionsIsRenderedForEachViewer) {
  stream_.taken(kConversation, 1);
  std::vector<ChatStream::Item> batch;
  batch.push_back(
      ChatStream::Item{1,
                       [](std::int64_t viewer) {
                         return json::serialize(boost::json::object{{"change_seq", 1}, {"me", viewer == kBen}});
                       },
                       true});
  stream_.publish(kConversation, {kAna, kBen}, std::move(batch));
  EXPECT_FALSE(sink_.events(kAna).at(0).at("me").as_bool());
  EXPECT_TRUE(sink_.events(kBen).at(0).at("me").as_bool());
}

TEST_F(ChatStreamTest, EventsPublishedFromManyThreadsGoOutInOrderWithoutGapsOrRepeats) {
  constexpr std::int64_t kEvents = 400;
  constexpr int kThreads = 4;
  stream_.taken(kConversation, 1);
  for (std::int64_t s = 1; s <= kEvents; ++s) source_.store_message(s);
  std::atomic<std::int64_t> next{1};
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t)
    posters.emplace_back([&] {
      // Each poster publishes the numbers it took, after "commit", racing the others.
      for (std::int64_t s = next++; s <= kEvents; s = next++) publish({s});
    });
  for (auto& t : posters) t.join();
  Seqs expected(kEvents);
  for (std::int64_t s = 0; s < kEvents; ++s) expected[static_cast<std::size_t>(s)] = s + 1;
  EXPECT_EQ(sink_.change_seqs(kAna), expected);
  EXPECT_EQ(sink_.change_seqs(kBen), expected);
}

TEST_F(ChatStreamTest, ReplaySendsItsMarkerThenTheChangesAfterTheCursor) {
  source_.store_message(1);
  source_.store_message(2);
  source_.store_message(3);
  FakeConnection ana(kAna);
  const boost::json::value request_id = "r1";
  stream_.replay(ana, &request_id, kConversation, 1);
  ASSERT_EQ(ana.sent.size(), 3u);
  EXPECT_EQ(ana.sent[0].at("type").as_string(), "sync.replay");
  EXPECT_EQ(ana.sent[0].at("id").as_string(), "r1");
  EXPECT_EQ(ana.sent[0].at("from").as_int64(), 1);
  EXPECT_EQ(ana.sent[0].at("to").as_int64(), 3);
  EXPECT_TRUE(ana.sent[0].at("complete").as_bool());
  EXPECT_EQ(ana.sent[1].at("change_seq").as_int64(), 2);
  EXPECT_EQ(ana.sent[2].at("change_seq").as_int64(), 3);
  EXPECT_EQ(ana.sent[2].at("type").as_string(), "message.new");
}

TEST_F(ChatStreamTest, LiveEventsAfterAReplayContinueWhereItEnded) {
  source_.store_message(1);
  source_.store_message(2);
  FakeConnection ana(kAna);
  stream_.replay(ana, nullptr, kConversation, 0);
  source_.store_message(3);
  publish({2, 3});  // 2 went out in the replay
  EXPECT_EQ(sink_.change_seqs(kAna), (Seqs{3}));
}

TEST_F(ChatStreamTest, ACursorAheadOfWhatWasPublishedSendsTheCommittedChangesToEveryoneFirst) {
  stream_.taken(kConversation, 1);
  source_.store_message(1);
  source_.store_message(2);
  FakeConnection ana(kAna);
  stream_.replay(ana, nullptr, kConversation, 2);  // ana saw her ack for 2 before its event
  EXPECT_EQ(sink_.change_seqs(kBen), (Seqs{1, 2}));
  ASSERT_EQ(ana.sent.size(), 1u);
  EXPECT_EQ(ana.sent[0].at("from").as_int64(), 2);
  EXPECT_EQ(ana.sent[0].at("to").as_int64(), 2);
  publish({1});
  publish({2});
  EXPECT_EQ(sink_.change_seqs(kBen), (Seqs{1, 2}));
}

TEST_F(ChatStreamTest, ACursorBeyondTheLastChangeIsRefusedAndLaterEventsStillGoOut) {
  stream_.taken(kConversation, 1);
  source_.store_message(1);
  publish({1});
  FakeConnection ana(kAna);
  stream_.replay(ana, nullptr, kConversation, 50);  // a client's mistake, or a forged cursor
  ASSERT_EQ(ana.sent.size(), 1u);
  EXPECT_EQ(ana.sent[0].at("error").as_object().at("code").as_string(), "invalid_argument");
  source_.store_message(2);
  source_.store_message(3);
  publish({2});
  publish({3});
  EXPECT_EQ(sink_.change_seqs(kBen), (Seqs{1, 2, 3}));
}

TEST_F(ChatStreamTest, ReplayToSomeoneWhoMayNotReadTheConversationCarriesTheRefusalOnly) {
  source_.store_message(1);
  FakeConnection stranger(3);
  stream_.replay(stranger, nullptr, kConversation, 0);
  ASSERT_EQ(stranger.sent.size(), 1u);
  EXPECT_EQ(stranger.sent[0].at("type").as_string(), "sync.replay");
  EXPECT_EQ(stranger.sent[0].at("error").as_object().at("code").as_string(), "not_found");
}

TEST_F(ChatStreamTest, ReplayWhenStorageIsDownCarriesTheError) {
  FakeConnection ana(kAna);
  source_.set_failing(true);
  stream_.replay(ana, nullptr, kConversation, 0);
  ASSERT_EQ(ana.sent.size(), 1u);
  EXPECT_EQ(ana.sent[0].at("error").as_object().at("code").as_string(), "unavailable");
}

}  // namespace
}  // namespace meridian::chat
