// Escalation steps: who they notify, that an acknowledgement or resolution cancels every
// step not fired yet (also one landing a millisecond before the step, or between a node's
// claim and its fire), and that nodes sharing one store fire each step exactly once, a
// dead node's claims being taken over after its lease. Both stores; an injectable clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "alerts/alerts_service.hpp"
#include "alerts/alert_scheduler.hpp"
#include "alerts/recording_sink.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"

namespace meridian::alerts {
namespace {

constexpr std::int64_t kMinute = 60'000;

class EscalationTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    alerts_ = std::make_unique<AlertsService>(*db_, policy_, clock_, audit_.get());
    admin_ = person("root", UserKind::employee, "PT", "UTC", std::vector<Role>{Role::admin});
    dora_ = person("dora", UserKind::employee, "DE", "UTC");
    dirk_ = person("dirk", UserKind::employee, "DE", "UTC");
    uma_ = person("uma", UserKind::employee, "US", "UTC");
    node_a_ = std::make_unique<AlertScheduler>(*alerts_, sink_, SchedulerOptions{"node-a", 1000, 30'000, 100});
    node_b_ = std::make_unique<AlertScheduler>(*alerts_, sink_, SchedulerOptions{"node-b", 1000, 30'000, 7});
  }

  // To Dora and Dirk (DE); steps: again after 5 minutes, then Uma after 15.
  NewAlert escalating(bool require_ack = false) {
    NewAlert in;
    in.title = "Database primary down";
    in.priority = Priority::critical;
    in.audience.countries = {"DE"};
    in.require_ack = require_ack;
    in.escalation.push_back(EscalationStep{5 * kMinute, StepNotify::again, {}});
    EscalationStep boss{15 * kMinute, StepNotify::audience, {}};
    boss.audience.user_ids = {uma_.user_id};
    in.escalation.push_back(boss);
    return in;
  }

  Alert send(NewAlert in) {
    auto sent = alerts_->send(admin_, std::move(in));
    EXPECT_TRUE(sent.ok()) << (sent.ok() ? "" : sent.error().message);
    return sent.ok() ? sent->alert : Alert{};
  }

  std::vector<StepState> steps(std::int64_t id) {
    auto s = alerts_->escalation(admin_, id);
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : std::vector<StepState>{};
  }

  // Claims the one step due now as `node`, without firing it.
  std::int64_t claim_one(const std::string& node) {
    auto claimed = alerts_->claim_steps(node, 30'000, 10);
    EXPECT_TRUE(claimed.ok());
    EXPECT_EQ(claimed.ok() ? claimed->size() : 0u, 1u);
    return claimed.ok() && !claimed->empty() ? claimed->front() : 0;
  }

  int run(AlertScheduler& node) {
    auto n = node.run_due();
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
    return n.ok() ? *n : -1;
  }

  std::vector<audit::AuditEvent> audited(std::int64_t alert_id) {
    audit::AuditQuery q;
    q.limit = 200;
    q.target = "alert:" + std::to_string(alert_id);
    auto page = audit_->query(q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->items : std::vector<audit::AuditEvent>{};
  }

  std::unique_ptr<AlertsService> alerts_;
  RecordingSink sink_;
  std::unique_ptr<AlertScheduler> node_a_, node_b_;
  Subject admin_, dora_, dirk_, uma_;
};

TEST_P(EscalationTest, EachStepNotifiesThoseWhoHaveNotAcknowledgedOnceWhenItIsDue) {
  auto a = send(escalating(/*require_ack=*/true));
  ASSERT_TRUE(alerts_->acknowledge(dora_, a.id, "on it").ok());
  clock_.advance_ms(5 * kMinute - 1);
  EXPECT_EQ(run(*node_a_), 0) << "not due yet";
  clock_.advance_ms(1);
  EXPECT_EQ(run(*node_a_), 1);
  auto fired = sink_.taken_steps();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].notified, (std::vector<std::int64_t>{dirk_.user_id})) << "Dora acknowledged: only Dirk again";
  EXPECT_EQ(fired[0].step.step_no, 1);
  EXPECT_EQ(fired[0].steps, 2);
  EXPECT_EQ(run(*node_a_), 0) << "a step fires once";
  EXPECT_EQ(run(*node_b_), 0);

  // The named target becomes a recipient and is notified; the frozen list still decides
  // require_ack, so Uma's acknowledgement does not stand in for Dirk's.
  clock_.advance_ms(10 * kMinute);
  EXPECT_EQ(run(*node_b_), 1);
  fired = sink_.taken_steps();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].notified, (std::vector<std::int64_t>{uma_.user_id}));
  EXPECT_EQ(fired[0].alert.recipient_count, 3);
  ASSERT_TRUE(alerts_->acknowledge(uma_, a.id, "escalated to me").ok());
  EXPECT_EQ(alerts_->get(admin_, a.id)->alert.status, Status::open);
  ASSERT_TRUE(alerts_->acknowledge(dirk_, a.id, "").ok());
  EXPECT_EQ(alerts_->get(admin_, a.id)->alert.status, Status::acknowledged);

  auto s = steps(a.id);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].state, "fired");
  EXPECT_EQ(s[0].notified, 1);
  EXPECT_EQ(s[0].claimed_by, "node-a");
  EXPECT_EQ(s[1].state, "fired");
  EXPECT_EQ(s[1].claimed_by, "node-b");
  std::int64_t escalations = 0;
  for (const auto& e : audited(a.id)) escalations += e.action == "alert.escalate";
  EXPECT_EQ(escalations, 2);
}

TEST_P(EscalationTest, AnAcknowledgementOneMillisecondBeforeTheStepCancelsEveryStep) {
  auto a = send(escalating());
  clock_.advance_ms(5 * kMinute - 1);
  ASSERT_TRUE(alerts_->acknowledge(dirk_, a.id, "").ok());
  clock_.advance_ms(1);
  EXPECT_EQ(run(*node_a_), 0);
  clock_.advance_ms(60 * kMinute);
  EXPECT_EQ(run(*node_b_), 0);
  EXPECT_TRUE(sink_.taken_steps().empty());
  for (const auto& st : steps(a.id)) {
    EXPECT_EQ(st.state, "cancelled");
    EXPECT_EQ(st.cancel_reason, "acknowledged");
    EXPECT_EQ(st.cancelled_at, clock_.now_ms() - 60 * kMinute - 1);
  }
}

TEST_P(EscalationTest, AnAcknowledgementBetweenANodesClaimAndItsFireWins) {
  auto a = send(escalating());
  clock_.advance_ms(5 * kMinute);
  const auto claimed = claim_one("node-a");
  ASSERT_TRUE(alerts_->acknowledge(dora_, a.id, "").ok());
  auto fired = alerts_->fire_step(claimed, "node-a");
  ASSERT_TRUE(fired.ok());
  EXPECT_FALSE(fired->has_value());
  EXPECT_EQ(steps(a.id)[0].state, "cancelled");
}

TEST_P(EscalationTest, ResolutionAndExpiryStopEscalation) {
  auto resolved = send(escalating());
  ASSERT_TRUE(alerts_->resolve(admin_, resolved.id).ok());
  NewAlert short_lived = escalating();
  short_lived.expires_at = clock_.now_ms() + kMinute;
  auto expiring = send(short_lived);
  clock_.advance_ms(20 * kMinute);
  EXPECT_EQ(run(*node_a_), 0);
  for (const auto& st : steps(resolved.id)) EXPECT_EQ(st.cancel_reason, "resolved");
  for (const auto& st : steps(expiring.id)) EXPECT_EQ(st.cancel_reason, "expired");
  // An acknowledgement after resolution is a receipt; nothing escalates again.
  ASSERT_TRUE(alerts_->acknowledge(dora_, resolved.id, "").ok());
  EXPECT_EQ(alerts_->get(admin_, resolved.id)->alert.status, Status::resolved);
}

TEST_P(EscalationTest, TwoNodesOnOneStoreFireEachStepExactlyOnce) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(send(escalating()).id);
  clock_.advance_ms(20 * kMinute);  // both steps of every alert are due
  std::vector<std::thread> threads;
  for (auto* node : {node_a_.get(), node_b_.get(), node_a_.get(), node_b_.get()})
    threads.emplace_back([this, node] { run(*node); });
  for (auto& t : threads) t.join();
  auto fired = sink_.taken_steps();
  EXPECT_EQ(fired.size(), 50u);
  std::vector<std::pair<std::int64_t, std::int64_t>> seen;
  for (const auto& e : fired) seen.emplace_back(e.alert.id, e.step.step_no);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "a step fired twice";
  for (auto id : ids) {
    std::int64_t escalations = 0;
    for (const auto& e : audited(id)) escalations += e.action == "alert.escalate";
    EXPECT_EQ(escalations, 2);
    for (const auto& st : steps(id)) EXPECT_EQ(st.state, "fired");
  }
}

TEST_P(EscalationTest, ANodeThatDiedHoldingAClaimIsTakenOverAfterTheLease) {
  auto a = send(escalating());
  clock_.advance_ms(5 * kMinute);
  const auto claimed = claim_one("node-dead");
  EXPECT_EQ(run(*node_b_), 0) << "the lease still holds";
  clock_.advance_ms(30'000);
  EXPECT_EQ(run(*node_b_), 1);
  auto late = alerts_->fire_step(claimed, "node-dead");
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value()) << "the claim was lost: it does not fire again";
  EXPECT_EQ(sink_.taken_steps().size(), 1u);
  EXPECT_EQ(steps(a.id)[0].claimed_by, "node-b");
}

TEST_P(EscalationTest, AnAcknowledgementRacingTheStepNeverLetsItRunAfterwards) {
  for (int i = 0; i < 15; ++i) {
    auto a = send(escalating());
    clock_.advance_ms(5 * kMinute);
    std::thread ack([&] { EXPECT_TRUE(alerts_->acknowledge(dora_, a.id, "").ok()); });
    std::thread fire([&] { run(i % 2 ? *node_a_ : *node_b_); });
    ack.join();
    fire.join();
    auto st = steps(a.id)[0];
    ASSERT_TRUE(st.state == "fired" || st.state == "cancelled") << st.state;
    std::int64_t escalate_id = 0, ack_id = 0;
    for (const auto& e : audited(a.id)) {
      if (e.action == "alert.escalate") escalate_id = e.id;
      if (e.action == "alert.ack") ack_id = e.id;
    }
    ASSERT_NE(ack_id, 0);
    if (st.state == "fired")
      EXPECT_LT(escalate_id, ack_id) << "a step ran after the acknowledgement";
    else
      EXPECT_EQ(escalate_id, 0);
    EXPECT_EQ(steps(a.id)[1].state, "cancelled");
    sink_.taken_steps();
  }
}

TEST_P(EscalationTest, ALeadsStepNotifiesTheTeamLeadsOfThoseStillWaiting) {
  // Dora's team is led by Lena (PT, not a recipient); Dirk's by Leo; Uma leads a team with
  // nobody of the alert in it. Dora acknowledges: only Leo (Dirk's lead) is notified.
  const auto lena = person("lena", UserKind::employee, "PT", "UTC");
  const auto leo = person("leo", UserKind::agent, "PT", "UTC");
  const auto gone = person("gone", UserKind::employee, "PT", "UTC");
  auto team = [&](const char* name, std::vector<std::pair<std::int64_t, bool>> members) {
    auto t = identity_->create_team(audit::Actor{}, name, std::nullopt);
    EXPECT_TRUE(t.ok());
    for (auto [id, lead] : members) EXPECT_TRUE(identity_->add_team_member(audit::Actor{}, t->id, id, lead).ok());
  };
  team("Ops", {{dora_.user_id, false}, {lena.user_id, true}});
  team("Support", {{dirk_.user_id, false}, {leo.user_id, true}, {gone.user_id, true}});
  team("Sales", {{uma_.user_id, true}});
  ASSERT_TRUE(identity_->deactivate_user(audit::Actor{}, gone.user_id).ok());
  NewAlert in;
  in.title = "Database primary down";
  in.priority = Priority::critical;
  in.audience.countries = {"DE"};
  in.require_ack = true;
  in.escalation.push_back(EscalationStep{5 * kMinute, StepNotify::leads, {}});
  auto a = send(in);
  ASSERT_TRUE(alerts_->acknowledge(dora_, a.id, "on it").ok());
  clock_.advance_ms(5 * kMinute);
  EXPECT_EQ(run(*node_a_), 1);
  auto fired = sink_.taken_steps();
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].notified, (std::vector<std::int64_t>{leo.user_id})) << "not Lena (Dora acknowledged), not a deactivated lead";
  EXPECT_EQ(fired[0].alert.recipient_count, 3);
  // Leo acknowledges for himself; the frozen list (Dirk) still decides require_ack.
  ASSERT_TRUE(alerts_->acknowledge(leo, a.id, "chasing Dirk").ok());
  EXPECT_EQ(alerts_->get(admin_, a.id)->alert.status, Status::open);
  EXPECT_EQ(steps(a.id)[0].step.notify, StepNotify::leads);
}

TEST_P(EscalationTest, BadStepsAreRefusedAndOnlyItsTrackersSeeTheSteps) {
  auto too_soon = escalating();
  too_soon.escalation[0].after_ms = 500;
  EXPECT_EQ(alerts_->send(admin_, too_soon).error().code, ErrorCode::invalid_argument);
  auto backwards = escalating();
  backwards.escalation[1].after_ms = kMinute;
  EXPECT_EQ(alerts_->send(admin_, backwards).error().code, ErrorCode::invalid_argument);
  auto nobody = escalating();
  nobody.escalation[1].audience = {};
  EXPECT_EQ(alerts_->send(admin_, nobody).error().code, ErrorCode::invalid_argument);
  auto bad_country = escalating();
  bad_country.escalation[1].audience.countries = {"Germany"};
  EXPECT_EQ(alerts_->send(admin_, bad_country).error().code, ErrorCode::invalid_argument);
  auto a = send(escalating());
  EXPECT_EQ(alerts_->escalation(uma_, a.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(alerts_->escalation(dora_, a.id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(steps(a.id).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Stores, EscalationTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::alerts
