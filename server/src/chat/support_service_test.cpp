#include "chat/support_service.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/chat_test.hpp"

namespace meridian::chat {
namespace {

class SupportServiceTest : public testing::ChatTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ChatTest::SetUp());
    ada_ = person("ada", UserKind::agent, "PT");
    abe_ = person("abe", UserKind::agent, "PT");
    bo_ = person("bo", UserKind::agent, "DE");
    emma_ = person("emma", UserKind::employee, "PT");
    carl_ = person("carl", UserKind::customer, "PT");
    dora_ = person("dora", UserKind::customer, "DE");
    gus_ = person("gus", UserKind::guest, "PT");
    // emma: an employee in a support team is still not an agent
    lisbon_ = support_team("Support Lisbon", {ada_.user_id, abe_.user_id, emma_.user_id});
    berlin_ = team("Support Berlin", {bo_.user_id});
    ASSERT_TRUE(support_->set_route(admin_, "country:DE", berlin_).ok());
  }

  void join(std::int64_t team_id, const Subject& who) {
    ASSERT_TRUE(identity_->add_team_member(audit::Actor{}, team_id, who.user_id).ok());
  }

  std::int64_t open(const Subject& customer, const std::string& subject = "my invoice") {
    auto r = support_->open(customer, OpenSupport{subject, "Hello, I need help", "first-" + subject});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->conversation.conversation_id : 0;
  }

  std::int64_t lisbon_ = 0, berlin_ = 0;
  Subject ada_, abe_, bo_, emma_, carl_, dora_, gus_;
};

TEST_P(SupportServiceTest, CustomerOpensAndItLandsInTheTeamRoutedToTheirCountry) {
  auto opened = support_->open(carl_, OpenSupport{"my invoice", "Hello, I need help", "k1"});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->conversation.team_id, lisbon_);  // default route
  EXPECT_EQ(opened->conversation.status, SupportStatus::queued);
  ASSERT_TRUE(opened->first_message);
  EXPECT_EQ(opened->first_message->seq, 1);
  EXPECT_EQ(opened->agents, (std::vector<std::int64_t>{ada_.user_id, abe_.user_id}));
  // A retry returns the same conversation, no second one.
  auto again = support_->open(carl_, OpenSupport{"my invoice", "Hello, I need help", "k1"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->conversation.conversation_id, opened->conversation.conversation_id);
  EXPECT_FALSE(again->first_message);
  EXPECT_EQ(support_->list(carl_, std::nullopt)->size(), 1u);

  auto german = support_->open(dora_, OpenSupport{"Rechnung", "Hallo", "k1"});
  ASSERT_TRUE(german.ok());
  EXPECT_EQ(german->conversation.team_id, berlin_);  // country beats default
  EXPECT_EQ(german->conversation.customer_country, "DE");
  ASSERT_TRUE(support_->set_route(admin_, "region:EU", berlin_).ok());
  ASSERT_TRUE(support_->delete_route(admin_, "country:DE").ok());
  EXPECT_EQ(support_->open(carl_, OpenSupport{"again", "hi", "k2"})->conversation.team_id, berlin_);  // region
}

TEST_P(SupportServiceTest, OnlyCustomersOpenSupportAndOnlyOnceSetUp) {
  EXPECT_EQ(support_->open(gus_, OpenSupport{"help", "hi", "g1"}).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->open(emma_, OpenSupport{"help", "hi", "e1"}).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->open(carl_, OpenSupport{"", "hi", "c1"}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(support_->open(carl_, OpenSupport{"help", "  ", "c1"}).error().code, ErrorCode::invalid_argument);
  ASSERT_TRUE(support_->delete_route(admin_, "default").ok());
  EXPECT_EQ(support_->open(carl_, OpenSupport{"help", "hi", "c1"}).error().code, ErrorCode::conflict);
  // Routing is for admins; nobody else may change or read it.
  EXPECT_EQ(support_->set_route(ada_, "default", berlin_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->routes(carl_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->set_route(admin_, "country:germany", berlin_).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(support_->set_route(admin_, "default", 9999).error().code, ErrorCode::not_found);
  // Chat's own create cannot make a support conversation.
  auto via_chat = chat_->create_conversation(ada_, NewConversation{ConversationKind::support, "x", "", {}, {}});
  EXPECT_EQ(via_chat.error().code, ErrorCode::invalid_argument);
}

TEST_P(SupportServiceTest, CustomerSeesOnlyTheirOwnConversations) {
  const auto mine = open(carl_);
  const auto theirs = open(dora_);
  auto list = support_->list(carl_, std::nullopt);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().conversation_id, mine);
  EXPECT_EQ(support_->get(carl_, theirs).error().code, ErrorCode::not_found);
  EXPECT_EQ(chat_->history(carl_, theirs, std::nullopt, std::nullopt, 50).error().code, ErrorCode::not_found);
  EXPECT_EQ(chat_->conversation(carl_, theirs).error().code, ErrorCode::not_found);
  EXPECT_EQ(chat_->post(carl_, theirs, "hi", "x1").error().code, ErrorCode::not_found);
  EXPECT_EQ(support_->close(carl_, theirs).error().code, ErrorCode::not_found);
  // The customer sees no queue and cannot claim, even their own conversation.
  EXPECT_EQ(support_->queue(carl_, std::nullopt).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->claim(carl_, mine).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->assign(carl_, mine, ada_.user_id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->transfer(carl_, mine, berlin_).error().code, ErrorCode::forbidden);
  // Nor bring anyone in or leave it through chat.
  EXPECT_EQ(chat_->add_member(carl_, mine, emma_.user_id).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(chat_->leave(carl_, mine).error().code, ErrorCode::invalid_argument);
  // Guests and employees learn nothing.
  EXPECT_EQ(support_->get(gus_, mine).error().code, ErrorCode::not_found);
  EXPECT_EQ(support_->list(gus_, std::nullopt).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->list(emma_, std::nullopt).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->get(emma_, mine).error().code, ErrorCode::not_found);
  EXPECT_EQ(chat_->history(emma_, mine, std::nullopt, std::nullopt, 50).error().code, ErrorCode::not_found);
}

TEST_P(SupportServiceTest, AgentsSeeOnlyTheQueuesAndConversationsOfTheirTeams) {
  const auto pt = open(carl_);
  const auto de = open(dora_);
  auto queue = support_->queue(ada_, std::nullopt);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ(queue->front().conversation_id, pt);
  EXPECT_EQ(support_->queue(bo_, std::nullopt)->front().conversation_id, de);
  EXPECT_EQ(support_->queue(bo_, lisbon_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->get(bo_, pt).error().code, ErrorCode::not_found);
  EXPECT_EQ(support_->claim(bo_, pt).error().code, ErrorCode::not_found);
  EXPECT_EQ(support_->notes(bo_, pt).error().code, ErrorCode::not_found);
  EXPECT_EQ(support_->add_note(bo_, pt, "peek").error().code, ErrorCode::not_found);
  EXPECT_EQ(chat_->history(bo_, pt, std::nullopt, std::nullopt, 50).error().code, ErrorCode::not_found);
  EXPECT_EQ(support_->list(bo_, std::nullopt)->size(), 1u);
  // An agent of the team reads the conversation before claiming, but cannot write in it.
  auto before_claim = chat_->history(abe_, pt, std::nullopt, std::nullopt, 50);
  ASSERT_TRUE(before_claim.ok()) << before_claim.error().message;
  EXPECT_EQ(before_claim->items.size(), 1u);
  EXPECT_EQ(chat_->post(abe_, pt, "hi", "a1").error().code, ErrorCode::forbidden);
  // Admins see every queue and conversation.
  EXPECT_EQ(support_->queue(admin_, std::nullopt)->size(), 2u);
  EXPECT_EQ(support_->list(admin_, std::nullopt)->size(), 2u);
  EXPECT_TRUE(support_->get(admin_, de).ok());
}

TEST_P(SupportServiceTest, ClaimAssignAndTransferMoveMembership) {
  const auto id = open(carl_);
  auto claimed = support_->claim(ada_, id);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_EQ(claimed->conversation.status, SupportStatus::assigned);
  EXPECT_EQ(claimed->conversation.assignee_id, ada_.user_id);
  EXPECT_EQ(support_->claim(abe_, id).error().code, ErrorCode::conflict);  // taken
  EXPECT_TRUE(support_->queue(ada_, std::nullopt)->empty());
  ASSERT_TRUE(chat_->post(ada_, id, "Hi Carl, Ada here", "a1").ok());
  // The customer sees the agent's name among the members.
  auto view = chat_->conversation(carl_, id);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->members.size(), 2u);
  EXPECT_EQ(view->members.front().display_name, "ada");

  EXPECT_EQ(support_->assign(ada_, id, bo_.user_id).error().code, ErrorCode::invalid_argument);    // other team
  EXPECT_EQ(support_->assign(ada_, id, emma_.user_id).error().code, ErrorCode::invalid_argument);  // not an agent
  auto assigned = support_->assign(ada_, id, abe_.user_id);
  ASSERT_TRUE(assigned.ok()) << assigned.error().message;
  EXPECT_EQ(assigned->removed, (std::vector<std::int64_t>{ada_.user_id}));
  // Abe was handed it: he has read nothing yet, so the customer sees no "Seen" from him.
  auto abes = chat_->conversation(abe_, id);
  ASSERT_TRUE(abes.ok());
  EXPECT_EQ(abes->last_read_seq, 0);
  EXPECT_EQ(abes->unread, 2);  // Carl's opening message and Ada's answer
  EXPECT_EQ(chat_->post(ada_, id, "still here?", "a2").error().code, ErrorCode::forbidden);  // reads only now
  ASSERT_TRUE(chat_->post(abe_, id, "Abe taking over", "b1").ok());

  auto moved = support_->transfer(abe_, id, berlin_);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->conversation.status, SupportStatus::queued);
  EXPECT_FALSE(moved->conversation.assignee_id);
  EXPECT_EQ(support_->get(abe_, id).error().code, ErrorCode::not_found);  // no longer their team's
  EXPECT_EQ(chat_->history(ada_, id, std::nullopt, std::nullopt, 50).error().code, ErrorCode::not_found);
  EXPECT_EQ(support_->queue(bo_, std::nullopt)->front().conversation_id, id);
  ASSERT_TRUE(support_->claim(bo_, id).ok());
  EXPECT_EQ(chat_->history(carl_, id, std::nullopt, std::nullopt, 50)->items.size(), 3u);
  ASSERT_TRUE(support_->close(carl_, id).ok());
  EXPECT_EQ(support_->get(bo_, id)->status, SupportStatus::closed);
  EXPECT_EQ(support_->claim(bo_, id).error().code, ErrorCode::conflict);
}

// PostgreSQL (READ COMMITTED): Ada claims while an admin hands the same conversation to
// Abe. A test transaction holds the support row until both wait (the claim first in line);
// each takes the conversation row before reading, so the handover sees Ada's claim and
// takes her out. Read without that lock, the handover kept a stale "nobody" and Ada stayed
// a member of a conversation that was no longer hers.
TEST_P(SupportServiceTest, AClaimAndAHandoverAtOnceLeaveOneAgent) {
  if (db_->dialect() != storage::Dialect::postgres) GTEST_SKIP() << "SQLite writes one transaction at a time";
  const auto id = open(carl_);
  Result<SupportUpdate> claimed = make_error(ErrorCode::internal, "not run"), assigned = claimed;
  {
    storage::testing::RowLockHolder holder(
        *db_, "UPDATE support_conversations SET status = status WHERE conversation_id = ?", {id});
    std::thread ta([&] { claimed = support_->claim(ada_, id); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 1));
    std::thread tb([&] { assigned = support_->assign(admin_, id, abe_.user_id); });
    EXPECT_TRUE(storage::testing::wait_for_lock_waiters(*db_, 2));
    EXPECT_TRUE(holder.release());
    ta.join();
    tb.join();
  }
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_TRUE(assigned.ok()) << assigned.error().message;
  EXPECT_EQ(assigned->removed, (std::vector<std::int64_t>{ada_.user_id}));
  EXPECT_EQ(support_->get(carl_, id)->assignee_id, abe_.user_id);
  auto view = chat_->conversation(carl_, id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->members.size(), 2u) << "Carl and Abe, not Ada";
  EXPECT_EQ(chat_->post(ada_, id, "still mine?", "a1").error().code, ErrorCode::forbidden);
}

TEST_P(SupportServiceTest, ClaimAssignTransferCloseAndReopenAreAudited) {
  support_ = std::make_unique<SupportService>(*db_, policy_, clock_, *access_, nullptr, audit_.get());
  const auto id = open(carl_);
  const std::string target = "support:" + std::to_string(id);
  EXPECT_EQ(support_->claim(carl_, id).error().code, ErrorCode::forbidden);  // refused: nothing recorded
  ASSERT_TRUE(support_->claim(ada_, id, "192.0.2.7").ok());
  ASSERT_TRUE(support_->claim(ada_, id).ok());  // already hers: no second record
  ASSERT_TRUE(support_->assign(ada_, id, abe_.user_id).ok());
  ASSERT_TRUE(support_->transfer(abe_, id, berlin_).ok());
  ASSERT_TRUE(support_->claim(bo_, id).ok());
  ASSERT_TRUE(support_->close(carl_, id).ok());
  ASSERT_TRUE(support_->close(carl_, id).ok());  // already closed: no second record
  ASSERT_TRUE(support_->reopen(carl_, id).ok());

  audit::AuditQuery q;
  q.action = "support.*";
  q.target = target;
  auto page = audit_->query(q);
  ASSERT_TRUE(page.ok()) << page.error().message;
  std::vector<std::string> actions;
  for (auto it = page->items.rbegin(); it != page->items.rend(); ++it) actions.push_back(it->action);
  EXPECT_EQ(actions, (std::vector<std::string>{"support.claim", "support.assign", "support.transfer", "support.claim",
                                               "support.close", "support.reopen"}));
  const auto& first = page->items.back();
  EXPECT_EQ(first.actor_id, ada_.user_id);
  EXPECT_EQ(first.ip, "192.0.2.7");
  EXPECT_EQ(first.outcome, "ok");
  EXPECT_NE(first.detail.find("\"assignee_id\":" + std::to_string(ada_.user_id)), std::string::npos) << first.detail;
  EXPECT_NE(first.detail.find("\"from_status\":\"queued\""), std::string::npos) << first.detail;
  const auto& transfer = page->items[page->items.size() - 3];
  EXPECT_NE(transfer.detail.find("\"team_id\":" + std::to_string(berlin_)), std::string::npos) << transfer.detail;
  EXPECT_NE(transfer.detail.find("\"from_team_id\":" + std::to_string(lisbon_)), std::string::npos) << transfer.detail;
  for (const auto& e : page->items) EXPECT_EQ(e.detail.find("invoice"), std::string::npos) << "no subject or text";
}

// Before claiming, an agent of the team reads (history, thread view, read markers are
// harmless no-ops, internal notes) but writes nothing the customer would see.
TEST_P(SupportServiceTest, AnAgentWhoHasNotClaimedReadsButNeverWrites) {
  const auto id = open(carl_);
  auto history = chat_->history(ada_, id, std::nullopt, std::nullopt, 50);
  ASSERT_TRUE(history.ok()) << history.error().message;
  ASSERT_EQ(history->items.size(), 1u);
  const auto first = history->items[0].id;
  EXPECT_TRUE(chat_->thread(ada_, id, first, std::nullopt, std::nullopt, 50).ok());
  EXPECT_EQ(chat_->react(ada_, id, first, ":thumbsup:", std::nullopt).error().code, ErrorCode::forbidden);
  EXPECT_EQ(chat_->react(ada_, id, first, ":eyes:", true).error().code, ErrorCode::forbidden);
  auto posted = chat_->post(ada_, id, "hi", "a1");
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().code, ErrorCode::forbidden);
  EXPECT_NE(posted.error().message.find("claim"), std::string::npos);
  EXPECT_EQ(chat_->post(ada_, id, "in a thread", "a2", first).error().code, ErrorCode::forbidden);
  EXPECT_EQ(chat_->edit(ada_, id, first, "changed").error().code, ErrorCode::forbidden);
  EXPECT_EQ(chat_->remove(ada_, id, first).error().code, ErrorCode::forbidden);
  EXPECT_EQ(chat_->follow_thread(ada_, id, first, true).error().code, ErrorCode::forbidden);
  auto read = chat_->mark_read(ada_, id, 1);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_FALSE(read->changed);
  EXPECT_TRUE(read->notify.empty());  // the customer is not told an unseen agent read it
  EXPECT_TRUE(chat_->mark_thread_read(ada_, id, first, 1).ok());
  EXPECT_TRUE(chat_->typing(ada_, id)->recipients.empty());
  EXPECT_TRUE(support_->add_note(ada_, id, "looks like a refund").ok());  // notes are internal
  auto after = chat_->history(carl_, id, std::nullopt, std::nullopt, 50);
  ASSERT_EQ(after->items.size(), 1u);
  EXPECT_TRUE(after->items[0].reactions.empty());
  EXPECT_EQ(after->items[0].text, "Hello, I need help");
  // Claiming makes her a member: now she reacts and replies.
  ASSERT_TRUE(support_->claim(ada_, id).ok());
  EXPECT_TRUE(chat_->react(ada_, id, first, ":thumbsup:", std::nullopt).ok());
  EXPECT_TRUE(chat_->post(ada_, id, "Hi Carl", "a3").ok());
  // Abe, her team mate, still only reads.
  EXPECT_EQ(chat_->react(abe_, id, first, ":thumbsup:", std::nullopt).error().code, ErrorCode::forbidden);
}

TEST_P(SupportServiceTest, AClosedConversationTakesNoMessagesUntilReopened) {
  const auto id = open(carl_);
  ASSERT_TRUE(support_->claim(ada_, id).ok());
  ASSERT_TRUE(support_->close(carl_, id).ok());
  auto refused = chat_->post(carl_, id, "one more thing", "c2");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_NE(refused.error().message.find("closed; reopen"), std::string::npos);
  EXPECT_EQ(chat_->post(ada_, id, "anything else?", "a1").error().code, ErrorCode::conflict);
  EXPECT_EQ(chat_->history(carl_, id, std::nullopt, std::nullopt, 50)->items.size(), 1u);
  // Nor are its messages changed: the closed request is its record.
  const auto opening = chat_->history(carl_, id, std::nullopt, std::nullopt, 50)->items.front().id;
  EXPECT_EQ(chat_->edit(carl_, id, opening, "rewritten").error().code, ErrorCode::conflict);
  EXPECT_EQ(chat_->remove(carl_, id, opening).error().code, ErrorCode::conflict);
  EXPECT_EQ(chat_->history(carl_, id, std::nullopt, std::nullopt, 50)->items.front().text.find("rewritten"),
            std::string::npos);
  // Only the customer and the team reopen; anyone else learns nothing.
  EXPECT_EQ(support_->reopen(dora_, id).error().code, ErrorCode::not_found);
  EXPECT_EQ(support_->reopen(bo_, id).error().code, ErrorCode::not_found);
  auto reopened = support_->reopen(carl_, id);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(reopened->conversation.status, SupportStatus::assigned);  // back to Ada
  EXPECT_EQ(reopened->conversation.assignee_id, ada_.user_id);
  EXPECT_TRUE(chat_->post(carl_, id, "one more thing", "c2").ok());
  EXPECT_TRUE(support_->reopen(carl_, id).ok());  // not closed: nothing to do
  // The agent closes and reopens too; unclaimed ones go back to the queue.
  ASSERT_TRUE(support_->close(ada_, id).ok());
  EXPECT_EQ(support_->reopen(abe_, id)->conversation.status, SupportStatus::assigned);
  const auto other = open(carl_, "second");
  ASSERT_TRUE(support_->close(carl_, other).ok());
  auto queued = support_->reopen(carl_, other);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(queued->conversation.status, SupportStatus::queued);
  EXPECT_EQ(support_->queue(ada_, std::nullopt)->size(), 1u);
}

TEST_P(SupportServiceTest, SeenReceiptsGoToTheOtherSide) {
  const auto id = open(carl_);
  ASSERT_TRUE(support_->claim(ada_, id).ok());
  auto reply = chat_->post(ada_, id, "Hi Carl", "a1");
  ASSERT_TRUE(reply.ok());
  auto seen = chat_->mark_read(carl_, id, reply->message.seq);
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  EXPECT_TRUE(seen->changed);
  EXPECT_EQ(seen->notify, std::vector<std::int64_t>{ada_.user_id});
  auto thanks = chat_->post(carl_, id, "Thanks", "c1");
  ASSERT_TRUE(thanks.ok());
  auto by_agent = chat_->mark_read(ada_, id, thanks->message.seq);
  ASSERT_TRUE(by_agent.ok());
  EXPECT_EQ(by_agent->notify, std::vector<std::int64_t>{carl_.user_id});
  EXPECT_TRUE(chat_->mark_read(ada_, id, thanks->message.seq)->notify.empty());  // did not move
}

TEST_P(SupportServiceTest, InternalNotesReachAgentsOnly) {
  const auto id = open(carl_);
  ASSERT_TRUE(support_->claim(ada_, id).ok());
  auto note = support_->add_note(ada_, id, "customer is upset about invoice 42");
  ASSERT_TRUE(note.ok()) << note.error().message;
  EXPECT_EQ(note->recipients, (std::vector<std::int64_t>{ada_.user_id, abe_.user_id}));
  EXPECT_EQ(support_->notes(carl_, id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->add_note(carl_, id, "let me in").error().code, ErrorCode::forbidden);
  EXPECT_EQ(support_->notes(abe_, id)->size(), 1u);
  // Never part of the conversation's messages or changes.
  auto history = chat_->history(carl_, id, std::nullopt, std::nullopt, 50);
  for (const auto& m : history->items) EXPECT_EQ(m.text.find("upset"), std::string::npos);
  auto changes = chat_->changes(carl_, id, 0, 200);
  for (const auto& m : changes->items) EXPECT_EQ(m.text.find("upset"), std::string::npos);
  EXPECT_EQ(chat_->conversation(carl_, id)->unread, 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, SupportServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::chat
