// Quiet hours: the band's next start across weekends, overnight bands and a DST switch (pure),
// and with an injectable clock on both stores: an info or warning alert to someone outside
// their working hours is in their list but not pushed, and is released once, by one node,
// when their working hours begin; critical and emergency interrupt.
#include "alerts/quiet_hours.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <date/date.h>

#include "alerts/alert_scheduler.hpp"
#include "alerts/alerts_service.hpp"
#include "alerts/recording_sink.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"

namespace meridian::alerts {
namespace {

UnixMillis utc(int y, int m, int d, int h, int mi) {
  const auto t = date::sys_days{date::year{y} / m / d} + std::chrono::hours{h} + std::chrono::minutes{mi};
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TEST(QuietHours, OutsideTheBandWaitsForItsNextStartAcrossTheWeekendAndTheSpringForward) {
  const WorkingBand berlin{"Europe/Berlin", 540, 1020, "1,2,3,4,5"};
  // Saturday 2026-03-28 10:00 CET: Monday the 30th, 09:00 CEST (Berlin sprang forward on Sunday).
  EXPECT_EQ(quiet_until(berlin, utc(2026, 3, 28, 9, 0)), utc(2026, 3, 30, 7, 0));
  // Friday 16:59 CET is inside; 17:00 is not.
  EXPECT_EQ(quiet_until(berlin, utc(2026, 3, 27, 15, 59)), std::nullopt);
  EXPECT_EQ(quiet_until(berlin, utc(2026, 3, 27, 16, 0)), utc(2026, 3, 30, 7, 0));
  // Tuesday 07:00 CEST: today at 09:00.
  EXPECT_EQ(quiet_until(berlin, utc(2026, 3, 31, 5, 0)), utc(2026, 3, 31, 7, 0));
}

TEST(QuietHours, AnOvernightBandAndUnreadableBands) {
  const WorkingBand night{"America/New_York", 22 * 60, 6 * 60, "1,2,3,4,5"};
  // Tuesday 2026-06-02 23:00 EDT and Wednesday 02:00 EDT (Tuesday's band) are inside.
  EXPECT_EQ(quiet_until(night, utc(2026, 6, 3, 3, 0)), std::nullopt);
  EXPECT_EQ(quiet_until(night, utc(2026, 6, 3, 6, 0)), std::nullopt);
  // Wednesday 07:00 EDT: Wednesday 22:00 EDT.
  EXPECT_EQ(quiet_until(night, utc(2026, 6, 3, 11, 0)), utc(2026, 6, 4, 2, 0));
  EXPECT_EQ(quiet_until(WorkingBand{"Mars/Olympus", 540, 1020, "1,2,3,4,5"}, utc(2026, 6, 3, 3, 0)), std::nullopt);
  EXPECT_EQ(quiet_until(WorkingBand{"UTC", 540, 1020, ""}, utc(2026, 6, 3, 3, 0)), std::nullopt);
  EXPECT_EQ(quiet_until(WorkingBand{"UTC", 0, 1440, "1,2,3,4,5,6,7"}, utc(2026, 6, 6, 23, 59)), std::nullopt);
}

class QuietHoursTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    clock_.set_ms(utc(2026, 3, 28, 9, 0));  // Saturday, 10:00 in Berlin
    alerts_ = std::make_unique<AlertsService>(*db_, policy_, clock_, audit_.get());
    admin_ = person("root", UserKind::employee, "PT", "UTC", std::vector<Role>{Role::admin});
    berta_ = person("berta", UserKind::employee, "DE", "Europe/Berlin");
    node_a_ = std::make_unique<AlertScheduler>(*alerts_, sink_, SchedulerOptions{"node-a", 1000, 30'000, 100});
    node_b_ = std::make_unique<AlertScheduler>(*alerts_, sink_, SchedulerOptions{"node-b", 1000, 30'000, 100});
  }

  Sent send(Priority priority, Category category = Category::announcement) {
    NewAlert in;
    in.title = "Canteen closed";
    in.priority = priority;
    in.category = category;
    in.audience.user_ids = {berta_.user_id};
    auto sent = alerts_->send(admin_, in);
    EXPECT_TRUE(sent.ok()) << (sent.ok() ? "" : sent.error().message);
    return sent.ok() ? *sent : Sent{};
  }

  std::unique_ptr<AlertsService> alerts_;
  RecordingSink sink_;
  std::unique_ptr<AlertScheduler> node_a_, node_b_;
  Subject admin_, berta_;
};

TEST_P(QuietHoursTest, InfoWaitsForWorkingHoursCriticalAndEmergencyInterrupt) {
  auto warning = send(Priority::warning);
  EXPECT_TRUE(warning.recipients.empty()) << "nobody is paged on a Saturday";
  EXPECT_EQ(warning.held, (std::vector<std::int64_t>{berta_.user_id}));
  auto critical = send(Priority::critical);
  EXPECT_EQ(critical.recipients, (std::vector<std::int64_t>{berta_.user_id}));
  auto emergency = send(Priority::info, Category::emergency);
  EXPECT_EQ(emergency.recipients, (std::vector<std::int64_t>{berta_.user_id}));

  // In her list (the center) all along; not pushed when a socket of hers connects.
  auto mine = alerts_->received(berta_, 50);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->size(), 3u);
  auto pending = alerts_->undelivered(berta_, 50);
  ASSERT_TRUE(pending.ok());
  for (const auto& a : *pending) EXPECT_NE(a.id, warning.alert.id);

  // Monday 09:00 CEST is 07:00 UTC.
  clock_.set_ms(utc(2026, 3, 30, 7, 0) - 1);
  auto n = node_a_->run_due();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_TRUE(sink_.taken_releases().empty());
  clock_.advance_ms(1);
  std::thread other([this] { ASSERT_TRUE(node_b_->run_due().ok()); });
  ASSERT_TRUE(node_a_->run_due().ok());
  other.join();
  auto released = sink_.taken_releases();
  ASSERT_EQ(released.size(), 1u) << "released once, by one node";
  EXPECT_EQ(released[0].alert.id, warning.alert.id);
  EXPECT_EQ(released[0].users, (std::vector<std::int64_t>{berta_.user_id}));
  pending = alerts_->undelivered(berta_, 50);
  ASSERT_TRUE(pending.ok());
  bool now_pending = false;
  for (const auto& a : *pending) now_pending = now_pending || a.id == warning.alert.id;
  EXPECT_TRUE(now_pending) << "undelivered from now on: pushed when she connects";
}

TEST_P(QuietHoursTest, EscalationDoesNotInterruptSomeoneAWarningIsHeldFor) {
  Subject ops = person("ops", UserKind::employee, "PT", "UTC");
  ASSERT_TRUE(db_->write([&](storage::Session& s) {
                   return storage::exec(s,
                                        "UPDATE users SET work_start_minute = 0, work_end_minute = 1440, "
                                        "work_days = '1,2,3,4,5,6,7' WHERE id = ?",
                                        {ops.user_id});
                 })
                  .ok());
  NewAlert in;
  in.title = "Disk 91%";
  in.priority = Priority::warning;
  in.audience.user_ids = {berta_.user_id, ops.user_id};
  in.escalation.push_back(EscalationStep{});
  in.escalation[0].after_ms = 5 * 60'000;
  auto sent = alerts_->send(admin_, in);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(sent->recipients, (std::vector<std::int64_t>{ops.user_id}));
  clock_.advance_ms(5 * 60'000);
  ASSERT_TRUE(node_a_->run_due().ok());
  auto steps = sink_.taken_steps();
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].notified, (std::vector<std::int64_t>{ops.user_id})) << "Berta is off on Saturday";
}

TEST_P(QuietHoursTest, AHeldAlertResolvedMeanwhileIsNotPushed) {
  auto info = send(Priority::info);
  ASSERT_TRUE(alerts_->resolve(admin_, info.alert.id).ok());
  clock_.set_ms(utc(2026, 3, 30, 7, 0));
  ASSERT_TRUE(node_a_->run_due().ok());
  EXPECT_TRUE(sink_.taken_releases().empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, QuietHoursTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::alerts
