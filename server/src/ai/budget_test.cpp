// Budgets of tokens on external providers: per person per UTC day and for the organisation
// per calendar month; a spent budget refuses with which one, how much and when it renews;
// built-in answers are free and never refused; the status shows what is left; on both stores.
#include <gtest/gtest.h>

#include "ai/ai_test_support.hpp"
#include "storage/testing/test_database.hpp"

namespace meridian::ai {
namespace {

constexpr UnixMillis kDec7 = 1'796'601'600'000;  // 2026-12-07T00:00:00Z

class BudgetTest : public testing::AiTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AiTest::SetUp());
    ana_ = person("ana");
    ben_ = person("ben");
    conversation_ = group(ana_, {ben_.user_id});
    for (int i = 0; i < 6; ++i)
      post(i % 2 ? ben_ : ana_, conversation_, "We decided to ship the release on Friday " + std::to_string(i));
    toggle("ai.external", "PT", true);
    clock_.set_ms(kDec7 + 10 * 3'600'000);  // 10:00 UTC
  }
  void budgets(std::int64_t person_day, std::int64_t organisation_month, const std::string& provider = "outside") {
    AiOptions options;
    options.features["summaries"] = provider;
    options.provider_regions["outside"] = {"*"};
    options.person_day_tokens = person_day;
    options.organisation_month_tokens = organisation_month;
    rebuild(options);
  }
  std::int64_t used_today(const Subject& who) { return ai_->status(who)->budget.person_day.used; }

  Subject ana_, ben_;
  std::int64_t conversation_ = 0;
};

TEST_P(BudgetTest, APersonsDailyBudgetRefusesPreciselyOnceSpentAndRenewsAtMidnightUtc) {
  budgets(1, 0);  // the first call is within budget (nothing used yet) and spends it
  auto first = ai_->summarise(ana_, {conversation_});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->provider, "outside");
  const auto used = used_today(ana_);
  EXPECT_GT(used, 0);

  auto refused = ai_->summarise(ana_, {conversation_});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(refused.error().message,
            "Your AI budget for today is spent: " + std::to_string(used) + " of 1 tokens used; it renews at 00:00 UTC");
  EXPECT_EQ(refused.error().retry_after_seconds, 14 * 3600);
  EXPECT_EQ(outside_->calls, 1);
  EXPECT_NE(audit_rows("ai.summary").back().find("|failed|{\"reason\":\"rate_limited\"}"), std::string::npos);

  // Ben's day is his own; the status shows each what is left.
  EXPECT_TRUE(ai_->summarise(ben_, {conversation_}).ok());
  auto st = ai_->status(ana_);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->budget.person_day.limit, 1);
  EXPECT_EQ(st->budget.person_day.left(), 0);
  EXPECT_EQ(st->budget.person_day.resets_at, kDec7 + 86'400'000);
  EXPECT_EQ(st->budget.organisation_month.limit, 0);

  clock_.set_ms(kDec7 + 86'400'000);  // the next day, 00:00 UTC
  EXPECT_TRUE(ai_->summarise(ana_, {conversation_}).ok());
}

TEST_P(BudgetTest, TheOrganisationsMonthCountsEveryoneAndRenewsOnTheFirst) {
  budgets(0, 1);
  ASSERT_TRUE(ai_->summarise(ana_, {conversation_}).ok());
  auto refused = ai_->summarise(ben_, {conversation_});  // Ben used nothing: the organisation did
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::rate_limited);
  EXPECT_NE(refused.error().message.find("Your organisation's AI budget for this month is spent"), std::string::npos);
  EXPECT_NE(refused.error().message.find("on the first day of next month"), std::string::npos);
  auto st = ai_->status(ben_);
  EXPECT_EQ(st->budget.organisation_month.resets_at, 1'798'761'600'000);  // 2027-01-01T00:00:00Z
  EXPECT_EQ(st->budget.person_day.used, 0);
  clock_.set_ms(1'798'761'600'000);
  EXPECT_TRUE(ai_->summarise(ben_, {conversation_}).ok());
}

TEST_P(BudgetTest, BuiltInAnswersAreFreeAndNeverRefused) {
  budgets(1, 1, "builtin");
  for (int i = 0; i < 3; ++i) {
    auto s = ai_->summarise(ana_, {conversation_});
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->provider, "builtin");
  }
  EXPECT_EQ(used_today(ana_), 0);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM ai_usage"), std::vector<std::string>{"0|"});
}

INSTANTIATE_TEST_SUITE_P(Stores, BudgetTest, ::testing::ValuesIn(storage::testing::test_database_kinds()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian::ai
