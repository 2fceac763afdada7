// Streamed answers that survive a reload: the text so far is stored as it streams (in
// batches), a subscriber gets it and then the rest, the finished answer is stored with its
// citations; only the asker reads, subscribes or stops; refusals come at once; answers
// left streaming by a node that went away end failed; on both stores.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ai/answer_streams.hpp"
#include "ai/ai_test_support.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::ai {
namespace {

const char* const kHandbook =
    "# Refunds\nRefunds are accepted within 30 days of purchase. Keep the receipt for the refund.\n"
    "Refunds over 500 euros need the receipt and a manager's approval.\n";

// The built-in answer, streamed word by word; it waits at a gate after `hold_after` pieces
// until the test opens it (no timing: the test sees the answer stopped mid-way).
class Gated final : public testing::BuiltinBacked {
 public:
  std::string_view name() const override { return "gated"; }
  Result<Answer> answer(const std::string& q, const std::vector<Passage>& passages, const StreamCallback& s) override {
    MERIDIAN_ASSIGN_OR_RETURN(auto whole, builtin_.answer(q, passages, nullptr));
    std::vector<std::string> pieces;
    for (std::size_t i = 0; i < whole.text.size();) {
      auto sp = whole.text.find(' ', i + 1);
      if (sp == std::string::npos) sp = whole.text.size();
      pieces.push_back(whole.text.substr(i, sp - i));
      i = sp;
    }
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (i == hold_after) {
        std::unique_lock lock(m_);
        reached_ = true;
        cv_.notify_all();
        cv_.wait(lock, [&] { return open_; });
      }
      if (s && !s(pieces[i])) break;
    }
    return whole;
  }
  void wait_reached() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return reached_; });
  }
  void open() {
    std::lock_guard lock(m_);
    open_ = true;
    cv_.notify_all();
  }
  std::size_t hold_after = 3;

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool reached_ = false;
  bool open_ = false;
};

class Socket final : public net::RealtimeConnection {
 public:
  Socket(std::uint64_t id, Subject who) : id_(id), subject_(std::move(who)) {}
  std::uint64_t id() const override { return id_; }
  const Subject& subject() const override { return subject_; }
  void send(net::SharedText text) override {
    std::lock_guard lock(m_);
    frames_.push_back(boost::json::parse(*text).as_object());
  }
  void close(std::uint16_t, std::string) override {}
  std::vector<boost::json::object> frames() {
    std::lock_guard lock(m_);
    return frames_;
  }
  // The text this socket saw: the last snapshot's, then every delta after it.
  std::string text() {
    std::string out;
    for (const auto& f : frames()) {
      const auto type = f.at("type").as_string();
      if (type == "ai.answer.snapshot") out = std::string(f.at("answer").at("text").as_string());
      if (type == "ai.answer.delta") {
        EXPECT_EQ(f.at("offset").as_int64(), static_cast<std::int64_t>(out.size()));
        out += std::string(f.at("text").as_string());
      }
    }
    return out;
  }
  bool done() {
    for (const auto& f : frames())
      if (f.at("type").as_string() == "ai.answer.done") return true;
    return false;
  }

 private:
  std::uint64_t id_;
  Subject subject_;
  std::mutex m_;
  std::vector<boost::json::object> frames_;
};

class AnswerStreamsTest : public testing::AiTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AiTest::SetUp());
    ana_ = person("ana");
    ben_ = person("ben");
    gated_ = ask_with(std::make_unique<Gated>());
    AnswerStreamOptions o;
    o.flush_bytes = 1;  // every piece saved: the test reads the store mid-way
    o.flush_ms = 1'000'000;
    streams_ = std::make_unique<AnswerStreams>(*db_, *ai_, hub_, clock_, o);
    file_ = upload(ana_, personal_space(ana_), 0, "handbook.md", kHandbook, "text/markdown");
  }
  void TearDown() override {
    gated_->open();
    streams_.reset();
    AiTest::TearDown();
  }
  std::shared_ptr<Socket> socket(const Subject& who) {
    auto s = std::make_shared<Socket>(++next_socket_, who);
    hub_.attach(s);
    return s;
  }

  Subject ana_, ben_;
  files::Node file_;
  Gated* gated_ = nullptr;
  net::RealtimeHub hub_;
  std::unique_ptr<AnswerStreams> streams_;
  std::uint64_t next_socket_ = 0;
};

TEST_P(AnswerStreamsTest, TheTextSoFarIsStoredAndALateSubscriberGetsItThenTheRest) {
  auto started = streams_->start(ana_, "How many days for a refund?", {.file_id = file_.id});
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(started->status, "streaming");
  EXPECT_EQ(started->scope, "file:" + std::to_string(file_.id));
  auto early = socket(ana_);
  ASSERT_TRUE(streams_->subscribe(*early, started->id, "s1").ok());
  gated_->wait_reached();

  // Mid-way: the store holds the first pieces (a reload reads them), the answer is not done.
  auto stored = rows("SELECT status, body FROM ai_answers WHERE id = ?", {started->id});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_TRUE(stored[0].starts_with("streaming|Refunds are accepted|")) << stored[0];
  auto mid = streams_->get(ana_, started->id);
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid->text, "Refunds are accepted");

  // "After a reload": a new connection subscribes and gets the text so far, then the rest.
  auto late = socket(ana_);
  ASSERT_TRUE(streams_->subscribe(*late, started->id, "s2").ok());
  auto first = late->frames().front();
  EXPECT_EQ(first.at("type").as_string(), "ai.answer.snapshot");
  EXPECT_EQ(first.at("id").as_string(), "s2");
  EXPECT_EQ(first.at("answer").at("text").as_string(), "Refunds are accepted");
  EXPECT_EQ(first.at("answer").at("status").as_string(), "streaming");

  gated_->open();
  streams_->wait_idle();
  auto done = streams_->get(ana_, started->id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, "done");
  EXPECT_EQ(done->provider, "gated");
  EXPECT_NE(done->text.find("Refunds are accepted within 30 days of purchase. [1]"), std::string::npos) << done->text;
  EXPECT_NE(done->result.find("\"quote\":\"Refunds are accepted within 30 days of purchase.\""), std::string::npos)
      << done->result;
  EXPECT_EQ(early->text(), done->text);
  EXPECT_EQ(late->text(), done->text);
  EXPECT_TRUE(early->done());
  EXPECT_TRUE(late->done());
  EXPECT_EQ(rows("SELECT status, body FROM ai_answers WHERE id = ?", {started->id}),
            std::vector<std::string>{"done|" + done->text + "|"});

  // After it ended: the stored answer, whole, with its citations.
  auto after = socket(ana_);
  ASSERT_TRUE(streams_->subscribe(*after, started->id, "s3").ok());
  auto snap = after->frames().front();
  EXPECT_EQ(snap.at("answer").at("status").as_string(), "done");
  EXPECT_EQ(snap.at("answer").at("text").as_string(), done->text);
  const auto& citations = snap.at("answer").at("result").at("citations").as_array();
  ASSERT_FALSE(citations.empty());
  EXPECT_EQ(citations[0].at("file_id").as_int64(), file_.id);
  auto listed = streams_->list(ana_, "file:" + std::to_string(file_.id), 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, started->id);
}

TEST_P(AnswerStreamsTest, OnlyTheAskerReadsSubscribesOrStops) {
  auto started = streams_->start(ana_, "How many days for a refund?", {.file_id = file_.id});
  ASSERT_TRUE(started.ok());
  gated_->wait_reached();
  EXPECT_EQ(streams_->get(ben_, started->id).error().code, ErrorCode::not_found);
  auto bens = socket(ben_);
  auto sub = streams_->subscribe(*bens, started->id, "b1");
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.error().code, ErrorCode::not_found);
  EXPECT_TRUE(bens->frames().empty());
  EXPECT_EQ(streams_->stop_answer(ben_, started->id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(streams_->list(ben_, "", 10)->empty());
  gated_->open();
  streams_->wait_idle();
  EXPECT_EQ(streams_->get(ana_, started->id)->status, "done");  // Ben's stop did nothing
  EXPECT_TRUE(bens->frames().empty());
}

TEST_P(AnswerStreamsTest, RefusalsComeAtOnceAndStoreNothing) {
  auto other = streams_->start(ben_, "refunds", {.file_id = file_.id});  // Ana's file
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::not_found);
  EXPECT_EQ(streams_->start(ana_, "   ", {.file_id = file_.id}).error().code, ErrorCode::invalid_argument);
  toggle("ai.copilot", "PT", false);
  auto off = streams_->start(ana_, "refunds", {.file_id = file_.id});
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().code, ErrorCode::forbidden);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM ai_answers"), std::vector<std::string>{"0|"});
}

TEST_P(AnswerStreamsTest, StoppedKeepsWhatWasWrittenAndTooManyAtOnceIsRefused) {
  auto started = streams_->start(ana_, "How many days for a refund?", {.file_id = file_.id});
  ASSERT_TRUE(started.ok());
  gated_->wait_reached();
  auto second = streams_->start(ana_, "receipt refunds", {.file_id = file_.id});
  ASSERT_TRUE(second.ok());
  auto third = streams_->start(ana_, "manager approval", {.file_id = file_.id});
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::rate_limited);
  EXPECT_NE(third.error().message.find("2 answers being written"), std::string::npos) << third.error().message;

  auto stopping = streams_->stop_answer(ana_, started->id);
  ASSERT_TRUE(stopping.ok());
  gated_->open();
  streams_->wait_idle();
  auto stopped = streams_->get(ana_, started->id);
  EXPECT_EQ(stopped->status, "stopped");
  EXPECT_EQ(stopped->text, "Refunds are accepted");
  EXPECT_EQ(streams_->get(ana_, second->id)->status, "done");
}

TEST_P(AnswerStreamsTest, AnAnswerLeftStreamingByANodeThatWentAwayEndsFailed) {
  auto started = streams_->start(ana_, "How many days for a refund?", {.file_id = file_.id});
  ASSERT_TRUE(started.ok());
  gated_->wait_reached();
  // Another node's streams over the same store: this answer is not running there.
  AnswerStreams other(*db_, *ai_, hub_, clock_);
  ASSERT_EQ(*other.recover(), 0);  // fresh: its writer may still be at work
  clock_.advance_ms(11 * 60'000);
  auto s = socket(ana_);
  ASSERT_TRUE(other.subscribe(*s, started->id, "x").ok());
  EXPECT_EQ(s->frames().front().at("answer").at("status").as_string(), "failed");
  ASSERT_EQ(*other.recover(), 1);
  EXPECT_EQ(rows("SELECT status FROM ai_answers WHERE id = ?", {started->id}), std::vector<std::string>{"failed|"});
}

TEST_P(AnswerStreamsTest, StoppingTheServerEndsARunningAnswerWithItsText) {
  auto started = streams_->start(ana_, "How many days for a refund?", {.file_id = file_.id});
  ASSERT_TRUE(started.ok());
  gated_->wait_reached();
  std::thread stopper([&] { streams_->stop(); });
  while (!streams_->stopping()) std::this_thread::yield();  // the answer is told to stop before it goes on
  gated_->open();
  stopper.join();
  auto row = rows("SELECT status, body, error FROM ai_answers WHERE id = ?", {started->id});
  EXPECT_EQ(row, std::vector<std::string>{
                     "stopped|Refunds are accepted|the server was stopped while writing this answer; ask again|"});
  EXPECT_EQ(streams_->start(ana_, "refunds", {.file_id = file_.id}).error().code, ErrorCode::unavailable);
}

INSTANTIATE_TEST_SUITE_P(Stores, AnswerStreamsTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::ai
