#include "meetings/webhooks.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "storage/migrations.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::meetings {
namespace {

// A receiver that answers each POST with the next scripted status.
class ScriptedPoster final : public HttpPoster {
 public:
  explicit ScriptedPoster(std::vector<int> statuses) : statuses_(std::move(statuses)) {}
  HttpPostResult post(const std::string& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers, std::int64_t) override {
    calls.push_back({url, body, headers});
    int status = statuses_.empty() ? 200 : statuses_.front();
    if (!statuses_.empty()) statuses_.erase(statuses_.begin());
    if (status == 0) return HttpPostResult{0, "connection refused"};
    return HttpPostResult{status, ""};
  }
  struct Call {
    std::string url, body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string header(std::string_view name) const {
      for (const auto& [n, v] : headers)
        if (n == name) return v;
      return "";
    }
  };
  std::vector<Call> calls;

 private:
  std::vector<int> statuses_;
};

class WebhooksTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = storage::testing::make_test_database(GetParam());
    ASSERT_TRUE(storage::apply_migrations(*db_, storage::schema_migrations()).ok());
  }
  std::unique_ptr<WebhookDispatcher> dispatcher(std::vector<int> statuses, int max_attempts = 3) {
    WebhookOptions o;
    o.urls = {"http://127.0.0.1:9/hook"};
    o.secret = "hook-secret";
    o.max_attempts = max_attempts;
    o.first_retry_ms = 1000;
    auto poster = std::make_unique<ScriptedPoster>(std::move(statuses));
    poster_ = poster.get();
    return std::make_unique<WebhookDispatcher>(*db_, clock_, o, std::move(poster));
  }
  void enqueue(WebhookDispatcher& d, std::string_view event) {
    ASSERT_TRUE(db_->write([&](storage::Session& s) {
                     return d.enqueue(s, event, boost::json::object{{"meeting_id", 5}});
                   })
                    .ok());
  }
  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
  ScriptedPoster* poster_ = nullptr;
};

TEST_P(WebhooksTest, SignsTheBodyWithHmacSha256OverTimestampAndBody) {
  auto d = dispatcher({200});
  enqueue(*d, "meeting.ended");
  ASSERT_EQ(*d->deliver_due(), 1);
  ASSERT_EQ(poster_->calls.size(), 1u);
  const auto& call = poster_->calls[0];
  EXPECT_EQ(call.header("X-Meridian-Event"), "meeting.ended");
  const std::string ts = call.header("X-Meridian-Timestamp");
  EXPECT_EQ(call.header("X-Meridian-Signature"), webhook_signature("hook-secret", ts, call.body));
  auto body = boost::json::parse(call.body).as_object();
  EXPECT_EQ(body.at("event").as_string(), "meeting.ended");
  EXPECT_EQ(body.at("data").at("meeting_id").as_int64(), 5);
  auto log = d->log(10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->front().status, "delivered");
  EXPECT_EQ(log->front().attempts, 1);
  EXPECT_EQ(*d->deliver_due(), 0);  // delivered once only
}

TEST_P(WebhooksTest, RetriesWithExponentialBackoffThenGivesUp) {
  auto d = dispatcher({500, 0, 503}, 3);
  enqueue(*d, "recording.started");
  ASSERT_EQ(*d->deliver_due(), 1);  // attempt 1: 500
  EXPECT_EQ(*d->deliver_due(), 0);  // not due yet
  clock_.advance_ms(999);
  EXPECT_EQ(*d->deliver_due(), 0);
  clock_.advance_ms(1);
  ASSERT_EQ(*d->deliver_due(), 1);  // attempt 2 after 1 s: no answer
  clock_.advance_ms(1999);
  EXPECT_EQ(*d->deliver_due(), 0);  // the next wait is 2 s
  clock_.advance_ms(1);
  ASSERT_EQ(*d->deliver_due(), 1);  // attempt 3: 503, the last
  clock_.advance_ms(3'600'000);
  EXPECT_EQ(*d->deliver_due(), 0);
  auto log = d->log(10);
  EXPECT_EQ(log->front().status, "failed");
  EXPECT_EQ(log->front().attempts, 3);
  EXPECT_EQ(log->front().last_status_code.value_or(0), 503);
}

TEST_P(WebhooksTest, AFailedAttemptIsRetriedUntilDelivered) {
  auto d = dispatcher({502, 204});
  enqueue(*d, "recording.stopped");
  ASSERT_EQ(*d->deliver_due(), 1);
  EXPECT_EQ(d->log(1)->front().last_error, "HTTP 502");
  clock_.advance_ms(1000);
  ASSERT_EQ(*d->deliver_due(), 1);
  EXPECT_EQ(d->log(1)->front().status, "delivered");
  EXPECT_EQ(d->log(1)->front().attempts, 2);
}

TEST_P(WebhooksTest, WithoutUrlsNothingIsRecorded) {
  WebhookDispatcher none(*db_, clock_, WebhookOptions{}, std::make_unique<ScriptedPoster>(std::vector<int>{}));
  ASSERT_TRUE(db_->write([&](storage::Session& s) { return none.enqueue(s, "x", {}); }).ok());
  EXPECT_TRUE(none.log(10)->empty());
}

INSTANTIATE_TEST_SUITE_P(Storage, WebhooksTest, ::testing::ValuesIn(storage::testing::test_database_kinds()));

}  // namespace
}  // namespace meridian::meetings
