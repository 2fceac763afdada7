#include "alerts/alerts_service.hpp"
#include "alerts/alerts_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"

namespace meridian::alerts {
namespace {

class AlertsServiceTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    alerts_ = std::make_unique<AlertsService>(*db_, policy_, clock_, audit_.get());
    admin_ = person("root", UserKind::employee, "PT", "UTC", std::vector<Role>{Role::admin});
    de1_ = person("dora", UserKind::employee, "DE", "UTC");
    de2_ = person("dirk", UserKind::agent, "DE", "UTC");
    at_ = person("anna", UserKind::employee, "AT", "UTC");
    us_ = person("uma", UserKind::employee, "US", "UTC");
    carl_ = person("carl", UserKind::customer, "DE", "UTC");
    gus_ = person("gus", UserKind::guest, "DE", "UTC");
    always_working(*db_, {de1_.user_id, de2_.user_id, at_.user_id, us_.user_id});
  }

  NewAlert to_countries(std::vector<std::string> countries, Priority p = Priority::critical) {
    NewAlert in;
    in.title = "Office closed";
    in.body = "Storm warning: **stay home**.";
    in.priority = p;
    in.audience.countries = std::move(countries);
    return in;
  }

  Sent send(NewAlert in) {
    auto sent = alerts_->send(admin_, std::move(in));
    EXPECT_TRUE(sent.ok()) << (sent.ok() ? "" : sent.error().message);
    return sent.ok() ? *sent : Sent{};
  }

  std::unique_ptr<AlertsService> alerts_;
  Subject admin_, de1_, de2_, at_, us_, carl_, gus_;
};

TEST_P(AlertsServiceTest, TheAudienceIsAUnionMinusExclusionsOfActiveStaffOnly) {
  auto team = identity_->create_team(audit::Actor{}, "Night shift", std::nullopt);
  ASSERT_TRUE(team.ok());
  ASSERT_TRUE(identity_->add_team_member(audit::Actor{}, team->id, us_.user_id).ok());
  ASSERT_TRUE(identity_->add_team_member(audit::Actor{}, team->id, carl_.user_id).ok());  // a customer in a team
  ASSERT_TRUE(identity_->deactivate_user(audit::Actor{}, de2_.user_id).ok());
  NewAlert in = to_countries({"DE"});
  in.audience.team_ids = {team->id};
  in.audience.user_ids = {at_.user_id, gus_.user_id};
  in.audience.exclude_user_ids = {at_.user_id};
  auto sent = send(in);
  // Dora (DE) and Uma (team); not Dirk (deactivated), Carl (customer), Gus (guest), Anna (excluded).
  EXPECT_EQ(sent.recipients, (std::vector<std::int64_t>{de1_.user_id, us_.user_id}));
  EXPECT_EQ(sent.alert.recipient_count, 2);
  // The list is frozen: someone who joins DE later does not get it.
  person("dana", UserKind::employee, "DE", "UTC");
  auto page = alerts_->recipients(admin_, sent.alert.id, 0, 50);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 2u);
}

TEST_P(AlertsServiceTest, ThePreviewCountsByCountryAndNothingIsStored) {
  auto count = alerts_->preview(admin_, Audience{{}, {}, {"DE", "AT"}, {}, {}, {}});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->total, 3);  // Dora, Dirk, Anna
  EXPECT_EQ(count->by_country.at("DE"), 2);
  EXPECT_EQ(count->by_country.at("AT"), 1);
  EXPECT_TRUE(alerts_->sent(admin_, 10)->empty());
}

TEST_P(AlertsServiceTest, OnlyAdminsSendAndEmptyOrBadAudiencesAreRefused) {
  EXPECT_EQ(alerts_->send(de1_, to_countries({"DE"})).error().code, ErrorCode::forbidden);
  EXPECT_EQ(alerts_->send(carl_, to_countries({"DE"})).error().code, ErrorCode::forbidden);
  EXPECT_EQ(alerts_->preview(de1_, Audience{{}, {}, {"DE"}, {}, {}, {}}).error().code, ErrorCode::forbidden);
  NewAlert nobody = to_countries({"FR"});
  EXPECT_EQ(alerts_->send(admin_, nobody).error().code, ErrorCode::invalid_argument);
  NewAlert empty = to_countries({});
  EXPECT_EQ(alerts_->send(admin_, empty).error().code, ErrorCode::invalid_argument);
  NewAlert bad_country = to_countries({"Germany"});
  EXPECT_EQ(alerts_->send(admin_, bad_country).error().code, ErrorCode::invalid_argument);
  NewAlert blank = to_countries({"DE"});
  blank.title = "   ";
  EXPECT_EQ(alerts_->send(admin_, blank).error().code, ErrorCode::invalid_argument);
  NewAlert both = to_countries({"DE"});
  both.require_ack = true;
  both.quorum = Quorum{1, {}, {}};
  EXPECT_EQ(alerts_->send(admin_, both).error().code, ErrorCode::invalid_argument);
  NewAlert too_many = to_countries({"DE"});
  too_many.quorum = Quorum{5, {}, {}};
  EXPECT_EQ(alerts_->send(admin_, too_many).error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(alerts_->sent(admin_, 10)->empty()) << "a refused send stores nothing";
}

TEST_P(AlertsServiceTest, ARepeatOfAnOpenAlertWithTheSameKeyIsCountedNotSentAgain) {
  NewAlert in = to_countries({"DE"});
  in.dedup_key = "disk-full:db1";
  auto first = send(in);
  clock_.advance_ms(1000);
  in.title = "Disk full on db1 (95%)";
  auto again = send(in);
  EXPECT_TRUE(again.deduplicated);
  EXPECT_TRUE(again.recipients.empty()) << "nobody is notified again";
  EXPECT_EQ(again.alert.id, first.alert.id);
  EXPECT_EQ(again.alert.repeat_count, 2);
  EXPECT_EQ(again.alert.title, "Disk full on db1 (95%)");
  // Once resolved, the same key opens a new alert.
  ASSERT_TRUE(alerts_->resolve(admin_, first.alert.id).ok());
  auto fresh = send(in);
  EXPECT_FALSE(fresh.deduplicated);
  EXPECT_NE(fresh.alert.id, first.alert.id);
}

TEST_P(AlertsServiceTest, AnAlertAcknowledgedLongAgoNeverPagesAgainItsRepeatsOnlyCount) {
  NewAlert in = to_countries({"DE"});
  in.dedup_key = "backup-failed:nas1";
  auto first = send(in);
  ASSERT_TRUE(alerts_->acknowledge(de1_, first.alert.id, "looking").ok());
  clock_.advance_ms(90LL * 24 * 3600 * 1000);  // three months later, the same source fires again
  auto again = send(in);
  EXPECT_TRUE(again.deduplicated);
  EXPECT_TRUE(again.recipients.empty()) << "nobody is paged again";
  EXPECT_EQ(again.alert.status, Status::acknowledged) << "a repeat does not re-open it";
  EXPECT_EQ(again.alert.repeat_count, 2);
  // Its recipients and its sender hear the new count (alert.updated), which pages nobody.
  EXPECT_EQ(again.informed, (std::vector<std::int64_t>{de1_.user_id, de2_.user_id, admin_.user_id}));
  EXPECT_TRUE(alerts_->undelivered(de2_, 10)->size() == 1u) << "Dirk still has the original waiting";
}

TEST_P(AlertsServiceTest, UndeliveredAlertsWaitForADeviceAndAreNeverPushedTwice) {
  auto kept = send(to_countries({"DE"}, Priority::warning));
  auto resolved = send(to_countries({"DE"}));
  ASSERT_TRUE(alerts_->resolve(admin_, resolved.alert.id).ok());
  NewAlert short_lived = to_countries({"DE"}, Priority::info);
  short_lived.expires_at = clock_.now_ms() + 1000;
  auto expiring = send(short_lived);
  auto later = send(to_countries({"DE"}, Priority::critical));

  auto pending = alerts_->undelivered(de1_, 10);
  ASSERT_TRUE(pending.ok());
  std::vector<std::int64_t> ids;
  for (const auto& a : *pending) ids.push_back(a.id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{kept.alert.id, expiring.alert.id, later.alert.id}))
      << "oldest first; resolved ones are not pushed";
  clock_.advance_ms(2000);
  EXPECT_EQ(alerts_->undelivered(de1_, 10)->size(), 2u) << "expired ones are not pushed";

  auto first = alerts_->delivered(de1_, kept.alert.id);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value()) << "the first device's receipt is news for the sender";
  EXPECT_EQ((*first)->kind, "delivered");
  EXPECT_EQ((*first)->receipt.user_id, de1_.user_id);
  EXPECT_EQ((*first)->alert.sender_id, admin_.user_id);
  EXPECT_FALSE(alerts_->delivered(de1_, kept.alert.id)->has_value()) << "a second device changes nothing";
  EXPECT_EQ(alerts_->undelivered(de1_, 10)->size(), 1u);
  EXPECT_EQ(alerts_->undelivered(us_, 10)->size(), 0u) << "not a recipient";
  EXPECT_FALSE(alerts_->delivered(admin_, kept.alert.id)->has_value()) << "the sender has no receipt to set";

  auto read = alerts_->mark_read(de1_, later.alert.id);
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->change.has_value());
  EXPECT_EQ(read->change->kind, "read");
  EXPECT_TRUE(read->view.mine->delivered_at.has_value()) << "read implies delivered";
  EXPECT_FALSE(alerts_->mark_read(de1_, later.alert.id)->change.has_value());
  EXPECT_TRUE(alerts_->undelivered(de1_, 10)->empty());
  EXPECT_EQ(alerts_->delivered(us_, kept.alert.id).error().code, ErrorCode::not_found);
}

TEST_P(AlertsServiceTest, RecipientsAcknowledgeOthersAreRefusedAndNothingChanges) {
  auto sent = send(to_countries({"DE"}));
  const auto id = sent.alert.id;
  EXPECT_EQ(alerts_->acknowledge(us_, id, "").error().code, ErrorCode::not_found)
      << "not a recipient: it does not exist";
  EXPECT_EQ(alerts_->acknowledge(carl_, id, "").error().code, ErrorCode::not_found);
  EXPECT_EQ(alerts_->acknowledge(admin_, id, "").error().code, ErrorCode::forbidden) << "the sender sees it";
  EXPECT_EQ(alerts_->get(us_, id).error().code, ErrorCode::not_found);
  EXPECT_EQ(alerts_->recipients(de1_, id, 0, 10).error().code, ErrorCode::forbidden) << "a recipient may not track";
  EXPECT_EQ(alerts_->resolve(de1_, id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(alerts_->get(admin_, 999999).error().code, ErrorCode::not_found);
  EXPECT_EQ(alerts_->acknowledge(de1_, 999999, "").error().code, ErrorCode::not_found);

  clock_.advance_ms(5000);
  auto ack = alerts_->acknowledge(de1_, id, "on it");
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  EXPECT_TRUE(ack->changed);
  EXPECT_EQ(ack->alert.status, Status::acknowledged) << "no quorum asked: the first acknowledgement counts";
  EXPECT_EQ(ack->receipt.comment, "on it");
  EXPECT_EQ(ack->receipt.acknowledged_at, clock_.now_ms());
  EXPECT_EQ(ack->receipt.read_at, clock_.now_ms()) << "acknowledging reads it";
  auto twice = alerts_->acknowledge(de1_, id, "again");
  ASSERT_TRUE(twice.ok());
  EXPECT_FALSE(twice->changed);
  EXPECT_EQ(twice->receipt.comment, "on it");
  EXPECT_EQ(twice->alert.ack_count, 1);
}

TEST_P(AlertsServiceTest, RequireAckNeedsEveryoneAndAQuorumCountsOnlyItsCountries) {
  NewAlert all = to_countries({"DE", "AT"});
  all.require_ack = true;
  auto everyone = send(all);
  ASSERT_TRUE(alerts_->acknowledge(de1_, everyone.alert.id, "").ok());
  ASSERT_TRUE(alerts_->acknowledge(de2_, everyone.alert.id, "").ok());
  EXPECT_EQ(alerts_->get(admin_, everyone.alert.id)->alert.status, Status::open);
  ASSERT_TRUE(alerts_->acknowledge(at_, everyone.alert.id, "").ok());
  EXPECT_EQ(alerts_->get(admin_, everyone.alert.id)->alert.status, Status::acknowledged);

  NewAlert two_from_de = to_countries({"DE", "AT"});
  two_from_de.quorum = Quorum{2, {"DE"}, {}};
  auto q = send(two_from_de);
  ASSERT_TRUE(alerts_->acknowledge(at_, q.alert.id, "").ok());
  ASSERT_TRUE(alerts_->acknowledge(de1_, q.alert.id, "").ok());
  EXPECT_EQ(alerts_->get(admin_, q.alert.id)->alert.status, Status::open) << "Anna is not from DE";
  ASSERT_TRUE(alerts_->acknowledge(de2_, q.alert.id, "").ok());
  EXPECT_EQ(alerts_->get(admin_, q.alert.id)->alert.status, Status::acknowledged);
}

TEST_P(AlertsServiceTest, ResolveAlwaysWinsAndALaterAcknowledgementIsOnlyAReceipt) {
  NewAlert in = to_countries({"DE"});
  in.require_ack = true;
  auto sent = send(in);
  auto resolved = alerts_->resolve(admin_, sent.alert.id);
  ASSERT_TRUE(resolved.ok());
  EXPECT_TRUE(resolved->changed);
  EXPECT_EQ(resolved->recipients, (std::vector<std::int64_t>{de1_.user_id, de2_.user_id}));
  auto ack = alerts_->acknowledge(de1_, sent.alert.id, "");
  ASSERT_TRUE(ack.ok());
  EXPECT_TRUE(ack->changed);
  EXPECT_TRUE(ack->receipt.acknowledged_at.has_value());
  EXPECT_EQ(ack->alert.status, Status::resolved);
  ASSERT_TRUE(alerts_->acknowledge(de2_, sent.alert.id, "").ok());
  EXPECT_EQ(alerts_->get(admin_, sent.alert.id)->alert.status, Status::resolved) << "acknowledgements never un-resolve";
  EXPECT_FALSE(alerts_->resolve(admin_, sent.alert.id)->changed);
}

TEST_P(AlertsServiceTest, ReceiptsAreSeparateAndTheTrackingViewPagesByCursor) {
  auto sent = send(to_countries({"DE", "AT"}));
  const auto id = sent.alert.id;
  clock_.advance_ms(100);
  ASSERT_TRUE(alerts_->delivered(de1_, id).ok());
  clock_.advance_ms(100);
  ASSERT_TRUE(alerts_->mark_read(de2_, id).ok());
  auto first = alerts_->recipients(admin_, id, 0, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 2u);
  ASSERT_TRUE(first->next.has_value());
  EXPECT_EQ(first->items[0].user_id, de1_.user_id);
  EXPECT_TRUE(first->items[0].delivered_at.has_value());
  EXPECT_FALSE(first->items[0].read_at.has_value());
  EXPECT_TRUE(first->items[1].read_at.has_value());
  EXPECT_TRUE(first->items[1].delivered_at.has_value()) << "read implies delivered";
  auto rest = alerts_->recipients(admin_, id, *first->next, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].user_id, at_.user_id);
  EXPECT_FALSE(rest->next.has_value());
  // Each recipient lists what they received with their own receipt.
  auto mine = alerts_->received(de1_, 10);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_TRUE((*mine)[0].mine->delivered_at.has_value());
  EXPECT_TRUE(alerts_->received(us_, 10)->empty());
}

TEST_P(AlertsServiceTest, ParallelAcknowledgementsAllCount) {
  NewAlert in = to_countries({"DE", "AT"});
  in.require_ack = true;
  auto sent = send(in);
  std::vector<std::thread> threads;
  for (const Subject* who : {&de1_, &de2_, &at_})
    threads.emplace_back([&, who] { EXPECT_TRUE(alerts_->acknowledge(*who, sent.alert.id, "").ok()); });
  for (auto& t : threads) t.join();
  auto now = alerts_->get(admin_, sent.alert.id);
  EXPECT_EQ(now->alert.ack_count, 3);
  EXPECT_EQ(now->alert.status, Status::acknowledged);
}

TEST_P(AlertsServiceTest, SendsAcknowledgementsAndResolutionsAreAudited) {
  auto sent = send(to_countries({"DE"}));
  ASSERT_TRUE(alerts_->acknowledge(de1_, sent.alert.id, "").ok());
  ASSERT_TRUE(alerts_->resolve(admin_, sent.alert.id).ok());
  audit::AuditQuery q;
  q.limit = 50;
  auto page = audit_->query(q);
  ASSERT_TRUE(page.ok());
  std::vector<std::string> actions;
  for (const auto& e : page->items)
    if (e.target == "alert:" + std::to_string(sent.alert.id)) actions.push_back(e.action);
  std::sort(actions.begin(), actions.end());
  EXPECT_EQ(actions, (std::vector<std::string>{"alert.ack", "alert.resolve", "alert.send"}));
}

INSTANTIATE_TEST_SUITE_P(Stores, AlertsServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::alerts
