#include "ai/extractive_summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "ai/text.hpp"

namespace meridian::ai {
namespace {

// A fixed 200-message conversation of five people: chatter with known decisions, action
// items (with their owners), one answered and one open question planted at known places.
const std::vector<Person> kPeople{{1, "Ana Lima", "ana"},
                                  {2, "Bea Stone", "bea"},
                                  {3, "Carl Weber", "carl"},
                                  {4, "Dan Brooks", "dan"},
                                  {5, "Eva Moreau", "eva"}};

const char* const kChatter[] = {
    "The staging build looks green again.",
    "Nice, thanks for checking the staging build.",
    "I pushed a small fix to the login page styles.",
    "The dashboard loads faster since the cache change.",
    "Coffee machine on the third floor is fixed.",
    "The nightly backup finished without errors.",
    "Metrics from the load balancer look normal today.",
    "The search index rebuild took twelve minutes.",
    "Customer feedback on the new editor has been positive.",
    "Our error rate dropped after the retry change.",
    "The design review slides are in the shared folder.",
    "Memory usage on the workers stayed flat overnight.",
    "Translations for the settings page arrived.",
    "The flaky upload test passed ten times in a row.",
    "Support tickets about exports went down this week.",
    "The new onboarding emails went out this morning.",
    "Latency on the reports endpoint is back under budget.",
    "I merged the dependency updates after the checks passed.",
    "The mobile layout of the calendar looks much better.",
    "Database replication lag stayed below one second.",
    "Legal reviewed the privacy notice wording.",
    "The marketing site moved to the new CDN.",
    "Disk usage on the file servers grew by two percent.",
    "The accessibility audit found three minor contrast issues.",
    "Sprint planning notes are up on the wiki.",
};

struct Planted {
  std::size_t at;
  std::int64_t author;
  const char* text;
};

const Planted kPlanted[] = {
    {20, 1, "We decided to ship version 2.4 on March 3."},
    {45, 2, "@carl can you update the migration guide before the release?"},
    {60, 4, "I'll write the release notes for 2.4."},
    {80, 5, "Agreed on Postgres 16 for the new cluster."},
    {100, 3, "Who owns the load test environment?"},
    {102, 1, "The load test environment belongs to the platform team."},
    {120, 1, "TODO: rotate the staging certificates before Friday."},
    {140, 2, "Eva will prepare the demo for the customer call."},
    {150, 3, "We decided to ship version 2.4 on March 3."},
    {160, 4, "Do we have budget for the offsite in June?"},
    {175, 5, "Final decision: the beta stays invite-only until April."},
    {190, 3, "@bea please review the pricing page copy."},
};

SummaryInput two_hundred_messages() {
  SummaryInput in;
  in.people = kPeople;
  for (std::size_t i = 0; i < 200; ++i) {
    SourceMessage m;
    m.id = 1000 + static_cast<std::int64_t>(i);
    m.seq = static_cast<std::int64_t>(i) + 1;
    m.author_id = static_cast<std::int64_t>(i % 5) + 1;
    m.text = kChatter[(i * 7) % std::size(kChatter)];
    m.created_at = 1'700'000'000'000 + static_cast<std::int64_t>(i) * 60'000;
    for (const auto& p : kPlanted)
      if (p.at == i) {
        m.text = p.text;
        m.author_id = p.author;
      }
    m.author_name = kPeople[static_cast<std::size_t>(m.author_id - 1)].display_name;
    in.messages.push_back(std::move(m));
  }
  return in;
}

std::vector<const Point*> of_kind(const Summary& s, PointKind kind) {
  std::vector<const Point*> out;
  for (const auto& p : s.points)
    if (p.kind == kind) out.push_back(&p);
  return out;
}

TEST(ExtractiveSummary, FindsTheKnownDecisionsOfTwoHundredMessages) {
  const auto s = summarise_extractive(two_hundred_messages());
  auto decisions = of_kind(s, PointKind::decision);
  ASSERT_EQ(decisions.size(), 3u);
  EXPECT_EQ(decisions[0]->text, "We decided to ship version 2.4 on March 3.");
  // Said twice, found once, with both messages.
  EXPECT_EQ(decisions[0]->message_ids, (std::vector<std::int64_t>{1020, 1150}));
  EXPECT_EQ(decisions[0]->message_seqs, (std::vector<std::int64_t>{21, 151}));
  EXPECT_EQ(decisions[1]->text, "Agreed on Postgres 16 for the new cluster.");
  EXPECT_EQ(decisions[1]->message_ids, (std::vector<std::int64_t>{1080}));
  EXPECT_EQ(decisions[2]->message_ids, (std::vector<std::int64_t>{1175}));
}

TEST(ExtractiveSummary, FindsTheKnownActionItemsWithTheirOwners) {
  const auto s = summarise_extractive(two_hundred_messages());
  auto actions = of_kind(s, PointKind::action_item);
  std::map<std::int64_t, std::optional<std::int64_t>> owner_by_message;
  for (const auto* p : actions) {
    ASSERT_EQ(p->message_ids.size(), 1u) << p->text;
    owner_by_message[p->message_ids[0]] = p->owner_user_id;
  }
  const std::map<std::int64_t, std::optional<std::int64_t>> expected{
      {1045, 3},  // "@carl can you ..."
      {1060, 4},  // "I'll write ..." by Dan
      {1120, 1},  // "TODO: ..." by Ana
      {1140, 5},  // "Eva will ..."
      {1190, 2},  // "@bea please ..."
  };
  EXPECT_EQ(owner_by_message, expected);
  const auto eva =
      std::find_if(actions.begin(), actions.end(), [](const Point* p) { return p->message_ids[0] == 1140; });
  EXPECT_EQ((*eva)->owner_name, "Eva Moreau");
}

TEST(ExtractiveSummary, AnAnsweredQuestionIsNotOpenAndAnUnansweredOneIs) {
  const auto s = summarise_extractive(two_hundred_messages());
  auto questions = of_kind(s, PointKind::open_question);
  ASSERT_EQ(questions.size(), 1u);
  EXPECT_EQ(questions[0]->text, "Do we have budget for the offsite in June?");
  EXPECT_EQ(questions[0]->message_ids, (std::vector<std::int64_t>{1160}));
}

TEST(ExtractiveSummary, HighlightsAreTheCentralChatterEachLinkedToItsMessage) {
  const auto in = two_hundred_messages();
  const auto s = summarise_extractive(in);
  auto highlights = of_kind(s, PointKind::highlight);
  ASSERT_EQ(highlights.size(), 5u);
  for (const auto* p : highlights) {
    ASSERT_EQ(p->message_ids.size(), 1u);
    const auto& m = in.messages[static_cast<std::size_t>(p->message_ids[0] - 1000)];
    // "Ana Lima: <the sentence>": the point quotes its message.
    EXPECT_EQ(p->text, m.author_name + ": " + m.text);
  }
  // Five different sentences (the chatter repeats; a highlight is said once).
  std::set<std::string> texts;
  for (const auto* p : highlights) texts.insert(p->text.substr(p->text.find(": ") + 2));
  EXPECT_EQ(texts.size(), 5u);
}

TEST(ExtractiveSummary, TheSummarySaysWhatHappenedAndInWhichLanguage) {
  const auto s = summarise_extractive(two_hundred_messages());
  EXPECT_EQ(s.language, "en");
  EXPECT_NE(s.summary.find("200 messages, 5 people (English)."), std::string::npos) << s.summary;
  EXPECT_NE(s.summary.find("Decisions:\n- We decided to ship version 2.4 on March 3."), std::string::npos);
  EXPECT_NE(s.summary.find("Action items:"), std::string::npos);
  EXPECT_NE(s.summary.find("(owner: Carl Weber)"), std::string::npos);
  EXPECT_NE(s.summary.find("Open questions:\n- Do we have budget for the offsite in June?"), std::string::npos);
}

TEST(ExtractiveSummary, TheSameInputGivesTheSameSummary) {
  EXPECT_EQ(summarise_extractive(two_hundred_messages()).summary, summarise_extractive(two_hundred_messages()).summary);
}

TEST(ExtractiveSummary, AGermanConversationIsSummarisedUnderGermanHeadings) {
  SummaryInput in;
  in.people = kPeople;
  const char* texts[] = {"Wir haben entschieden, dass wir die Version am Montag ausliefern.",
                         "Ich kümmere mich um die Dokumentation für das Release.",
                         "Die Tests sind alle grün und die Seite ist schnell.",
                         "Das ist gut, dann können wir auch die Kunden informieren."};
  for (std::int64_t i = 0; i < 4; ++i)
    in.messages.push_back({i + 1, i + 1, i % 2 + 1, kPeople[i % 2].display_name, texts[i], 0});
  const auto s = summarise_extractive(in);
  EXPECT_EQ(s.language, "de");
  EXPECT_NE(s.summary.find("(Deutsch)"), std::string::npos) << s.summary;
  EXPECT_NE(s.summary.find("Entscheidungen:"), std::string::npos) << s.summary;
  EXPECT_NE(s.summary.find("Aufgaben:"), std::string::npos) << s.summary;
  ASSERT_EQ(of_kind(s, PointKind::action_item).size(), 1u);
  EXPECT_EQ(of_kind(s, PointKind::action_item)[0]->owner_user_id, 2);  // Bea said it of herself
}

TEST(ExtractiveSummary, AnOwnerIsFoundByTheFirstPartOfTheirHandleWhenOnlyOneFits) {
  SummaryInput in;
  in.people = {
      {1, "Ben Stone", "ben.stone"}, {2, "Ana Lima", "ana"}, {3, "Bob Ray", "bob.ray"}, {4, "Bob Lee", "bob.lee"}};
  in.messages = {{1, 1, 2, "Ana Lima", "@ben can you write the release notes?", 0},
                 {2, 2, 2, "Ana Lima", "@bob can you check the invoices?", 0}};
  const auto s = summarise_extractive(in);
  auto actions = of_kind(s, PointKind::action_item);
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0]->owner_user_id, 1);
  EXPECT_EQ(actions[1]->owner_user_id, std::nullopt);  // two Bobs: named, not guessed
  EXPECT_EQ(actions[1]->owner_name, "bob");
}

TEST(ExtractiveSummary, NothingToSummariseSaysSo) {
  const auto s = summarise_extractive({});
  EXPECT_TRUE(s.points.empty());
  EXPECT_NE(s.summary.find("Nothing of note found."), std::string::npos);
}

TEST(TextRank, TheSentenceSharingMostWithTheOthersRanksFirst) {
  const std::vector<std::vector<std::string>> s{{"release", "notes", "draft"},
                                                {"release", "date", "march"},
                                                {"release", "notes", "date", "march"},
                                                {"coffee", "machine"}};
  const auto ranked = text_rank(s);
  EXPECT_EQ(ranked.front().first, 2u);
  EXPECT_EQ(ranked.back().first, 3u);
}

TEST(Text, SentencesWordsAndLanguage) {
  EXPECT_EQ(split_sentences("Ship it. E.g. on Monday! Done?\nNext line"),
            (std::vector<std::string>{"Ship it.", "E.g. on Monday!", "Done?", "Next line"}));
  EXPECT_EQ(words("@Bea.Stone please: review v2.4"),
            (std::vector<std::string>{"@bea.stone", "please", "review", "v2", "4"}));
  EXPECT_EQ(content_words("We will ship the release"), (std::vector<std::string>{"ship", "release"}));
  EXPECT_EQ(detect_language({"Nous avons décidé de livrer la version pour les clients"}).code, "fr");
  EXPECT_EQ(detect_language({}).code, "en");
}

}  // namespace
}  // namespace meridian::ai
