// Scheduled alerts: sent once at their wall-clock time in their zone (across a DST switch),
// a recurring one once per occurrence with missed ones not sent one by one, each
// occurrence once with two nodes on one store, stopped when the sender may no longer
// send; refusals and cancellation. Both stores; an injectable clock.
#include <gtest/gtest.h>

#include <thread>

#include "alerts/alert_scheduler.hpp"
#include "alerts/alerts_json.hpp"
#include "alerts/alerts_service.hpp"
#include "alerts/alerts_test_support.hpp"
#include "alerts/recording_sink.hpp"
#include "core/json_fields.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"

namespace meridian::alerts {
namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;
// 2026-03-28T00:00:00Z, the Saturday before Berlin springs forward.
constexpr UnixMillis kSaturday = 1'774'656'000'000;

class SchedulesTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    clock_.set_ms(kSaturday);
    alerts_ = std::make_unique<AlertsService>(*db_, policy_, clock_, audit_.get());
    admin_ = person("root", UserKind::employee, "PT", "UTC", std::vector<Role>{Role::admin});
    dora_ = person("dora", UserKind::employee, "DE", "UTC");
    always_working(*db_, {dora_.user_id});
    node_a_ = std::make_unique<AlertScheduler>(*alerts_, sink_, SchedulerOptions{"node-a", 1000, 30'000, 100});
    node_b_ = std::make_unique<AlertScheduler>(*alerts_, sink_, SchedulerOptions{"node-b", 1000, 30'000, 3});
  }

  NewSchedule at(const std::string& local, const std::string& rrule = "", const std::string& zone = "Europe/Berlin") {
    NewSchedule in;
    in.alert.title = "Stand-up";
    in.alert.priority = Priority::info;
    in.alert.audience.countries = {"DE"};
    in.alert_json = json::serialize(boost::json::object{
        {"title", "Stand-up"}, {"priority", "info"}, {"audience", audience_json(in.alert.audience)}});
    in.series = recurrence::Series{*recurrence::parse_local(local), zone, rrule};
    return in;
  }

  Schedule create(NewSchedule in, const Subject* who = nullptr) {
    auto x = alerts_->schedule(who ? *who : admin_, std::move(in));
    EXPECT_TRUE(x.ok()) << (x.ok() ? "" : x.error().message);
    return x.ok() ? *x : Schedule{};
  }

  Schedule reload(std::int64_t id) {
    auto all = alerts_->schedules(admin_, 200);
    for (const auto& x : *all)
      if (x.id == id) return x;
    ADD_FAILURE() << "no schedule " << id;
    return {};
  }

  int run(AlertScheduler& node) {
    auto n = node.run_due();
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<AlertsService> alerts_;
  RecordingSink sink_;
  std::unique_ptr<AlertScheduler> node_a_, node_b_;
  Subject admin_, dora_;
};

TEST_P(SchedulesTest, AOneOffAlertIsSentOnceAtItsWallClockTimeAsItsSender) {
  auto x = create(at("2026-03-28T09:00"));
  EXPECT_EQ(x.next_at, kSaturday + 8 * kHour) << "09:00 CET is 08:00 UTC";
  clock_.set_ms(kSaturday + 8 * kHour - 1);
  EXPECT_EQ(run(*node_a_), 0);
  clock_.advance_ms(1);
  EXPECT_EQ(run(*node_a_), 1);
  EXPECT_EQ(run(*node_b_), 0) << "sent once";
  auto sent = sink_.taken_sends();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].alert.sender_id, admin_.user_id);
  EXPECT_EQ(sent[0].recipients, (std::vector<std::int64_t>{dora_.user_id}));
  auto now = reload(x.id);
  EXPECT_EQ(now.state, "done");
  EXPECT_EQ(now.fired_count, 1);
  EXPECT_EQ(now.last_alert_id, sent[0].alert.id);
  EXPECT_FALSE(now.next_at.has_value());
}

TEST_P(SchedulesTest, NineInBerlinIsSentAtNineOnTheDayItSpringsForward) {
  auto x = create(at("2026-03-28T09:00", "FREQ=DAILY;COUNT=3"));
  clock_.set_ms(kSaturday + 8 * kHour);
  EXPECT_EQ(run(*node_a_), 1);
  EXPECT_EQ(reload(x.id).next_at, kSaturday + kDay + 7 * kHour) << "Sunday 09:00 CEST is 07:00 UTC";
  clock_.set_ms(kSaturday + kDay + 7 * kHour - 1);
  EXPECT_EQ(run(*node_a_), 0);
  clock_.advance_ms(1);
  EXPECT_EQ(run(*node_b_), 1);
  EXPECT_EQ(sink_.taken_sends().size(), 2u);
}

TEST_P(SchedulesTest, OccurrencesMissedWhileNoNodeRanAreSentOnceNotOneByOne) {
  auto x = create(at("2026-04-01T09:00", "FREQ=DAILY;COUNT=5"));
  clock_.set_ms(*x.next_at);
  EXPECT_EQ(run(*node_a_), 1);
  // Down from April 1 until April 4, 12:00: the 2nd, 3rd and 4th were missed.
  clock_.set_ms(*x.next_at + 3 * kDay + 5 * kHour);
  EXPECT_EQ(run(*node_a_), 1) << "one late send for the missed ones";
  auto now = reload(x.id);
  EXPECT_EQ(now.fired_count, 2);
  EXPECT_EQ(now.next_at, *x.next_at + 4 * kDay) << "then the next one after now";
  clock_.set_ms(*now.next_at);
  EXPECT_EQ(run(*node_b_), 1);
  EXPECT_EQ(reload(x.id).state, "done") << "COUNT=5 ended on April 5";
  EXPECT_EQ(sink_.taken_sends().size(), 3u);
}

TEST_P(SchedulesTest, TwoNodesSendEachOccurrenceOnce) {
  for (int i = 0; i < 12; ++i) create(at("2026-03-28T10:00"));
  clock_.set_ms(kSaturday + 9 * kHour);
  std::vector<std::thread> threads;
  for (auto* node : {node_a_.get(), node_b_.get(), node_a_.get(), node_b_.get()})
    threads.emplace_back([this, node] { run(*node); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(sink_.taken_sends().size(), 12u);
  EXPECT_EQ(alerts_->sent(admin_, 200)->size(), 12u) << "one alert per schedule";
}

TEST_P(SchedulesTest, ASenderWhoMayNoLongerSendStopsTheSchedule) {
  Subject other = person("ops", UserKind::employee, "PT", "UTC", std::vector<Role>{Role::admin});
  auto x = create(at("2026-03-28T10:00"), &other);
  ASSERT_TRUE(identity_->deactivate_user(audit::Actor{}, other.user_id).ok());
  clock_.set_ms(kSaturday + 9 * kHour);
  EXPECT_EQ(run(*node_a_), 0);
  EXPECT_EQ(reload(x.id).state, "stopped");
  EXPECT_TRUE(sink_.taken_sends().empty());
}

TEST_P(SchedulesTest, RefusalsAndCancellation) {
  EXPECT_EQ(alerts_->schedule(dora_, at("2026-03-28T10:00")).error().code, ErrorCode::forbidden);
  EXPECT_EQ(alerts_->schedule(admin_, at("2026-03-27T10:00")).error().code, ErrorCode::invalid_argument)
      << "in the past";
  EXPECT_EQ(alerts_->schedule(admin_, at("2026-03-28T10:00", "", "Europe/Atlantis")).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(alerts_->schedule(admin_, at("2026-03-28T10:00", "FREQ=YEARLY")).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(alerts_->schedule(admin_, at("2026-03-20T10:00", "FREQ=DAILY;COUNT=2")).error().code,
            ErrorCode::invalid_argument)
      << "a series that ended";
  auto nobody = at("2026-03-28T10:00");
  nobody.alert.audience = {};
  EXPECT_EQ(alerts_->schedule(admin_, nobody).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(alerts_->schedules(dora_, 10).error().code, ErrorCode::forbidden);

  auto x = create(at("2026-03-28T10:00"));
  EXPECT_EQ(alerts_->cancel_schedule(dora_, x.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(alerts_->cancel_schedule(admin_, 999999).error().code, ErrorCode::not_found);
  auto cancelled = alerts_->cancel_schedule(admin_, x.id);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->state, "cancelled");
  clock_.set_ms(kSaturday + 9 * kHour);
  EXPECT_EQ(run(*node_a_), 0);
  EXPECT_TRUE(sink_.taken_sends().empty());
}

TEST_P(SchedulesTest, NineInEachRecipientsLocalTimeReachesEachZoneAtItsOwnNine) {
  Subject berta = person("berta", UserKind::employee, "DE", "Europe/Berlin");
  Subject nick = person("nick", UserKind::employee, "US", "America/New_York");
  always_working(*db_, {berta.user_id, nick.user_id});
  auto in = at("2026-03-28T09:00", "FREQ=DAILY;COUNT=2", "");
  in.recipient_local = true;
  in.alert.audience = Audience{};
  in.alert.audience.user_ids = {berta.user_id, nick.user_id};
  in.alert_json = json::serialize(
      boost::json::object{{"title", "Stand-up"}, {"priority", "info"}, {"audience", audience_json(in.alert.audience)}});
  auto x = create(in);
  ASSERT_EQ(x.zones.size(), 2u);
  EXPECT_EQ(x.next_at, kSaturday + 8 * kHour) << "Berlin's 09:00 comes first";

  // Saturday: 09:00 CET is 08:00 UTC; New York has been on EDT since March 8: 13:00 UTC.
  clock_.set_ms(kSaturday + 8 * kHour);
  EXPECT_EQ(run(*node_a_), 1);
  auto sent = sink_.taken_sends();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].recipients, (std::vector<std::int64_t>{berta.user_id}));
  clock_.set_ms(kSaturday + 13 * kHour - 1);
  EXPECT_EQ(run(*node_b_), 0);
  clock_.advance_ms(1);
  EXPECT_EQ(run(*node_b_), 1);
  sent = sink_.taken_sends();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].recipients, (std::vector<std::int64_t>{nick.user_id}));

  // Sunday, Berlin springs forward: its 09:00 is 07:00 UTC; New York's stays 13:00 UTC.
  EXPECT_EQ(reload(x.id).next_at, kSaturday + kDay + 7 * kHour);
  clock_.set_ms(kSaturday + kDay + 13 * kHour);
  std::vector<std::thread> threads;
  for (auto* node : {node_a_.get(), node_b_.get(), node_a_.get(), node_b_.get()})
    threads.emplace_back([this, node] { run(*node); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(sink_.taken_sends().size(), 2u) << "each zone's occurrence once, with two nodes";
  auto now = reload(x.id);
  EXPECT_EQ(now.state, "done") << "COUNT=2 in every zone";
  EXPECT_EQ(now.fired_count, 4);
  for (const auto& z : now.zones) EXPECT_EQ(z.fired_count, 2) << z.time_zone;

  auto bad = at("2026-03-28T09:00", "", "");
  bad.recipient_local = true;
  bad.alert.dedup_key = "standup";
  EXPECT_EQ(alerts_->schedule(admin_, bad).error().code, ErrorCode::invalid_argument) << "one alert per zone";
}

TEST_P(SchedulesTest, PausedOccurrencesAreNotSentAndOnlyItsSenderOrAnAdminPauses) {
  auto x = create(at("2026-03-28T09:00", "FREQ=DAILY"));
  EXPECT_EQ(alerts_->pause_schedule(dora_, x.id).error().code, ErrorCode::not_found);
  auto paused = alerts_->pause_schedule(admin_, x.id);
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->state, "paused");
  clock_.set_ms(kSaturday + 2 * kDay + 12 * kHour);  // Monday noon: Saturday's, Sunday's and Monday's passed
  EXPECT_EQ(run(*node_a_), 0);
  auto resumed = alerts_->resume_schedule(admin_, x.id);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->state, "active");
  EXPECT_EQ(resumed->next_at, kSaturday + 3 * kDay + 7 * kHour) << "Tuesday 09:00 CEST; none of the paused ones";
  EXPECT_EQ(run(*node_a_), 0);
  clock_.set_ms(*resumed->next_at);
  EXPECT_EQ(run(*node_a_), 1);
  ASSERT_TRUE(alerts_->cancel_schedule(admin_, x.id).ok());
  EXPECT_EQ(alerts_->resume_schedule(admin_, x.id).error().code, ErrorCode::conflict);
  EXPECT_EQ(alerts_->pause_schedule(admin_, x.id).error().code, ErrorCode::conflict);
}

TEST_P(SchedulesTest, ARestartNeverSendsAnOccurrenceTwiceAndADeadNodesClaimIsTakenOver) {
  auto first = create(at("2026-03-28T09:00", "FREQ=DAILY;COUNT=3"));
  clock_.set_ms(*first.next_at);
  EXPECT_EQ(run(*node_a_), 1);
  // A restart: a new service and scheduler on the same store send nothing again.
  auto restarted = std::make_unique<AlertsService>(*db_, policy_, clock_, audit_.get());
  AlertScheduler again(*restarted, sink_, SchedulerOptions{"node-a", 1000, 30'000, 100});
  auto n = again.run_due();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);

  // A node that claimed Sunday's occurrence and died before sending it.
  clock_.set_ms(kSaturday + kDay + 7 * kHour);
  auto claimed = restarted->claim_schedules("node-dead", 30'000, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(run(*node_b_), 0) << "its lease holds";
  clock_.advance_ms(30'000);
  EXPECT_EQ(run(*node_b_), 1) << "taken over after the lease";
  auto late = restarted->fire_schedule(claimed->front(), "node-dead");
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value()) << "the dead node's claim was lost";
  EXPECT_EQ(sink_.taken_sends().size(), 2u);
  EXPECT_EQ(reload(first.id).fired_count, 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, SchedulesTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::alerts
