#include "ai/ai_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "ai/ai_test_support.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::ai {
namespace {

class AiServiceTest : public testing::AiTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AiTest::SetUp());
    ana_ = person("ana");
    ben_ = person("ben");
    cleo_ = person("cleo");
    dora_ = person("dora", UserKind::employee, "DE");
    uma_ = person("uma", UserKind::employee, "US");
  }

  Subject ana_, ben_, cleo_, dora_, uma_;
};

TEST_P(AiServiceTest, AMemberGetsASummaryWhosePointsLinkToTheMessages) {
  const auto c = group(ana_, {ben_.user_id});
  post(ana_, c, "The staging build is green again after the cache fix.");
  const auto decided = post(ben_, c, "We decided to ship the release on Monday.");
  const auto task = post(ana_, c, "@ben can you write the release notes?");
  post(ben_, c, "The staging cache fix also made the dashboard faster.");
  auto s = ai_->summarise(ben_, {c});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->provider, "builtin");
  EXPECT_EQ(s->message_count, 4);
  ASSERT_GE(s->summary.points.size(), 2u);
  EXPECT_EQ(s->summary.points[0].kind, PointKind::decision);
  EXPECT_EQ(s->summary.points[0].message_ids, (std::vector<std::int64_t>{decided.id}));
  EXPECT_EQ(s->summary.points[1].kind, PointKind::action_item);
  EXPECT_EQ(s->summary.points[1].message_ids, (std::vector<std::int64_t>{task.id}));
  EXPECT_EQ(s->summary.points[1].owner_user_id, ben_.user_id);
}

TEST_P(AiServiceTest, EveryCallIsAuditedWithSizesAndSourcesButNoContents) {
  const auto c = group(ana_, {ben_.user_id});
  post(ana_, c, "Top secret launch codename is Bluebird.");
  ASSERT_TRUE(ai_->summarise(ana_, {c}, "192.0.2.9").ok());
  auto audited = audit_rows("ai.summary");
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_NE(audited[0].find(std::to_string(ana_.user_id) + "|conversation:" + std::to_string(c) + "|ok|"),
            std::string::npos)
      << audited[0];
  for (auto key : {"\"feature\":\"summaries\"", "\"provider\":\"builtin\"", "\"messages\":1", "\"input_bytes\":39",
                   "\"latency_ms\":", "\"sources\":[\"conversation:"})
    EXPECT_NE(audited[0].find(key), std::string::npos) << key << " in " << audited[0];
  EXPECT_EQ(audited[0].find("Bluebird"), std::string::npos);
}

TEST_P(AiServiceTest, SomeoneWhoMayNotReadTheConversationLearnsNothing) {
  const auto c = group(ana_, {ben_.user_id});
  post(ana_, c, "Salaries are adjusted in March.");
  auto s = ai_->summarise(cleo_, {c});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::not_found);
  EXPECT_EQ(ai_->summarise(cleo_, {999'999}).error().code, ErrorCode::not_found);
  auto audited = audit_rows("ai.summary");
  ASSERT_EQ(audited.size(), 2u);
  EXPECT_NE(audited[0].find("|denied|{\"reason\":\"not_found\"}"), std::string::npos) << audited[0];
}

TEST_P(AiServiceTest, TheCopilotSwitchedOffForACountryIsRefusedWithAReason) {
  const auto c = group(ana_, {dora_.user_id});
  post(ana_, c, "We decided to move the stand-up to ten.");
  toggle("ai.copilot", "PT", false);
  auto s = ai_->summarise(ana_, {c});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::forbidden);
  EXPECT_EQ(s.error().message, "The AI copilot is switched off for your country (PT) by your organisation.");
  auto st = ai_->status(ana_);
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(st->copilot);
  EXPECT_EQ(st->reason, s.error().message);
  // Dora, in Germany, still has it.
  EXPECT_TRUE(ai_->summarise(dora_, {c}).ok());
  EXPECT_TRUE(ai_->status(dora_)->reason.empty());
}

TEST_P(AiServiceTest, PeopleExcludedFromAiHaveTheirMessagesLeftOut) {
  const auto c = group(ana_, {ben_.user_id, cleo_.user_id});
  post(ana_, c, "The staging build is green again.");
  const auto bens = post(ben_, c, "We decided to rename the product to Falcon.");
  post(cleo_, c, "I'll update the staging dashboard.");
  identity::UserChange change;
  change.gdpr_exclude_from_ai = true;
  ASSERT_TRUE(identity_->update_user(audit::Actor{}, ben_.user_id, change).ok());
  auto s = ai_->summarise(ana_, {c});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->message_count, 2);
  EXPECT_EQ(s->excluded_messages, 1);
  EXPECT_EQ(s->summary.summary.find("Falcon"), std::string::npos) << s->summary.summary;
  for (const auto& p : s->summary.points) {
    EXPECT_EQ(std::find(p.message_ids.begin(), p.message_ids.end(), bens.id), p.message_ids.end());
    EXPECT_EQ(p.text.find("Falcon"), std::string::npos);
  }
  // Ben himself is told why the copilot does not work for him.
  auto refused = ai_->summarise(ben_, {c});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_NE(refused.error().message.find("excluded from AI"), std::string::npos);
  EXPECT_TRUE(ai_->status(ben_)->excluded);
}

// Restriction of processing (GDPR art. 18, set through privacy's RestrictionService):
// the person's messages are left out, their own copilot is refused with that reason, and
// a file they upload is not read into the index.
TEST_P(AiServiceTest, APersonWhoRestrictedProcessingIsLeftOutOfAiAndToldWhy) {
  index_->leave_out_restricted(*exclusions_);
  const auto c = group(ana_, {ben_.user_id});
  post(ana_, c, "The staging build is green again.");
  post(ben_, c, "We decided to rename the product to Falcon.");
  identity::UserChange change;
  change.gdpr_restrict_processing = true;
  ASSERT_TRUE(identity_->update_user(audit::Actor{}, ben_.user_id, change).ok());
  auto s = ai_->summarise(ana_, {c});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->excluded_messages, 1);
  EXPECT_EQ(s->summary.summary.find("Falcon"), std::string::npos) << s->summary.summary;
  auto refused = ai_->summarise(ben_, {c});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_NE(refused.error().message.find("restricted"), std::string::npos) << refused.error().message;
  EXPECT_NE(ai_->status(ben_)->reason.find("GDPR art. 18"), std::string::npos);

  const auto file = upload(ben_, personal_space(ben_), 0, "falcon.txt", "Falcon launch plan and budget.");
  auto doc = index_->document(file.id);
  ASSERT_TRUE(doc.ok());
  ASSERT_TRUE(doc->has_value());
  EXPECT_EQ((*doc)->status, "restricted");
  EXPECT_EQ((*doc)->chunk_count, 0);
  // Lifted: his next upload is read again.
  change.gdpr_restrict_processing = false;
  ASSERT_TRUE(identity_->update_user(audit::Actor{}, ben_.user_id, change).ok());
  const auto later = upload(ben_, personal_space(ben_), 0, "later.txt", "Falcon launch plan, second part.");
  EXPECT_EQ((*index_->document(later.id))->status, "ready");
  EXPECT_TRUE(ai_->summarise(ben_, {c}).ok());
}

TEST_P(AiServiceTest, AThreadATimeRangeAndTheUnreadAreSummarisedAlone) {
  const auto c = group(ana_, {ben_.user_id});
  const auto first = post(ana_, c, "We decided to keep the old logo.");
  const auto root = post(ben_, c, "Thread about the pricing page.");
  const auto reply = post(ana_, c, "Agreed on three pricing tiers.", root.id);
  const auto later = post(ana_, c, "We decided to publish the roadmap in May.");

  auto thread = ai_->summarise(ana_, {c, root.id});
  ASSERT_TRUE(thread.ok()) << thread.error().message;
  EXPECT_EQ(thread->message_count, 2);  // the root and its reply
  ASSERT_GE(thread->summary.points.size(), 1u);
  EXPECT_EQ(thread->summary.points[0].kind, PointKind::decision);
  EXPECT_EQ(thread->summary.points[0].message_ids, (std::vector<std::int64_t>{reply.id}));
  for (const auto& p : thread->summary.points)
    for (auto id : p.message_ids) EXPECT_TRUE(id == root.id || id == reply.id);

  ConversationScope range{c};
  range.since = later.created_at;
  auto recent = ai_->summarise(ana_, range);
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->message_count, 1);
  range = ConversationScope{c};
  range.until = first.created_at;
  EXPECT_EQ(ai_->summarise(ana_, range)->message_count, 1);

  ASSERT_TRUE(chat_->mark_read(ben_, c, root.seq).ok());
  ConversationScope unread{c};
  unread.unread_only = true;
  auto catch_up = ai_->summarise(ben_, unread);
  ASSERT_TRUE(catch_up.ok());
  EXPECT_EQ(catch_up->message_count, 1);
  EXPECT_EQ(catch_up->summary.points[0].message_ids, (std::vector<std::int64_t>{later.id}));
  // The marker Ben had before he opened the conversation (opening moves it).
  ASSERT_TRUE(chat_->mark_read(ben_, c, later.seq).ok());
  ConversationScope before_opening{c};
  before_opening.after_seq = root.seq;
  EXPECT_EQ(ai_->summarise(ben_, before_opening)->message_count, 1);
  unread.after_seq = std::nullopt;
  EXPECT_EQ(ai_->summarise(ben_, unread)->message_count, 0);
}

TEST_P(AiServiceTest, AnExternalProviderGetsNothingUnlessTheToggleAndEveryRegionAllowIt) {
  const auto c = group(ana_, {uma_.user_id});  // Ana's conversation: its data lives in her region
  post(ana_, c, "We decided to hire two more engineers.");
  AiOptions options;
  options.features["summaries"] = "outside";
  options.provider_regions["outside"] = {uma_.region};
  rebuild(options);

  // ai.external is off by default: the built-in provider answers, and says why.
  auto s = ai_->summarise(uma_, {c});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->provider, "builtin");
  EXPECT_NE(s->note.find("switched off for your country"), std::string::npos) << s->note;

  toggle("ai.external", "US", true);
  toggle("ai.external", "PT", true);
  // Uma's region is allowed, the conversation's (Ana's, EU) is not.
  s = ai_->summarise(uma_, {c});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->provider, "builtin");
  EXPECT_NE(s->note.find("data stored in region " + ana_.region), std::string::npos) << s->note;
  // Ana's own region is not allowed either.
  EXPECT_NE(ai_->summarise(ana_, {c})->note.find("your region"), std::string::npos);
  EXPECT_EQ(outside_->calls, 0);

  options.provider_regions["outside"] = {uma_.region, ana_.region};
  rebuild(options);
  s = ai_->summarise(uma_, {c});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->provider, "outside");
  EXPECT_EQ(outside_->calls, 1);
  EXPECT_NE(audit_rows("ai.summary").back().find("\"provider\":\"outside\""), std::string::npos);
}

TEST_P(AiServiceTest, AGuestMayNotUseTheCopilot) {
  const auto gus = person("gus", UserKind::guest);
  EXPECT_EQ(ai_->status(gus).error().code, ErrorCode::forbidden);
  EXPECT_EQ(ai_->summarise(gus, {1}).error().code, ErrorCode::forbidden);
}

TEST_P(AiServiceTest, BadRequestsAreRefusedPrecisely) {
  const auto c = group(ana_, {ben_.user_id});
  const auto m = post(ana_, c, "Hello there.");
  const auto reply_root = post(ana_, c, "A reply.", m.id);
  EXPECT_EQ(ai_->summarise(ana_, {c, reply_root.id}).error().code, ErrorCode::invalid_argument);  // a reply, no root
}

TEST_P(AiServiceTest, CatchUpAcrossMyConversationsLinksEachPointAndLeavesOutWhatIMayNotRead) {
  const auto launch = group(ana_, {ben_.user_id});
  const auto hiring = group(ben_, {ana_.user_id, cleo_.user_id});
  const auto secret = group(ben_, {cleo_.user_id});  // Ana is not in it
  post(ana_, launch, "Hello all.");
  const auto decided = post(ben_, launch, "We decided to ship the release on Friday.");
  const auto task = post(cleo_, hiring, "Ana will send the offer letter tomorrow.");
  post(ben_, secret, "We decided to cut the budget for the secret project.");
  auto out = ai_->catch_up(ana_);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->provider, "builtin");
  std::vector<std::int64_t> ids;
  for (const auto& p : out->conversations) ids.push_back(p.conversation_id);
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_TRUE(std::find(ids.begin(), ids.end(), launch) != ids.end());
  EXPECT_TRUE(std::find(ids.begin(), ids.end(), hiring) != ids.end());
  EXPECT_TRUE(std::find(ids.begin(), ids.end(), secret) == ids.end());
  bool linked_decision = false, linked_task = false;
  for (const auto& p : out->conversations)
    for (const auto& point : p.summary.summary.points) {
      EXPECT_FALSE(point.message_ids.empty()) << point.text;
      EXPECT_EQ(point.text.find("secret"), std::string::npos);
      for (auto id : point.message_ids) {
        linked_decision |= id == decided.id && p.conversation_id == launch;
        linked_task |= id == task.id && p.conversation_id == hiring;
      }
    }
  EXPECT_TRUE(linked_decision);
  EXPECT_TRUE(linked_task);
  // Only what came after my read marker: Ana's own message is not news to her.
  for (const auto& p : out->conversations)
    if (p.conversation_id == launch) {
      EXPECT_EQ(p.summary.message_count, 1);
    }
  // Cleo is in the secret conversation: hers includes it.
  auto cleos = ai_->catch_up(cleo_);
  ASSERT_TRUE(cleos.ok());
  bool has_secret = false;
  for (const auto& p : cleos->conversations) has_secret |= p.conversation_id == secret;
  EXPECT_TRUE(has_secret);
  // The copilot off for the country: refused with the reason.
  toggle("ai.copilot", "PT", false);
  EXPECT_EQ(ai_->catch_up(ana_).error().code, ErrorCode::forbidden);
}

INSTANTIATE_TEST_SUITE_P(Stores, AiServiceTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::ai
