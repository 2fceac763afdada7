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
#include "availability/availability_service.hpp"
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

// Through the shared working-time component (availability's platform::WorkingTime): her own
// per-weekday hours, a day off and a trip decide, not identity's single 09:00-17:00 band.
TEST_P(QuietHoursTest, PerWeekdayHoursDaysOffAndATripComeFromTheWorkingTimeComponent) {
  availability::AvailabilityService availability(*db_, policy_, clock_, *audit_);
  alerts_->use_working_time(&availability);
  const availability::Day monday = availability::day_of(2026, 3, 30);
  availability::Settings mine;
  mine.weekly.days[0] = availability::Band{12 * 60, 16 * 60};      // Mondays 12:00-16:00
  mine.weekly.days[1] = availability::Band{7 * 60 + 30, 17 * 60};  // Tuesdays 07:30-17:00
  ASSERT_TRUE(availability.save(berta_, mine).ok());
  auto held_until = [&](const Sent& sent) -> std::optional<UnixMillis> {
    auto until = storage::read_value<std::optional<std::optional<UnixMillis>>>(*db_, [&](storage::Session& s) {
      return storage::query_row(s, "SELECT held_until FROM alert_recipients WHERE alert_id = ? AND user_id = ?",
                                {sent.alert.id, berta_.user_id},
                                [](const storage::Row& r) { return r.optional_integer(0); });
    });
    EXPECT_TRUE(until.ok());
    return until.ok() && *until ? **until : std::nullopt;
  };

  // Saturday 10:00 in Berlin: Monday 12:00 CEST (10:00 UTC), not the band's 09:00.
  auto info = send(Priority::info);
  EXPECT_EQ(info.held, (std::vector<std::int64_t>{berta_.user_id}));
  EXPECT_EQ(held_until(info), utc(2026, 3, 30, 10, 0));

  // Monday off: Tuesday 07:30 CEST (05:30 UTC), before the band's 09:00.
  mine.days_off = {availability::DayOff{monday, "moving house"}};
  ASSERT_TRUE(availability.save(berta_, mine).ok());
  EXPECT_EQ(held_until(send(Priority::warning)), utc(2026, 3, 31, 5, 30));

  // In New York on Tuesday: 07:30 EDT there (11:30 UTC).
  mine.travel = availability::Travel{"America/New_York", monday + 1, monday + 1};
  ASSERT_TRUE(availability.save(berta_, mine).ok());
  EXPECT_EQ(held_until(send(Priority::info)), utc(2026, 3, 31, 11, 30));

  // Inside her hours (Tuesday 10:00 in New York) nothing waits; critical never waits.
  clock_.set_ms(utc(2026, 3, 31, 14, 0));
  auto working = send(Priority::info);
  EXPECT_EQ(working.recipients, (std::vector<std::int64_t>{berta_.user_id}));
  EXPECT_TRUE(working.held.empty());
  clock_.set_ms(utc(2026, 3, 31, 23, 0));
  EXPECT_EQ(send(Priority::critical).recipients, (std::vector<std::int64_t>{berta_.user_id}));
}

// A person the component does not know falls back to the band (and a server without the
// component uses the band for everyone: the tests above).
TEST_P(QuietHoursTest, TheBandWhenTheComponentDoesNotKnowThePerson) {
  availability::AvailabilityService availability(*db_, policy_, clock_, *audit_);
  const WorkingBand berlin{"Europe/Berlin", 540, 1020, "1,2,3,4,5"};
  EXPECT_EQ(quiet_until(availability, 987654, berlin, utc(2026, 3, 28, 9, 0)), utc(2026, 3, 30, 7, 0));
  // Someone who never saved hours has identity's band through the component too.
  EXPECT_EQ(quiet_until(availability, berta_.user_id, berlin, utc(2026, 3, 28, 9, 0)), utc(2026, 3, 30, 7, 0));
  EXPECT_EQ(quiet_until(availability, berta_.user_id, berlin, utc(2026, 3, 30, 8, 0)), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Stores, QuietHoursTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::alerts
