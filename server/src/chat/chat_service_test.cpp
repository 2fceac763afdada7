#include "chat/chat_service.hpp"
#include "chat/mentions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/module_test.hpp"

namespace meridian::chat {
namespace {

// Records what the service reports live (the sequence numbers it takes).
struct RecordedEvents final : ChatEvents {
  std::vector<std::int64_t>* taken = nullptr;
  void seq_taken(std::int64_t, std::int64_t seq) override {
    if (taken) taken->push_back(seq);
  }
  void posted(const Posted&) override {}
  void conversation_changed(const ConversationChanged&) override {}
  void purged(const Purged&) override {}
  void membership_changed(const MembershipChanged& m) override { membership.push_back(m); }
  std::vector<MembershipChanged> membership;
};

class ChatServiceTest : public testing::ModuleTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ModuleTest::SetUp());
    access_ = std::make_unique<ConversationAccess>(policy_);
    chat_ = std::make_unique<ChatService>(*db_, policy_, clock_, *access_, ChatPorts{&events_});
    ana_ = person("ana", UserKind::employee);
    ben_ = person("ben", UserKind::employee);
    cleo_ = person("cleo", UserKind::agent);
    carl_ = person("carl", UserKind::customer);
    gus_ = person("gus", UserKind::guest);
  }

  ConversationView make(const Subject& who, ConversationKind kind, std::vector<std::int64_t> members,
                        std::string name = "", Visibility visibility = Visibility::private_) {
    auto r =
        chat_->create_conversation(who, NewConversation{kind, std::move(name), "", visibility, std::move(members)});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ConversationView{};
  }

  std::unique_ptr<ConversationAccess> access_;
  RecordedEvents events_;
  std::unique_ptr<ChatService> chat_;
  Subject ana_, ben_, cleo_, carl_, gus_;
};

TEST_P(ChatServiceTest, DirectConversationIsOnePerPair) {
  auto first = make(ana_, ConversationKind::direct, {ben_.user_id});
  auto again = make(ben_, ConversationKind::direct, {ana_.user_id});
  EXPECT_EQ(first.conversation.id, again.conversation.id);
  EXPECT_EQ(first.members.size(), 2u);
  auto three = chat_->create_conversation(
      ana_, NewConversation{ConversationKind::direct, "", "", {}, {ben_.user_id, cleo_.user_id}});
  EXPECT_EQ(three.error().code, ErrorCode::invalid_argument);
}

// Membership changes are told at once (issue 15, defect 4): the added learn the conversation
// exists, the removed that it is gone, the members that the list changed; nothing is told
// when nothing changed or the change was refused.
TEST_P(ChatServiceTest, MembershipChangesAreToldToTheAddedTheRemovedAndTheMembers) {
  using Ids = std::vector<std::int64_t>;
  auto sorted = [](Ids ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  auto c = make(ana_, ConversationKind::group, {ben_.user_id}, "crew");
  const auto id = c.conversation.id;
  ASSERT_EQ(events_.membership.size(), 1u);
  EXPECT_EQ(events_.membership[0].conversation_id, id);
  EXPECT_EQ(events_.membership[0].added, Ids{ben_.user_id});
  EXPECT_EQ(sorted(events_.membership[0].members), sorted({ana_.user_id, ben_.user_id}));
  EXPECT_EQ(events_.membership[0].by, ana_.user_id);

  ASSERT_TRUE(chat_->add_member(ana_, id, cleo_.user_id).ok());
  ASSERT_EQ(events_.membership.size(), 2u);
  EXPECT_EQ(events_.membership[1].added, Ids{cleo_.user_id});
  EXPECT_EQ(sorted(events_.membership[1].members), sorted({ana_.user_id, ben_.user_id, cleo_.user_id}));

  ASSERT_TRUE(chat_->add_member(ana_, id, cleo_.user_id).ok());  // already in
  EXPECT_FALSE(chat_->add_member(ana_, id, carl_.user_id).ok());  // customers only in support
  EXPECT_EQ(events_.membership.size(), 2u) << "nothing told when nothing changed";

  ASSERT_TRUE(chat_->remove_member(ana_, id, ben_.user_id).ok());
  ASSERT_EQ(events_.membership.size(), 3u);
  EXPECT_EQ(events_.membership[2].removed, Ids{ben_.user_id});
  EXPECT_EQ(sorted(events_.membership[2].members), sorted({ana_.user_id, cleo_.user_id}));

  ASSERT_TRUE(chat_->leave(cleo_, id).ok());
  ASSERT_EQ(events_.membership.size(), 4u);
  EXPECT_EQ(events_.membership[3].removed, Ids{cleo_.user_id});
  EXPECT_EQ(events_.membership[3].members, Ids{ana_.user_id});

  auto open = make(ana_, ConversationKind::channel, {}, "lobby", Visibility::public_);
  ASSERT_EQ(events_.membership.size(), 4u) << "a channel made alone adds nobody";
  ASSERT_TRUE(chat_->join(ben_, open.conversation.id).ok());
  ASSERT_EQ(events_.membership.size(), 5u);
  EXPECT_EQ(events_.membership[4].added, Ids{ben_.user_id});
  ASSERT_TRUE(chat_->join(ben_, open.conversation.id).ok());  // again: already in
  EXPECT_EQ(events_.membership.size(), 5u);
}

TEST_P(ChatServiceTest, MessagesGetGaplessSequenceNumbersAndHistoryPages) {
  auto c = make(ana_, ConversationKind::group, {ben_.user_id}, "tax team");
  for (int i = 1; i <= 7; ++i) {
    auto p = chat_->post(i % 2 ? ana_ : ben_, c.conversation.id, "hello " + std::to_string(i), "c" + std::to_string(i));
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->message.seq, i);
  }
  auto newest = chat_->history(ben_, c.conversation.id, std::nullopt, std::nullopt, 3);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->items.size(), 3u);
  EXPECT_EQ(newest->items.front().seq, 5);
  EXPECT_EQ(newest->items.back().seq, 7);
  EXPECT_TRUE(newest->has_more);
  auto older = chat_->history(ben_, c.conversation.id, 5, std::nullopt, 3);
  EXPECT_EQ(older->items.front().seq, 2);
  auto after = chat_->history(ben_, c.conversation.id, std::nullopt, 4, 200);
  ASSERT_EQ(after->items.size(), 3u);
  EXPECT_EQ(after->items.front().seq, 5);
  EXPECT_FALSE(after->has_more);
  EXPECT_EQ(chat_->history(ben_, c.conversation.id, std::nullopt, std::nullopt, 201).error().code,
            ErrorCode::invalid_argument);
}

TEST_P(ChatServiceTest, RetryWithTheSameClientIdNeverDuplicates) {
  auto c = make(ana_, ConversationKind::direct, {ben_.user_id});
  auto first = chat_->post(ana_, c.conversation.id, "once", "key-1");
  auto retry = chat_->post(ana_, c.conversation.id, "once", "key-1");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(first->message.id, retry->message.id);
  EXPECT_EQ(chat_->history(ana_, c.conversation.id, std::nullopt, std::nullopt, 50)->items.size(), 1u);
}

TEST_P(ChatServiceTest, ConcurrentSendersGetDistinctGaplessSeqs) {
  auto c = make(ana_, ConversationKind::group, {ben_.user_id, cleo_.user_id}, "busy");
  std::vector<std::thread> senders;
  for (const Subject* who : {&ana_, &ben_, &cleo_}) {
    senders.emplace_back([&, who] {
      for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(
            chat_->post(*who, c.conversation.id, "m", std::to_string(who->user_id) + "-" + std::to_string(i)).ok());
    });
  }
  for (auto& t : senders) t.join();
  auto all = chat_->history(ana_, c.conversation.id, std::nullopt, std::nullopt, 200);
  ASSERT_EQ(all->items.size(), 60u);
  for (std::size_t i = 0; i < all->items.size(); ++i) EXPECT_EQ(all->items[i].seq, static_cast<std::int64_t>(i + 1));
}

TEST_P(ChatServiceTest, NonMembersCannotReadOrPostAndLearnNothingAboutPrivateConversations) {
  auto c = make(ana_, ConversationKind::group, {ben_.user_id}, "private plans");
  ASSERT_TRUE(chat_->post(ana_, c.conversation.id, "secret", "s1").ok());
  EXPECT_EQ(chat_->history(cleo_, c.conversation.id, std::nullopt, std::nullopt, 50).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(chat_->post(cleo_, c.conversation.id, "let me in", "x").error().code, ErrorCode::not_found);
  EXPECT_EQ(chat_->conversation(cleo_, c.conversation.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(chat_->join(cleo_, c.conversation.id).error().code, ErrorCode::not_found);
}

TEST_P(ChatServiceTest, ARemovedMemberGetsNothingFromThatMomentOn) {
  auto c = make(ana_, ConversationKind::channel, {ben_.user_id}, "launch");
  ASSERT_TRUE(chat_->remove_member(ana_, c.conversation.id, ben_.user_id).ok());
  auto posted = chat_->post(ana_, c.conversation.id, "after removal", "r1");
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(std::set<std::int64_t>(posted->recipients.begin(), posted->recipients.end()),
            std::set<std::int64_t>{ana_.user_id});
  EXPECT_FALSE(chat_->history(ben_, c.conversation.id, std::nullopt, std::nullopt, 50).ok());
}

TEST_P(ChatServiceTest, PublicChannelsCanBeJoinedPrivateOnesOnlyByInvitation) {
  auto open = make(ana_, ConversationKind::channel, {}, "general", Visibility::public_);
  auto closed = make(ana_, ConversationKind::channel, {}, "board", Visibility::private_);
  EXPECT_EQ(chat_->history(ben_, open.conversation.id, std::nullopt, std::nullopt, 10).error().code,
            ErrorCode::forbidden);
  ASSERT_TRUE(chat_->join(ben_, open.conversation.id).ok());
  EXPECT_TRUE(chat_->history(ben_, open.conversation.id, std::nullopt, std::nullopt, 10).ok());
  EXPECT_EQ(chat_->join(ben_, closed.conversation.id).error().code, ErrorCode::not_found);
  auto browse = chat_->browse_channels(ben_, "");
  ASSERT_EQ(browse->size(), 1u);
  EXPECT_EQ(browse->front().name, "general");
  // Only owners and moderators add people to a channel.
  EXPECT_EQ(chat_->add_member(ben_, open.conversation.id, cleo_.user_id).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(chat_->add_member(ana_, closed.conversation.id, cleo_.user_id).ok());
}

TEST_P(ChatServiceTest, CustomersAndGuestsCannotStartConversationsOrBeAddedWhereTheyDoNotBelong) {
  EXPECT_EQ(chat_->create_conversation(carl_, NewConversation{ConversationKind::direct, "", "", {}, {ana_.user_id}})
                .error()
                .code,
            ErrorCode::forbidden);
  EXPECT_EQ(chat_->create_conversation(gus_, NewConversation{ConversationKind::group, "", "", {}, {ana_.user_id}})
                .error()
                .code,
            ErrorCode::forbidden);
  auto with_customer =
      chat_->create_conversation(ana_, NewConversation{ConversationKind::group, "", "", {}, {carl_.user_id}});
  EXPECT_EQ(with_customer.error().code, ErrorCode::forbidden);
  auto group = make(ana_, ConversationKind::group, {}, "with guest");
  EXPECT_TRUE(chat_->add_member(ana_, group.conversation.id, gus_.user_id).ok());  // a guest is invited
  EXPECT_EQ(chat_->add_member(ana_, group.conversation.id, carl_.user_id).error().code, ErrorCode::forbidden);
  auto open = make(ana_, ConversationKind::channel, {}, "public", Visibility::public_);
  EXPECT_EQ(chat_->join(gus_, open.conversation.id).error().code, ErrorCode::forbidden);  // guests only by invitation
  EXPECT_EQ(chat_->browse_channels(carl_, "").error().code, ErrorCode::forbidden);
}

TEST_P(ChatServiceTest, UnreadCountsFollowReadState) {
  auto c = make(ana_, ConversationKind::direct, {ben_.user_id});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(chat_->post(ana_, c.conversation.id, "ping", "u" + std::to_string(i)).ok());
  auto bens = chat_->conversations(ben_);
  ASSERT_EQ(bens->size(), 1u);
  EXPECT_EQ(bens->front().unread, 3);
  EXPECT_EQ(chat_->conversations(ana_)->front().unread, 0);  // you have read what you wrote
  ASSERT_TRUE(chat_->mark_read(ben_, c.conversation.id, 2).ok());
  EXPECT_EQ(chat_->conversations(ben_)->front().unread, 1);
  ASSERT_TRUE(chat_->mark_read(ben_, c.conversation.id, 1).ok());  // never moves backward
  EXPECT_EQ(chat_->conversations(ben_)->front().unread, 1);
  EXPECT_EQ(chat_->mark_read(ben_, c.conversation.id, 99).error().code, ErrorCode::invalid_argument);
}

TEST_P(ChatServiceTest, RefusesBadMessages) {
  auto c = make(ana_, ConversationKind::direct, {ben_.user_id});
  EXPECT_EQ(chat_->post(ana_, c.conversation.id, "   \n ", "b1").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(chat_->post(ana_, c.conversation.id, std::string(kMaxMessageBytes + 1, 'x'), "b2").error().code,
            ErrorCode::too_large);
  EXPECT_EQ(chat_->post(ana_, c.conversation.id, "ok", "").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(chat_->post(ana_, c.conversation.id, "bell\x07", "b3").error().code, ErrorCode::invalid_argument);
  auto stored = chat_->post(ana_, c.conversation.id, "'; DROP TABLE messages; -- <script>alert(1)</script>", "b4");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(chat_->history(ben_, c.conversation.id, std::nullopt, std::nullopt, 1)->items.at(0).text,
            "'; DROP TABLE messages; -- <script>alert(1)</script>");
}

TEST_P(ChatServiceTest, TypingGoesToTheOtherMembersAndIsThrottled) {
  auto c = make(ana_, ConversationKind::group, {ben_.user_id}, "typing");
  auto first = chat_->typing(ana_, c.conversation.id);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->throttled);
  EXPECT_EQ(first->recipients, std::vector<std::int64_t>{ben_.user_id});
  EXPECT_TRUE(chat_->typing(ana_, c.conversation.id)->throttled);
  clock_.advance_ms(ChatService::kTypingThrottleMs);
  EXPECT_FALSE(chat_->typing(ana_, c.conversation.id)->throttled);
  EXPECT_EQ(chat_->typing(cleo_, c.conversation.id).error().code, ErrorCode::not_found);  // outsiders: nothing
}

TEST_P(ChatServiceTest, SimultaneousRetriesStoreTheMessageOnce) {
  auto c = make(ana_, ConversationKind::direct, {ben_.user_id});
  std::vector<std::thread> retries;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i)
    retries.emplace_back([&] {
      if (chat_->post(ana_, c.conversation.id, "flaky network", "same-key").ok()) ++ok;
    });
  for (auto& t : retries) t.join();
  EXPECT_EQ(ok.load(), 6);
  auto all = chat_->history(ben_, c.conversation.id, std::nullopt, std::nullopt, 50);
  ASSERT_EQ(all->items.size(), 1u);
  EXPECT_EQ(all->items[0].seq, 1);
  // No sequence number was lost to the raced attempts.
  EXPECT_EQ(chat_->post(ana_, c.conversation.id, "next", "next-key")->message.seq, 2);
}

TEST_P(ChatServiceTest, SimultaneousDirectCreatesYieldOneConversation) {
  std::vector<std::thread> creators;
  std::vector<std::int64_t> ids(4, 0);
  for (int i = 0; i < 4; ++i)
    creators.emplace_back([&, i] {
      auto r = chat_->create_conversation(
          i % 2 ? ana_ : ben_,
          NewConversation{ConversationKind::direct, "", "", {}, {i % 2 ? ben_.user_id : ana_.user_id}});
      if (r.ok()) ids[i] = r->conversation.id;
    });
  for (auto& t : creators) t.join();
  for (auto id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_NE(ids[0], 0);
}

TEST_P(ChatServiceTest, TheLastOwnerLeavingHandsTheChannelOn) {
  auto c = make(ana_, ConversationKind::channel, {ben_.user_id, cleo_.user_id}, "handover");
  ASSERT_TRUE(chat_->leave(ana_, c.conversation.id).ok());
  auto view = chat_->conversation(ben_, c.conversation.id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->my_role, MemberRole::owner);  // the longest-standing member
  EXPECT_TRUE(chat_->add_member(ben_, c.conversation.id, ana_.user_id).ok());
}

TEST_P(ChatServiceTest, GuestsCannotInviteAndRefusalsDoNotNameCustomers) {
  auto group = make(ana_, ConversationKind::group, {}, "mixed");
  ASSERT_TRUE(chat_->add_member(ana_, group.conversation.id, gus_.user_id).ok());
  EXPECT_EQ(chat_->add_member(gus_, group.conversation.id, cleo_.user_id).error().code, ErrorCode::forbidden);
  auto refusal = chat_->add_member(ana_, group.conversation.id, carl_.user_id);
  ASSERT_FALSE(refusal.ok());
  EXPECT_EQ(refusal.error().message.find("carl"), std::string::npos) << refusal.error().message;
}

TEST_P(ChatServiceTest, EditsKeepEarlierVersionsAndOnlyTheAuthorEdits) {
  auto c = make(ana_, ConversationKind::group, {ben_.user_id}, "edits");
  auto posted = chat_->post(ana_, c.conversation.id, "teh draft", "e1");
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(chat_->edit(ben_, c.conversation.id, posted->message.id, "hijack").error().code, ErrorCode::forbidden);
  auto edited = chat_->edit(ana_, c.conversation.id, posted->message.id, "the draft");
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(edited->message.text, "the draft");
  EXPECT_TRUE(edited->message.edited_at.has_value());
  EXPECT_EQ(edited->message.seq, 1);         // its place in the conversation is unchanged
  EXPECT_EQ(edited->message.change_seq, 2);  // the change has its own sequence number
  auto versions = storage::read_value<std::string>(*db_, [&](storage::Session& s) -> Result<std::string> {
    auto rows = s.query("SELECT text FROM message_versions WHERE message_id = ?", {posted->message.id});
    if (!rows.ok()) return rows.error();
    return rows->at(0).text(0);
  });
  EXPECT_EQ(*versions, "teh draft");
  EXPECT_TRUE(chat_->edit(ana_, c.conversation.id, posted->message.id, "the draft")->unchanged);
  // An edit is not a new message: Ben's unread count stays at one.
  EXPECT_EQ(chat_->conversations(ben_)->front().unread, 1);
}

TEST_P(ChatServiceTest, DeleteLeavesATombstoneAndModeratorsMayDeleteOthers) {
  auto c = make(ana_, ConversationKind::channel, {ben_.user_id, cleo_.user_id}, "mod");
  auto bens = chat_->post(ben_, c.conversation.id, "spam spam", "d1");
  EXPECT_EQ(chat_->remove(cleo_, c.conversation.id, bens->message.id).error().code, ErrorCode::forbidden);
  auto gone = chat_->remove(ana_, c.conversation.id, bens->message.id);  // ana owns the channel
  ASSERT_TRUE(gone.ok()) << gone.error().message;
  EXPECT_TRUE(gone->message.deleted_at.has_value());
  EXPECT_EQ(gone->message.text, "");
  EXPECT_TRUE(chat_->remove(ben_, c.conversation.id, bens->message.id)->unchanged);
  EXPECT_EQ(chat_->edit(ben_, c.conversation.id, bens->message.id, "undo").error().code, ErrorCode::conflict);
  auto page = chat_->history(cleo_, c.conversation.id, std::nullopt, std::nullopt, 10);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_TRUE(page->items[0].deleted_at.has_value());
  EXPECT_EQ(chat_->conversations(cleo_)->front().unread, 0);  // deleted messages are not unread
}

TEST_P(ChatServiceTest, ChangesReplayEverythingMissedOnceInOrder) {
  auto c = make(ana_, ConversationKind::direct, {ben_.user_id});
  auto m1 = chat_->post(ana_, c.conversation.id, "one", "c1");
  auto m2 = chat_->post(ana_, c.conversation.id, "two", "c2");
  const std::int64_t seen = m2->message.seq;  // Ben's client stops here
  auto m3 = chat_->post(ana_, c.conversation.id, "three", "c3");
  ASSERT_TRUE(chat_->edit(ana_, c.conversation.id, m1->message.id, "one (edited)").ok());
  ASSERT_TRUE(chat_->edit(ana_, c.conversation.id, m1->message.id, "one (edited twice)").ok());
  ASSERT_TRUE(chat_->remove(ana_, c.conversation.id, m3->message.id).ok());
  auto missed = chat_->changes(ben_, c.conversation.id, seen, 200);
  ASSERT_TRUE(missed.ok());
  ASSERT_EQ(missed->items.size(), 2u);  // m1 (latest edit) and m3 (tombstone), once each
  EXPECT_EQ(missed->items[0].id, m1->message.id);
  EXPECT_EQ(missed->items[0].text, "one (edited twice)");
  EXPECT_EQ(missed->items[1].id, m3->message.id);
  EXPECT_TRUE(missed->items[1].deleted_at.has_value());
  EXPECT_LT(missed->items[0].change_seq, missed->items[1].change_seq);
  EXPECT_EQ(chat_->changes(cleo_, c.conversation.id, 0, 10).error().code, ErrorCode::not_found);
}

TEST(Mentions, ParsedOnTheServerNotInsideEmailAddresses) {
  auto t = parse_mentions("Hi @Ben.Silva, @cleo. see ana@example.test and @channel/@here @ben.silva");
  EXPECT_EQ(t.handles, (std::vector<std::string>{"ben.silva", "cleo"}));
  EXPECT_TRUE(t.channel);
  EXPECT_TRUE(t.here);
  auto none = parse_mentions("mail me at ana@example.test or @ or @- ok");
  EXPECT_TRUE(none.handles.empty());
  EXPECT_FALSE(none.channel);
}

TEST_P(ChatServiceTest, ReactionsToggleOnePerPersonAndEmojiAndAreRefusedToOutsiders) {
  auto c = make(ana_, ConversationKind::group, {ben_.user_id}, "r");
  auto m = chat_->post(ana_, c.conversation.id, "hello", "r1");
  ASSERT_TRUE(m.ok());
  auto on = chat_->react(ben_, c.conversation.id, m->message.id, "👍", std::nullopt);
  ASSERT_TRUE(on.ok()) << on.error().message;
  EXPECT_TRUE(on->on);
  EXPECT_GT(on->message.change_seq, m->message.seq);
  auto again = chat_->react(ben_, c.conversation.id, m->message.id, "👍", true);
  EXPECT_FALSE(again->changed);
  ASSERT_EQ(again->message.reactions.size(), 1u);
  EXPECT_EQ(again->message.reactions[0].user_ids, (std::vector<std::int64_t>{ben_.user_id}));
  auto off = chat_->react(ben_, c.conversation.id, m->message.id, "👍", std::nullopt);
  EXPECT_FALSE(off->on);
  EXPECT_TRUE(off->message.reactions.empty());
  EXPECT_EQ(chat_->react(cleo_, c.conversation.id, m->message.id, "👍", true).error().code, ErrorCode::not_found);
  EXPECT_EQ(chat_->react(ben_, c.conversation.id, m->message.id, "abc", true).error().code,
            ErrorCode::invalid_argument);
  ASSERT_TRUE(chat_->remove(ana_, c.conversation.id, m->message.id).ok());
  EXPECT_EQ(chat_->react(ben_, c.conversation.id, m->message.id, "👍", true).error().code, ErrorCode::conflict);
}

TEST_P(ChatServiceTest, ThreadRepliesCountOnTheRootStayOutOfTheTimelineAndUnread) {
  auto c = make(ana_, ConversationKind::channel, {ben_.user_id}, "t", Visibility::public_);
  auto root = chat_->post(ana_, c.conversation.id, "root", "t1");
  auto reply = chat_->post(ben_, c.conversation.id, "reply", "t2", root->message.id);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_TRUE(reply->root);
  EXPECT_EQ(reply->root->reply_count, 1);
  EXPECT_EQ(reply->root->change_seq, reply->message.seq + 1);
  EXPECT_EQ(reply->root->participants, (std::vector<std::int64_t>{ben_.user_id}));
  auto main = chat_->history(ben_, c.conversation.id, std::nullopt, std::nullopt, 50);
  ASSERT_EQ(main->items.size(), 1u);
  auto thread = chat_->thread(ana_, c.conversation.id, root->message.id, std::nullopt, std::nullopt, 50);
  ASSERT_EQ(thread->items.size(), 1u);
  EXPECT_TRUE(thread->following);  // the root's author follows
  auto mine = chat_->conversation(ana_, c.conversation.id);
  EXPECT_EQ(mine->unread, 0);
  EXPECT_EQ(mine->thread_unread, 1);
  EXPECT_EQ(chat_->post(ben_, c.conversation.id, "nested", "t3", reply->message.id).error().code,
            ErrorCode::invalid_argument);
}

TEST_P(ChatServiceTest, AnnouncementModeReadOnlyAndBroadcastMentionsAreEnforced) {
  auto c = make(ana_, ConversationKind::channel, {ben_.user_id}, "news", Visibility::public_);
  const auto id = c.conversation.id;
  SettingsPatch patch;
  patch.announcement = true;
  patch.broadcast_mentions = BroadcastMentions::moderators;
  EXPECT_EQ(chat_->update_settings(ben_, id, patch).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(chat_->update_settings(ana_, id, patch).ok());
  auto root = chat_->post(ana_, id, "@channel hello", "a1");
  ASSERT_TRUE(root.ok()) << root.error().message;
  ASSERT_EQ(root->mentioned.size(), 1u);
  EXPECT_EQ(chat_->conversation(ben_, id)->mentions, 1);
  EXPECT_EQ(chat_->post(ben_, id, "me too", "b1").error().code, ErrorCode::forbidden);
  EXPECT_TRUE(chat_->post(ben_, id, "in a thread", "b2", root->message.id).ok());
  EXPECT_EQ(chat_->post(ben_, id, "@here lunch", "b3", root->message.id).error().code, ErrorCode::forbidden);
  MemberPatch poster;
  poster.can_post = true;
  ASSERT_TRUE(chat_->update_member(ana_, id, ben_.user_id, poster).ok());
  EXPECT_TRUE(chat_->post(ben_, id, "now I post", "b4").ok());
  MemberPatch read_only;
  read_only.role = MemberRole::read_only;
  EXPECT_EQ(chat_->update_member(ben_, id, ben_.user_id, read_only).error().code, ErrorCode::forbidden);
  ASSERT_TRUE(chat_->update_member(ana_, id, ben_.user_id, read_only).ok());
  EXPECT_EQ(chat_->post(ben_, id, "still?", "b5").error().code, ErrorCode::forbidden);
  EXPECT_EQ(chat_->post(ben_, id, "thread?", "b6", root->message.id).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(chat_->react(ben_, id, root->message.id, "👀", true).ok());
  MemberPatch step_down;
  step_down.role = MemberRole::member;
  EXPECT_EQ(chat_->update_member(ana_, id, ana_.user_id, step_down).error().code, ErrorCode::conflict);
}

// Renames, settings and role changes take places in the change order, so a member who was
// away reads them back from storage (sync, /changes) with the messages, each once.
TEST_P(ChatServiceTest, ConversationChangesAreInTheChangeOrder) {
  auto c = make(ana_, ConversationKind::channel, {ben_.user_id}, "plans", Visibility::public_);
  const auto id = c.conversation.id;
  const std::int64_t cursor = chat_->conversation(ben_, id)->conversation.last_seq;
  ASSERT_TRUE(chat_->post(ana_, id, "first", "p1").ok());
  DetailsPatch rename;
  rename.name = "plans-2027";
  auto renamed = chat_->update_details(ana_, id, rename);
  ASSERT_TRUE(renamed.ok());
  MemberPatch moderator;
  moderator.role = MemberRole::moderator;
  ASSERT_TRUE(chat_->update_member(ana_, id, ben_.user_id, moderator).ok());
  ASSERT_TRUE(chat_->post(ana_, id, "second", "p2").ok());
  SettingsPatch announce;
  announce.announcement = true;
  ASSERT_TRUE(chat_->update_settings(ana_, id, announce).ok());

  auto page = chat_->changes(ben_, id, cursor, 50);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);
  // The rename's own place was taken over by the settings change: one details notice, with
  // the current state (like a message edited twice).
  ASSERT_EQ(page->notices.size(), 2u);
  ASSERT_TRUE(page->notices[0].member.has_value());
  EXPECT_EQ(page->notices[0].member->user_id, ben_.user_id);
  EXPECT_EQ(page->notices[0].member->role, MemberRole::moderator);
  EXPECT_GT(page->notices[0].change_seq, page->items[0].change_seq);
  EXPECT_LT(page->notices[0].change_seq, page->items[1].change_seq);
  EXPECT_TRUE(page->notices[1].details);
  EXPECT_GT(page->notices[1].change_seq, page->items[1].change_seq);
  EXPECT_EQ(page->conversation.name, "plans-2027");
  EXPECT_TRUE(page->conversation.settings.announcement);
  EXPECT_EQ(page->to, page->notices[1].change_seq);
  EXPECT_EQ(page->to, chat_->conversation(ben_, id)->conversation.last_seq);
  // Nothing after the end.
  auto none = chat_->changes(ben_, id, page->to, 50);
  EXPECT_TRUE(none->items.empty());
  EXPECT_TRUE(none->notices.empty());
  EXPECT_EQ(none->to, page->to);
  // Unread counts messages only: the changes are not something to read.
  EXPECT_EQ(chat_->conversation(ben_, id)->unread, 2);

  // Changing nothing stores nothing and takes no number; a plain member is refused even
  // then (no probing, no poking everyone's clients).
  const std::int64_t last = page->to;
  ASSERT_TRUE(chat_->update_details(ana_, id, rename).ok());
  ASSERT_TRUE(chat_->update_settings(ana_, id, announce).ok());
  ASSERT_TRUE(chat_->update_member(ana_, id, ben_.user_id, moderator).ok());
  EXPECT_EQ(chat_->conversation(ana_, id)->conversation.last_seq, last);
  auto cleo_joined = chat_->join(cleo_, id);
  ASSERT_TRUE(cleo_joined.ok()) << cleo_joined.error().message;
  MemberPatch same_role;
  same_role.role = MemberRole::member;
  EXPECT_EQ(chat_->update_member(cleo_, id, cleo_.user_id, same_role).error().code, ErrorCode::forbidden);
  MemberPatch same_post;
  same_post.can_post = false;
  EXPECT_EQ(chat_->update_member(cleo_, id, cleo_.user_id, same_post).error().code, ErrorCode::forbidden);
}

TEST_P(ChatServiceTest, CountryLimitedChannelsRefuseJoinAndInvite) {
  auto c = make(ana_, ConversationKind::channel, {}, "de-only", Visibility::public_);
  SettingsPatch patch;
  patch.allowed_countries = std::vector<std::string>{"de"};
  auto set = chat_->update_settings(ana_, c.conversation.id, patch);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->allowed_countries, (std::vector<std::string>{"DE"}));
  EXPECT_EQ(chat_->join(ben_, c.conversation.id).error().code, ErrorCode::forbidden);  // ben is in PT
  EXPECT_EQ(chat_->add_member(ana_, c.conversation.id, ben_.user_id).error().code, ErrorCode::forbidden);
  EXPECT_TRUE(chat_->browse_channels(ben_, "de-only")->empty());
  patch.allowed_countries = std::vector<std::string>{};
  patch.allowed_regions = std::vector<std::string>{ben_.region};
  ASSERT_TRUE(chat_->update_settings(ana_, c.conversation.id, patch).ok());
  EXPECT_TRUE(chat_->join(ben_, c.conversation.id).ok());
}

TEST_P(ChatServiceTest, SeenReceiptsOnlyInDirectConversationsAndEverySeqTakenIsObserved) {
  std::vector<std::int64_t> taken;
  events_.taken = &taken;
  auto dm = make(ana_, ConversationKind::direct, {ben_.user_id});
  auto m = chat_->post(ana_, dm.conversation.id, "seen?", "s1");
  auto read = chat_->mark_read(ben_, dm.conversation.id, m->message.seq);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->notify, (std::vector<std::int64_t>{ana_.user_id}));
  EXPECT_TRUE(chat_->mark_read(ben_, dm.conversation.id, m->message.seq)->notify.empty());
  auto g = make(ana_, ConversationKind::group, {ben_.user_id}, "g");
  auto gm = chat_->post(ana_, g.conversation.id, "x", "s2");
  EXPECT_TRUE(chat_->mark_read(ben_, g.conversation.id, gm->message.seq)->notify.empty());
  ASSERT_TRUE(chat_->react(ben_, g.conversation.id, gm->message.id, "👍", true).ok());
  EXPECT_EQ(taken, (std::vector<std::int64_t>{1, 1, 2}));
  auto fill = ChangeReader(*db_, *access_).stream_fill(g.conversation.id, 0, 2, 10);
  ASSERT_EQ(fill->items.size(), 1u);
  EXPECT_EQ(fill->items[0].change_seq, 2);
  EXPECT_EQ(fill->last_seq, 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, ChatServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::chat
