#include "chat/search_service.hpp"

#include <gtest/gtest.h>

#include "chat/chat_service.hpp"
#include "chat/support_service.hpp"
#include "core/random.hpp"
#include "identity/identity_service.hpp"
#include "storage/testing/test_database.hpp"
#include "testing/chat_test.hpp"

namespace meridian::chat {
namespace {

TEST(SearchTerms, KeepOnlyWordsSoNoInputIsASyntaxError) {
  EXPECT_EQ(search_terms("Fatura  pronta"), (std::vector<std::string>{"fatura", "pronta"}));
  EXPECT_EQ(search_terms("\"unbalanced AND (OR* NEAR/2 col:x -y ^z"),
            (std::vector<std::string>{"unbalanced", "and", "or", "near", "2", "col", "x", "y"}));
  EXPECT_EQ(search_terms("Olá, Straße!"), (std::vector<std::string>{"olá", "straße"}));
  EXPECT_TRUE(search_terms("\"*():^-&|!").empty());
  EXPECT_EQ(fts5_query({"ola", "ben"}), "\"ola\"* \"ben\"*");
  EXPECT_EQ(tsquery({"ola", "ben"}), "ola:* & ben:*");
}

class SearchServiceTest : public testing::ChatTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ChatTest::SetUp());
    search_ = std::make_unique<SearchService>(*db_, policy_);
    ana_ = person("ana", UserKind::employee);
    ben_ = person("ben", UserKind::employee);
    cleo_ = person("cleo", UserKind::employee);
    ada_ = person("ada", UserKind::agent);
    bo_ = person("bo", UserKind::agent);
    carl_ = person("carl", UserKind::customer);
    dora_ = person("dora", UserKind::customer);
    support_team("Support A", {ada_.user_id});
    team_b_ = team("Support B", {bo_.user_id});
  }

  std::int64_t make(const Subject& who, ConversationKind kind, std::vector<std::int64_t> members, std::string name,
                    Visibility v = Visibility::private_) {
    auto r = chat_->create_conversation(who, NewConversation{kind, std::move(name), "", v, std::move(members)});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->conversation.id : 0;
  }

  std::int64_t say(const Subject& who, std::int64_t conversation, const std::string& text) {
    clock_.advance_ms(1000);
    auto p = chat_->post(who, conversation, text, "k" + std::to_string(++counter_));
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return p.ok() ? p->message.id : 0;
  }

  std::vector<SearchHit> find(const Subject& who, const std::string& text,
                              std::optional<std::int64_t> conversation = std::nullopt) {
    auto r = search_->search(who, SearchQuery{text, conversation, 50});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : std::vector<SearchHit>{};
  }

  std::unique_ptr<SearchService> search_;
  Subject ana_, ben_, cleo_, ada_, bo_, carl_, dora_;
  std::int64_t team_b_ = 0;
  int counter_ = 0;
};

TEST_P(SearchServiceTest, FindsWordsByPrefixWithSnippetAndSeqNewestFirst) {
  const auto g = make(ana_, ConversationKind::group, {ben_.user_id}, "tax");
  say(ana_, g, "the invoice for March is ready");
  say(ben_, g, "unrelated chatter");
  say(ben_, g, "Invoices for April too");
  auto hits = find(ben_, "invoic");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].seq, 3);
  EXPECT_EQ(hits[1].seq, 1);
  EXPECT_EQ(hits[1].conversation_id, g);
  EXPECT_EQ(hits[1].conversation_name, "tax");
  EXPECT_EQ(hits[1].author_name, "ana");
  EXPECT_NE(hits[1].snippet.find(std::string(1, kMatchStart) + "invoice" + kMatchEnd), std::string::npos)
      << hits[1].snippet;
  EXPECT_EQ(find(ben_, "invoice march").size(), 1u);    // every word must match
  EXPECT_EQ(find(ben_, "INVOICE \"march").size(), 1u);  // case and stray syntax do not matter
  EXPECT_TRUE(find(ben_, "invoice september").empty());
}

// Same answers on both stores: FTS5 remove_diacritics on SQLite, unaccent on PostgreSQL.
TEST_P(SearchServiceTest, AccentsDoNotMatterAndSnippetsKeepThem) {
  const auto g = make(ana_, ConversationKind::group, {ben_.user_id}, "trip");
  say(ana_, g, "Olá, vamos a São Paulo");
  say(ana_, g, "Treffen in München am Freitag");
  say(ana_, g, "plain ola without accents");
  auto hits = find(ben_, "sao paulo");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].snippet.find(std::string(1, kMatchStart) + "São" + kMatchEnd), std::string::npos)
      << hits[0].snippet;
  EXPECT_EQ(find(ben_, "munchen").size(), 1u);
  EXPECT_EQ(find(ben_, "MÜNCH").size(), 1u);
  EXPECT_EQ(find(ben_, "ola").size(), 2u);  // "Olá" and "ola"
  EXPECT_EQ(find(ben_, "olá").size(), 2u);  // an accent typed in the query does not narrow it
  EXPECT_TRUE(find(ben_, "munich").empty());
}

TEST_P(SearchServiceTest, SyntaxIsNeverAnErrorButEmptyOrHugeQueriesAre) {
  const auto g = make(ana_, ConversationKind::group, {ben_.user_id}, "x");
  say(ana_, g, "near the end");
  for (const char* q : {"\"", "near/3", "a AND (b", "col:near", "*", "^near", "NOT near", "'; DROP TABLE messages; --"})
    EXPECT_TRUE(search_->search(ana_, SearchQuery{q, std::nullopt, 20}).ok() ||
                search_->search(ana_, SearchQuery{q, std::nullopt, 20}).error().code == ErrorCode::invalid_argument)
        << q;
  EXPECT_EQ(find(ana_, "NEAR").size(), 1u);
  EXPECT_EQ(search_->search(ana_, SearchQuery{"\"*()", std::nullopt, 20}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(search_->search(ana_, SearchQuery{std::string(201, 'a'), std::nullopt, 20}).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(search_->search(ana_, SearchQuery{"near", std::nullopt, 51}).error().code, ErrorCode::invalid_argument);
}

TEST_P(SearchServiceTest, OnlyConversationsTheSearcherIsAMemberOfNow) {
  const auto secret = make(ana_, ConversationKind::group, {ben_.user_id}, "secret");
  const auto open_channel = make(ana_, ConversationKind::channel, {}, "general", Visibility::public_);
  say(ana_, secret, "pineapple plans");
  say(ana_, open_channel, "pineapple party");
  EXPECT_EQ(find(ana_, "pineapple").size(), 2u);
  EXPECT_TRUE(find(cleo_, "pineapple").empty());  // not in the group, not joined the channel
  EXPECT_TRUE(find(cleo_, "pineapple", secret).empty());
  ASSERT_TRUE(chat_->join(cleo_, open_channel).ok());
  auto joined = find(cleo_, "pineapple");
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0].conversation_id, open_channel);
  EXPECT_EQ(find(ben_, "pineapple").size(), 1u);
  ASSERT_TRUE(chat_->leave(ben_, secret).ok());
  EXPECT_TRUE(find(ben_, "pineapple").empty());  // left: nothing any more
  EXPECT_TRUE(find(carl_, "pineapple").empty());
  EXPECT_EQ(find(ana_, "pineapple", secret).size(), 1u);
}

TEST_P(SearchServiceTest, EditsAndDeletesKeepTheIndexInSync) {
  const auto g = make(ana_, ConversationKind::group, {ben_.user_id}, "x");
  const auto id = say(ana_, g, "meet at the harbour");
  ASSERT_TRUE(chat_->edit(ana_, g, id, "meet at the station").ok());
  EXPECT_TRUE(find(ben_, "harbour").empty());
  EXPECT_EQ(find(ben_, "station").size(), 1u);
  ASSERT_TRUE(chat_->remove(ana_, g, id).ok());
  EXPECT_TRUE(find(ben_, "station").empty());
}

TEST_P(SearchServiceTest, InternalNotesOnlyForAgentsOfTheTeam) {
  auto opened = support_->open(carl_, OpenSupport{"refund", "I want my refund for order 77", "c1"});
  ASSERT_TRUE(opened.ok());
  const auto id = opened->conversation.conversation_id;
  ASSERT_TRUE(support_->claim(ada_, id).ok());
  clock_.advance_ms(1000);
  ASSERT_TRUE(support_->add_note(ada_, id, "refund approved, customer is difficult").ok());
  ASSERT_TRUE(support_->open(dora_, OpenSupport{"other", "another refund please", "d1"}).ok());
  // The customer finds their own message, never the note, never another customer's.
  auto customer = find(carl_, "refund");
  ASSERT_EQ(customer.size(), 1u);
  EXPECT_EQ(customer[0].kind, SearchHit::Kind::message);
  EXPECT_TRUE(find(carl_, "difficult").empty());
  // The agent finds the customer's message and the note.
  auto agent = find(ada_, "refund");
  ASSERT_EQ(agent.size(), 2u);
  EXPECT_EQ(agent[0].kind, SearchHit::Kind::note);
  EXPECT_EQ(agent[0].seq, 0);
  EXPECT_TRUE(find(bo_, "difficult").empty());  // another team's agent
  EXPECT_EQ(find(admin_, "difficult").size(), 1u);
  EXPECT_TRUE(find(ana_, "difficult").empty());  // an employee
}

INSTANTIATE_TEST_SUITE_P(Stores, SearchServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::chat
