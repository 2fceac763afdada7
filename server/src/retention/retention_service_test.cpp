#include "retention/retention_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "chat/chat_service.hpp"
#include "chat/search_service.hpp"
#include "chat/support_service.hpp"
#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "retention/retention_job.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/chat_test.hpp"

namespace meridian::retention {
namespace {

TEST(RetentionPolicyInForce, MostSpecificScopeWins) {
  std::vector<RetentionPolicy> p{{"global", 365, 0},
                                 {"kind:support", 730, 0},
                                 {"region:EU", 400, 0},
                                 {"country:DE", 180, 0},
                                 {"conversation:7", 0, 0}};
  EXPECT_EQ(policy_in_force(p, {7, "support", "DE", "EU"})->scope, "conversation:7");
  EXPECT_EQ(policy_in_force(p, {8, "support", "DE", "EU"})->keep_days, 180);
  EXPECT_EQ(policy_in_force(p, {8, "support", "FR", "EU"})->keep_days, 400);
  EXPECT_EQ(policy_in_force(p, {8, "support", "US", "US"})->keep_days, 730);
  EXPECT_EQ(policy_in_force(p, {8, "channel", "", ""})->keep_days, 365);
  EXPECT_FALSE(policy_in_force({}, {8, "channel", "", ""}));
  // Country and region policies are for support conversations only.
  EXPECT_EQ(policy_in_force({{"country:DE", 1, 0}}, {8, "group", "DE", "EU"}), std::nullopt);
  EXPECT_TRUE(valid_policy_scope("kind:channel"));
  EXPECT_FALSE(valid_policy_scope("kind:meeting"));
  EXPECT_FALSE(valid_policy_scope("country:de"));
  EXPECT_FALSE(valid_policy_scope("conversation:abc"));
}

class RetentionServiceTest : public testing::ChatTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ChatTest::SetUp());
    search_ = std::make_unique<chat::SearchService>(*db_, policy_);
    retention_ = std::make_unique<RetentionService>(*db_, *audit_, policy_, clock_, RetentionOptions{3});
    ana_ = person("ana", UserKind::employee, "PT");
    ben_ = person("ben", UserKind::employee, "PT");
    ada_ = person("ada", UserKind::agent, "PT");
    dora_ = person("dora", UserKind::customer, "DE");
    carl_ = person("carl", UserKind::customer, "PT");
    support_team("Support", {ada_.user_id});
  }

  std::int64_t group(const std::string& name) {
    auto r = chat_->create_conversation(
        ana_, chat::NewConversation{chat::ConversationKind::group, name, "", {}, {ben_.user_id}});
    EXPECT_TRUE(r.ok());
    return r->conversation.id;
  }

  std::int64_t say(const Subject& who, std::int64_t conversation, const std::string& text) {
    auto p = chat_->post(who, conversation, text, "k" + std::to_string(++counter_));
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return p.ok() ? p->message.id : 0;
  }

  std::size_t count(const Subject& who, std::int64_t conversation) {
    auto h = chat_->history(who, conversation, std::nullopt, std::nullopt, 200);
    EXPECT_TRUE(h.ok());
    return h.ok() ? h->items.size() : 0;
  }

  std::int64_t rows(const std::string& sql) {
    auto n = storage::read_value<std::int64_t>(*db_, [&](storage::Session& s) -> Result<std::int64_t> {
      auto r = s.query(sql);
      if (!r.ok()) return r.error();
      return r->front().integer(0);
    });
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<chat::SearchService> search_;
  std::unique_ptr<RetentionService> retention_;
  Subject ana_, ben_, ada_, dora_, carl_;
  int counter_ = 0;
};

TEST_P(RetentionServiceTest, DeletesExpiredMessagesInBatchesWithVersionsAndSearchEntries) {
  const auto g = group("old news");
  const auto first = say(ana_, g, "zebra crossing one");
  for (int i = 0; i < 6; ++i) say(ben_, g, "zebra " + std::to_string(i));
  ASSERT_TRUE(chat_->edit(ana_, g, first, "zebra crossing edited").ok());
  clock_.advance_ms(40 * kDayMs);
  say(ana_, g, "zebra fresh");  // newer than the policy: stays
  ASSERT_TRUE(retention_->set_policy(admin_, "global", 30).ok());
  auto report = retention_->run_once();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->messages_deleted, 7);
  EXPECT_EQ(report->versions_deleted, 1);
  EXPECT_EQ(report->batches, 3);  // 3 + 3 + 1 with a batch size of 3
  EXPECT_EQ(count(ana_, g), 1u);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM message_versions"), 0);
  auto found = search_->search(ben_, chat::SearchQuery{"zebra", std::nullopt, 50});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_NE(found->front().snippet.find("fresh"), std::string::npos);
  // Audited with counts, never contents.
  audit::AuditQuery q;
  q.action = "retention.run";
  auto audited = audit_->query(q);
  ASSERT_EQ(audited->items.size(), 1u);
  EXPECT_NE(audited->items[0].detail.find("\"messages_deleted\":7"), std::string::npos);
  EXPECT_EQ(audited->items[0].detail.find("zebra"), std::string::npos);
  // Nothing left to do: a second run deletes nothing.
  EXPECT_EQ(retention_->run_once()->messages_deleted, 0);
}

// Chat features' tables that point at messages go with them (created here with the
// chat features' shape when that part of the schema is not installed in this build).
TEST_P(RetentionServiceTest, ReactionsGoWithTheirMessages) {
  ASSERT_TRUE(db_->write([](storage::Session& s) -> Result<void> {
                   return s.execute_script(
                       "CREATE TABLE IF NOT EXISTS message_reactions (message_id BIGINT NOT NULL REFERENCES "
                       "messages(id), emoji TEXT NOT NULL, user_id BIGINT NOT NULL REFERENCES users(id), "
                       "created_at BIGINT NOT NULL, PRIMARY KEY (message_id, emoji, user_id))");
                 })
                  .ok());
  const auto g = group("reacted");
  const auto id = say(ana_, g, "like me");
  ASSERT_TRUE(db_->write([&](storage::Session& s) -> Result<void> {
                   auto r = s.execute(
                       "INSERT INTO message_reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)",
                       {id, std::string("+1"), ben_.user_id, clock_.now_ms()});
                   if (!r.ok()) return r.error();
                   return {};
                 })
                  .ok());
  clock_.advance_ms(3 * kDayMs);
  ASSERT_TRUE(retention_->set_policy(admin_, "global", 1).ok());
  auto report = retention_->run_once();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->messages_deleted, 1);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM message_reactions"), 0);
}

TEST_P(RetentionServiceTest, AThreadGoesWithItsExpiredRoot) {
  const auto g = group("threads");
  auto root = chat_->post(ana_, g, "root", "r1");
  ASSERT_TRUE(root.ok()) << root.error().message;
  ASSERT_TRUE(chat_->post(ben_, g, "old reply", "r2", root->message.id).ok());
  clock_.advance_ms(5 * kDayMs);
  ASSERT_TRUE(chat_->post(ben_, g, "recent reply", "r3", root->message.id).ok());
  ASSERT_TRUE(chat_->post(ana_, g, "recent top-level", "r4").ok());
  ASSERT_TRUE(retention_->set_policy(admin_, "global", 3).ok());
  auto report = retention_->run_once();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->messages_deleted, 3);  // the root and both replies
  EXPECT_EQ(rows("SELECT COUNT(*) FROM messages"), 1);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM thread_followers"), 0);
}

// A root that stays loses its expired replies: count, last reply and participants follow,
// and the root takes a new change number so clients see it through /changes and sync.
TEST_P(RetentionServiceTest, ASurvivingRootForgetsItsExpiredReplies) {
  const Subject eve = person("eve", UserKind::employee, "PT");
  auto created = chat_->create_conversation(
      ana_, chat::NewConversation{chat::ConversationKind::group, "kept root", "", {}, {ben_.user_id, eve.user_id}});
  ASSERT_TRUE(created.ok());
  const auto g = created->conversation.id;
  // Ben's root survives (he is on hold and has left, so the conversation itself is not held).
  auto root = chat_->post(ben_, g, "root by ben", "r1");
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE(chat_->post(ana_, g, "old reply by ana", "r2", root->message.id).ok());
  clock_.advance_ms(5 * kDayMs);
  auto recent = chat_->post(eve, g, "recent reply by eve", "r3", root->message.id);
  ASSERT_TRUE(recent.ok());
  ASSERT_TRUE(chat_->leave(ben_, g).ok());
  ASSERT_TRUE(retention_->set_hold(admin_, "user:" + std::to_string(ben_.user_id), "case 7").ok());
  ASSERT_TRUE(retention_->set_policy(admin_, "global", 3).ok());
  auto before = chat_->history(ana_, g, std::nullopt, std::nullopt, 50);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->items.size(), 1u);
  EXPECT_EQ(before->items[0].reply_count, 2);
  const std::int64_t cursor = chat_->conversation(ana_, g)->conversation.last_seq;

  auto report = retention_->run_once();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->messages_deleted, 1);  // only Ana's old reply

  auto after = chat_->history(ana_, g, std::nullopt, std::nullopt, 50);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->items.size(), 1u);
  const auto& kept = after->items[0];
  EXPECT_EQ(kept.id, root->message.id);
  EXPECT_EQ(kept.reply_count, 1);
  ASSERT_TRUE(kept.last_reply_at.has_value());
  EXPECT_EQ(*kept.last_reply_at, recent->message.created_at);
  EXPECT_EQ(kept.participants, std::vector<std::int64_t>{eve.user_id});
  EXPECT_GT(kept.change_seq, cursor);
  // Replayable: /changes after the old cursor carries the purge (its ids, in the change
  // order before the root) and then the root with its new count.
  auto changes = chat_->changes(ana_, g, cursor, 50);
  ASSERT_TRUE(changes.ok()) << changes.error().message;
  ASSERT_EQ(changes->items.size(), 1u);
  EXPECT_EQ(changes->items[0].id, root->message.id);
  EXPECT_EQ(changes->items[0].reply_count, 1);
  ASSERT_EQ(changes->notices.size(), 1u);
  ASSERT_TRUE(changes->notices[0].purge.has_value());
  EXPECT_EQ(changes->notices[0].purge->message_ids.size(), 1u);
  EXPECT_EQ(changes->notices[0].change_seq, cursor + 1);
  EXPECT_LT(changes->notices[0].change_seq, changes->items[0].change_seq);
  EXPECT_EQ(changes->to, kept.change_seq);
  // A page of one stops after the purge and says there is more.
  auto first = chat_->changes(ana_, g, cursor, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->items.empty());
  ASSERT_EQ(first->notices.size(), 1u);
  EXPECT_TRUE(first->has_more);
  EXPECT_EQ(first->to, cursor + 1);
  // Someone not in the conversation gets no purge list either.
  EXPECT_EQ(chat_->changes(admin_, g, 0, 50).error().code, ErrorCode::not_found);
  // A second run changes nothing more.
  EXPECT_EQ(retention_->run_once()->messages_deleted, 0);
  EXPECT_EQ(chat_->conversation(ana_, g)->conversation.last_seq, kept.change_seq);
}

TEST_P(RetentionServiceTest, LegalHoldsSuspendDeletion) {
  const auto held = group("held");
  const auto free = group("free");
  say(ana_, held, "keep me");
  say(ana_, free, "lose me");
  clock_.advance_ms(10 * kDayMs);
  ASSERT_TRUE(retention_->set_policy(admin_, "kind:group", 1).ok());
  ASSERT_TRUE(retention_->set_hold(admin_, "conversation:" + std::to_string(held), "case 12").ok());
  auto report = retention_->run_once();
  EXPECT_EQ(report->conversations_held, 1);
  EXPECT_EQ(count(ana_, held), 1u);
  EXPECT_EQ(count(ana_, free), 0u);

  // A hold on a person keeps every conversation they are in.
  const auto with_ben = group("with ben");
  say(ana_, with_ben, "ben's conversation");
  clock_.advance_ms(10 * kDayMs);
  ASSERT_TRUE(retention_->set_hold(admin_, "user:" + std::to_string(ben_.user_id), "").ok());
  ASSERT_TRUE(retention_->run_once().ok());
  EXPECT_EQ(count(ana_, with_ben), 1u);
  EXPECT_EQ(count(ana_, held), 1u);
  // Released: the next run deletes.
  ASSERT_TRUE(retention_->delete_hold(admin_, "user:" + std::to_string(ben_.user_id)).ok());
  ASSERT_TRUE(retention_->delete_hold(admin_, "conversation:" + std::to_string(held)).ok());
  EXPECT_EQ(retention_->run_once()->messages_deleted, 2);
  EXPECT_EQ(count(ana_, held), 0u);
}

// PostgreSQL (READ COMMITTED): a purge batch has found expired messages and waits for the
// conversation's lock while an admin places a legal hold on it. Placing the hold takes the
// same lock, and the purge checks for holds again under it: a hold that was confirmed
// always stops the purge. Before, the hold was confirmed at once and the waiting purge
// then deleted the held messages.
TEST_P(RetentionServiceTest, AConfirmedHoldStopsAPurgeAlreadyUnderWay) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  const auto c = group("held later");
  say(ana_, c, "keep me");
  clock_.advance_ms(10 * kDayMs);
  ASSERT_TRUE(retention_->set_policy(admin_, "kind:group", 1).ok());
  Result<RunReport> run = make_error(ErrorCode::internal, "not run");
  Result<LegalHold> hold = make_error(ErrorCode::internal, "not run");
  std::atomic<bool> hold_done{false};
  bool confirmed_while_purge_waited = false;
  {
    storage::testing::RowLockHolder holder(*db_, "SELECT 1 FROM conversations WHERE id = ? FOR NO KEY UPDATE", {c});
    std::thread purge([&] { run = retention_->run_once(); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 1));  // the purge, at the lock
    std::thread admin([&] {
      hold = retention_->set_hold(admin_, "conversation:" + std::to_string(c), "case 13");
      hold_done = true;
    });
    // Either the hold queues behind the purge (as it should) or it is confirmed at once.
    for (int i = 0; i < 6000 && !hold_done; ++i) {
      auto waiting = storage::read_value<std::int64_t>(*db_, [](storage::Session& s) -> Result<std::int64_t> {
        auto r = s.query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        if (!r.ok()) return r.error();
        return r->front().integer(0);
      });
      if (waiting.ok() && *waiting >= 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    confirmed_while_purge_waited = hold_done;
    EXPECT_TRUE(holder.release());
    purge.join();
    admin.join();
  }
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_TRUE(hold.ok()) << hold.error().message;
  if (confirmed_while_purge_waited) {
    EXPECT_EQ(count(ana_, c), 1u) << "the purge deleted messages under a confirmed hold";
  }
  EXPECT_FALSE(confirmed_while_purge_waited) << "the hold queues behind the purge that holds the conversation";
}

TEST_P(RetentionServiceTest, SupportByCustomerCountryAndPerConversationOverrides) {
  auto de = support_->open(dora_, chat::OpenSupport{"Rechnung", "Hallo", "d1"});
  auto pt = support_->open(carl_, chat::OpenSupport{"fatura", "Olá", "c1"});
  ASSERT_TRUE(de.ok() && pt.ok());
  const auto de_id = de->conversation.conversation_id, pt_id = pt->conversation.conversation_id;
  ASSERT_TRUE(support_->claim(ada_, de_id).ok());
  ASSERT_TRUE(support_->add_note(ada_, de_id, "internal").ok());
  const auto g = group("exempt");
  say(ana_, g, "forever");
  ASSERT_TRUE(retention_->set_policy(admin_, "global", 365).ok());
  ASSERT_TRUE(retention_->set_policy(admin_, "country:DE", 180).ok());
  ASSERT_TRUE(retention_->set_policy(admin_, "conversation:" + std::to_string(g), 0).ok());
  EXPECT_EQ(retention_->in_force(de_id)->policy->scope, "country:DE");
  EXPECT_EQ(retention_->in_force(pt_id)->policy->scope, "global");
  EXPECT_EQ(retention_->in_force(g)->policy->keep_days, 0);
  clock_.advance_ms(200 * kDayMs);
  auto report = retention_->run_once();
  EXPECT_EQ(report->messages_deleted, 1);  // only the German customer's first message
  EXPECT_EQ(report->notes_deleted, 1);
  EXPECT_EQ(count(dora_, de_id), 0u);
  EXPECT_EQ(count(carl_, pt_id), 1u);
  clock_.advance_ms(3650 * kDayMs);
  ASSERT_TRUE(retention_->run_once().ok());
  EXPECT_EQ(count(ana_, g), 1u);  // keep_days 0: kept forever
  EXPECT_EQ(count(carl_, pt_id), 0u);
}

TEST_P(RetentionServiceTest, OnlyAdminsManageRetention) {
  EXPECT_EQ(retention_->set_policy(ana_, "global", 30).error().code, ErrorCode::forbidden);
  EXPECT_EQ(retention_->set_hold(ada_, "user:1", "x").error().code, ErrorCode::forbidden);
  EXPECT_EQ(retention_->policies(carl_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(retention_->set_policy(admin_, "everything", 30).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(retention_->set_policy(admin_, "global", -1).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(retention_->set_policy(admin_, "conversation:999999", 1).error().code, ErrorCode::not_found);
  EXPECT_EQ(retention_->set_hold(admin_, "user:999999", "").error().code, ErrorCode::not_found);
  EXPECT_EQ(retention_->delete_policy(admin_, "global").error().code, ErrorCode::not_found);
}

TEST_P(RetentionServiceTest, TheJobRunsOnItsOwnThreadUntilStopped) {
  const auto g = group("job");
  say(ana_, g, "old");
  clock_.advance_ms(2 * kDayMs);
  ASSERT_TRUE(retention_->set_policy(admin_, "global", 1).ok());
  RetentionJob job(*retention_, std::chrono::milliseconds(20));
  job.start();
  for (int i = 0; i < 200 && job.runs() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  job.stop();
  EXPECT_GE(job.runs(), 1);
  EXPECT_EQ(count(ana_, g), 0u);
}

TEST_P(RetentionServiceTest, ThePurgeLeaseIsHeldByOneNodeUntilItRunsOut) {
  using std::chrono::milliseconds;
  const milliseconds held{10'000};
  EXPECT_TRUE(*retention_->claim_purge("node-a", held));
  EXPECT_FALSE(*retention_->claim_purge("node-b", held)) << "a held lease is refused";
  clock_.advance_ms(9'000);
  EXPECT_TRUE(*retention_->claim_purge("node-a", held)) << "the holder renews it";
  clock_.advance_ms(9'000);
  EXPECT_FALSE(*retention_->claim_purge("node-b", held)) << "renewed: still held";
  clock_.advance_ms(1'001);
  EXPECT_TRUE(*retention_->claim_purge("node-b", held)) << "run out: another node takes over";
  EXPECT_FALSE(*retention_->claim_purge("node-a", held));

  // Eight nodes claiming a free lease at the same moment: exactly one wins.
  clock_.advance_ms(20'000);
  std::atomic<int> winners{0};
  std::vector<std::thread> nodes;
  for (int i = 0; i < 8; ++i)
    nodes.emplace_back([&, i] {
      auto mine = retention_->claim_purge("racer-" + std::to_string(i), held);
      ASSERT_TRUE(mine.ok()) << mine.error().message;
      if (*mine) ++winners;
    });
  for (auto& t : nodes) t.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(RetentionServiceTest, TwoNodesJobsOnOneStorePurgeOneAtATime) {
  const auto g = group("two-nodes");
  say(ana_, g, "old");
  clock_.advance_ms(2 * kDayMs);
  ASSERT_TRUE(retention_->set_policy(admin_, "global", 1).ok());
  // Two services on one store stand for two nodes; the test clock stands still, so the
  // first lease never runs out and the other node skips every turn.
  RetentionService other(*db_, *audit_, policy_, clock_, RetentionOptions{3});
  RetentionJob a(*retention_, std::chrono::milliseconds(10));
  RetentionJob b(other, std::chrono::milliseconds(10));
  a.start();
  b.start();
  for (int i = 0; i < 500 && (a.runs() < 5 || b.runs() < 5); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  a.stop();
  b.stop();
  ASSERT_GE(a.runs(), 5);
  ASSERT_GE(b.runs(), 5);
  EXPECT_TRUE((a.purges() == 0) != (b.purges() == 0)) << "one node purged: " << a.purges() << " and " << b.purges();
  EXPECT_EQ(a.purges() + b.purges(), std::max(a.purges(), b.purges()));
  EXPECT_EQ(count(ana_, g), 0u) << "and the purge happened";
}

INSTANTIATE_TEST_SUITE_P(Stores, RetentionServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::retention
