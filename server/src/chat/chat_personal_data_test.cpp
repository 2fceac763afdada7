#include "chat/chat_personal_data.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "chat/chat_service.hpp"
#include "chat/support_service.hpp"
#include "retention/retention_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/chat_test.hpp"
#include "testing/personal_data_checks.hpp"

namespace meridian::chat {
namespace {

using testing::count_of;

class ChatPersonalDataTest : public testing::ChatTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ChatTest::SetUp());
    retention_ =
        std::make_unique<retention::RetentionService>(*db_, *audit_, policy_, clock_, retention::RetentionOptions{3});
    port_ = std::make_unique<ChatPersonalData>(*db_, clock_);
    ana_ = person("ana", UserKind::employee);
    ben_ = person("ben", UserKind::employee);
    carl_ = person("carl", UserKind::employee);
  }

  std::int64_t group(const Subject& who, std::vector<std::int64_t> members, std::string name) {
    auto r = chat_->create_conversation(
        who, NewConversation{ConversationKind::group, std::move(name), "", Visibility::private_, std::move(members)});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->conversation.id : 0;
  }

  Message post(const Subject& who, std::int64_t id, const std::string& text,
               std::optional<std::int64_t> root = std::nullopt) {
    auto r = chat_->post(who, id, text, "c" + std::to_string(++client_), root);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->message : Message{};
  }

  std::vector<std::string> everything() {
    return rows_of({"SELECT * FROM conversations ORDER BY id",
                    "SELECT * FROM conversation_members ORDER BY conversation_id, user_id",
                    "SELECT * FROM messages ORDER BY id", "SELECT * FROM message_versions ORDER BY message_id, version",
                    "SELECT * FROM message_reactions ORDER BY message_id, emoji, user_id",
                    "SELECT * FROM message_mentions ORDER BY message_id, user_id",
                    "SELECT * FROM thread_followers ORDER BY root_id, user_id",
                    "SELECT * FROM support_conversations ORDER BY conversation_id",
                    "SELECT * FROM support_notes ORDER BY id"});
  }

  // What names a person by id, or carries what they wrote, in one conversation.
  std::vector<std::string> of(std::int64_t user_id, std::int64_t conversation_id) {
    return rows_of(
        {"SELECT * FROM conversation_members WHERE user_id = ? AND conversation_id = ?",
         "SELECT id, text, deleted_at FROM messages WHERE author_id = ? AND conversation_id = ? ORDER BY id",
         "SELECT v.* FROM message_versions v JOIN messages m ON m.id = v.message_id WHERE m.author_id = ? AND "
         "m.conversation_id = ? ORDER BY v.message_id, v.version",
         "SELECT r.message_id, r.emoji FROM message_reactions r JOIN messages m ON m.id = r.message_id WHERE "
         "r.user_id = ? AND m.conversation_id = ? ORDER BY 1, 2",
         "SELECT message_id FROM message_mentions WHERE user_id = ? AND conversation_id = ? ORDER BY 1",
         "SELECT f.root_id FROM thread_followers f JOIN messages m ON m.id = f.root_id WHERE f.user_id = ? AND "
         "m.conversation_id = ? ORDER BY 1",
         "SELECT id FROM support_notes WHERE author_id = ? AND conversation_id = ? ORDER BY id"},
        {user_id, conversation_id});
  }

  std::unique_ptr<retention::RetentionService> retention_;
  std::unique_ptr<ChatPersonalData> port_;
  Subject ana_, ben_, carl_;
  int client_ = 0;
};

TEST_P(ChatPersonalDataTest, ErasureTombstonesMessagesAndRemovesEverythingElseExceptWhatAHoldKeeps) {
  // An open conversation: Ana writes, edits, replies in Ben's thread, reacts, follows, is mentioned.
  const auto open = group(ben_, {ana_.user_id, carl_.user_id}, "open");
  auto bens = post(ben_, open, "hello @ana");
  auto anas = post(ana_, open, "my secret plan");
  ASSERT_TRUE(chat_->edit(ana_, open, anas.id, "my secret plan, revised").ok());
  post(ana_, open, "a reply in the thread", bens.id);
  ASSERT_TRUE(chat_->react(ana_, open, bens.id, "👍", true).ok());
  ASSERT_TRUE(chat_->react(carl_, open, bens.id, "👍", true).ok());
  ASSERT_TRUE(chat_->follow_thread(ana_, open, bens.id, true).ok());
  auto carls = post(carl_, open, "carl was here");
  ASSERT_TRUE(chat_->mark_read(ana_, open, carls.seq).ok());
  // A held conversation: everything of Ana there stays.
  const auto held = group(carl_, {ana_.user_id}, "held");
  post(ana_, held, "evidence");
  const std::string hold_scope = "conversation:" + std::to_string(held);
  ASSERT_TRUE(retention_->set_hold(admin_, hold_scope, "case 12").ok());

  const auto seen = testing::disclose(*port_, ana_.user_id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(count_of(seen->records, "chat.messages"), 3);
  EXPECT_EQ(count_of(seen->records, "chat.reactions"), 1);
  EXPECT_EQ(count_of(seen->records, "chat.mentions"), 1);
  EXPECT_EQ(count_of(seen->records, "chat.memberships"), 2);
  const auto& json = seen->json;
  EXPECT_EQ(json.at("messages").as_array().size(), 3u);
  EXPECT_EQ(json.at("message_versions").as_array().size(), 1u);
  EXPECT_NE(seen->text.find("my secret plan"), std::string::npos);

  const auto carl_open = of(carl_.user_id, open);
  auto ben_open = of(ben_.user_id, open);
  const auto ana_held = of(ana_.user_id, held);
  const auto seq_before = rows("SELECT last_seq FROM conversations WHERE id = ?", {open});
  clock_.advance_ms(1000);
  auto report = port_->erase_personal_data(ana_.user_id);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(count_of(report->erased, "chat.messages"), 2);
  EXPECT_EQ(count_of(report->erased, "chat.message_versions"), 1);
  EXPECT_EQ(count_of(report->erased, "chat.reactions"), 1);
  EXPECT_EQ(count_of(report->erased, "chat.mentions"), 1);
  EXPECT_EQ(count_of(report->erased, "chat.thread_follows"), 1);
  EXPECT_EQ(count_of(report->erased, "chat.memberships"), 1);
  EXPECT_EQ(count_of(report->pseudonymised, "chat.message_tombstones"), 2);
  EXPECT_EQ(count_of(report->kept, "chat.messages"), 1);
  EXPECT_EQ(count_of(report->kept, "chat.memberships"), 1);
  ASSERT_EQ(report->reasons_kept.size(), 1u);
  EXPECT_EQ(report->reasons_kept[0], "legal hold '" + hold_scope + "': case 12");

  // Of Ana in the open conversation: only the tombstones (no text) remain.
  auto left = of(ana_.user_id, open);
  ASSERT_EQ(left.size(), 2u);
  for (const auto& line : left) EXPECT_NE(line.find("FROM messages"), std::string::npos) << line;
  EXPECT_TRUE(rows("SELECT id FROM messages WHERE text LIKE '%secret%' OR text LIKE '%thread%'").empty());
  EXPECT_TRUE(rows("SELECT 1 FROM message_versions").empty());
  // Each change took its place in the change order (two tombstones, one reaction, and
  // Ben's message that mentioned her).
  EXPECT_EQ(rows("SELECT last_seq FROM conversations WHERE id = ?", {open}).at(0),
            std::to_string(std::stoll(seq_before.at(0)) + 4) + "|");
  // Others' data untouched but for the mention of her, which now names the pseudonymised
  // account; the held conversation untouched.
  const std::string mention = "hello @ana";
  for (auto& line : ben_open)
    if (auto at = line.find(mention); at != std::string::npos)
      line.replace(at, mention.size(), "hello @erased-" + std::to_string(ana_.user_id));
  EXPECT_EQ(carl_open, of(carl_.user_id, open));
  EXPECT_EQ(ben_open, of(ben_.user_id, open));
  EXPECT_EQ(ana_held, of(ana_.user_id, held));

  // A second erasure changes nothing and still names the hold.
  clock_.advance_ms(1000);
  auto again = testing::erase_again(*port_, ana_.user_id, [&] { return everything(); });
  ASSERT_TRUE(again);
  EXPECT_EQ(again->reasons_kept, report->reasons_kept);
  EXPECT_EQ(count_of(again->kept, "chat.messages"), 1);
}

TEST_P(ChatPersonalDataTest, AHoldOnThePersonKeepsAllOfTheirChat) {
  const auto open = group(ben_, {ana_.user_id}, "open");
  post(ana_, open, "keep me");
  ASSERT_TRUE(retention_->set_hold(admin_, "user:" + std::to_string(ana_.user_id), "case 7").ok());
  const auto before = everything();
  auto report = port_->erase_personal_data(ana_.user_id);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(count_of(report->kept, "chat.messages"), 1);
  EXPECT_EQ(report->reasons_kept,
            std::vector<std::string>{"legal hold 'user:" + std::to_string(ana_.user_id) + "': case 7"});
  EXPECT_EQ(before, everything());
}

TEST_P(ChatPersonalDataTest, ACustomersSupportConversationLosesTheirWordsAndTheNotesAboutThem) {
  Subject ada = person("ada", UserKind::agent);
  Subject dora = person("dora", UserKind::customer);
  support_team("Support", {ada.user_id});
  auto opened = support_->open(dora, OpenSupport{"My invoice 4711", "Please fix my address", "d1"});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const std::int64_t id = opened->conversation.conversation_id;
  ASSERT_TRUE(support_->claim(ada, id).ok());
  ASSERT_TRUE(support_->add_note(ada, id, "dora sounded upset").ok());
  post(ada, id, "on it");

  auto report = port_->erase_personal_data(dora.user_id);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(count_of(report->erased, "chat.messages"), 1);
  EXPECT_EQ(count_of(report->erased, "chat.support_notes"), 1);
  EXPECT_EQ(count_of(report->pseudonymised, "chat.support_conversations"), 1);
  EXPECT_TRUE(rows("SELECT id FROM support_notes").empty());
  EXPECT_EQ(rows("SELECT subject FROM support_conversations WHERE conversation_id = ?", {id}),
            std::vector<std::string>{"(erased)|"});
  EXPECT_TRUE(rows("SELECT id FROM messages WHERE text LIKE '%address%'").empty());
  EXPECT_EQ(rows("SELECT text FROM messages WHERE author_id = ?", {ada.user_id}), std::vector<std::string>{"on it|"});
}

INSTANTIATE_TEST_SUITE_P(Stores, ChatPersonalDataTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::chat
