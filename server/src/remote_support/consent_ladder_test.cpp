#include "remote_support/consent_ladder.hpp"

#include <gtest/gtest.h>

namespace meridian::remote_support {
namespace {

ConsentLadder granted_up_to(Step top) {
  ConsentLadder c;
  for (Step s : kSteps) {
    EXPECT_TRUE(c.ask(s).ok());
    EXPECT_TRUE(c.answer(s, true).ok());
    if (s == top) break;
  }
  return c;
}

TEST(ConsentLadder, NothingIsAllowedBeforeItIsAskedAndGranted) {
  ConsentLadder c;
  for (Step s : kSteps) EXPECT_FALSE(c.allows(s));
  ASSERT_TRUE(c.ask(Step::chat).ok());
  EXPECT_FALSE(c.allows(Step::chat)) << "asking is not granting";
  ASSERT_TRUE(c.answer(Step::chat, true).ok());
  EXPECT_TRUE(c.allows(Step::chat));
  EXPECT_FALSE(c.allows(Step::view));
}

TEST(ConsentLadder, EachStepIsAskedSeparatelyAndInOrder) {
  ConsentLadder c;
  auto skipped = c.ask(Step::view);
  ASSERT_FALSE(skipped.ok());
  EXPECT_EQ(skipped.error().code, ErrorCode::conflict);
  EXPECT_NE(skipped.error().message.find("chatting"), std::string::npos) << skipped.error().message;
  EXPECT_FALSE(c.ask(Step::annotate).ok());
  ASSERT_TRUE(c.ask(Step::chat).ok());
  EXPECT_FALSE(c.ask(Step::chat).ok()) << "asked twice while pending";
  EXPECT_FALSE(c.ask(Step::view).ok()) << "chat only asked, not granted";
  ASSERT_TRUE(c.answer(Step::chat, true).ok());
  ASSERT_TRUE(c.ask(Step::view).ok());
  EXPECT_FALSE(c.ask(Step::annotate).ok());
  EXPECT_EQ(c.state(Step::annotate), ConsentState::not_asked);
}

TEST(ConsentLadder, OnlyAPendingQuestionIsAnswered) {
  ConsentLadder c;
  EXPECT_EQ(c.answer(Step::chat, true).error().code, ErrorCode::conflict);
  ASSERT_TRUE(c.ask(Step::chat).ok());
  ASSERT_TRUE(c.answer(Step::chat, false).ok());
  EXPECT_EQ(c.state(Step::chat), ConsentState::denied);
  EXPECT_FALSE(c.allows(Step::chat));
  EXPECT_FALSE(c.answer(Step::chat, true).ok()) << "a denial is not turned into a grant without a new question";
  ASSERT_TRUE(c.ask(Step::chat).ok()) << "a denied step may be asked again";
  ASSERT_TRUE(c.answer(Step::chat, true).ok());
  EXPECT_TRUE(c.allows(Step::chat));
}

TEST(ConsentLadder, RevokingAStepTakesEveryStepAboveItAlong) {
  auto c = granted_up_to(Step::annotate);
  ASSERT_TRUE(c.allows(Step::annotate));
  auto revoked = c.revoke(Step::view);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, (std::vector<Step>{Step::view, Step::annotate}));
  EXPECT_TRUE(c.allows(Step::chat));
  EXPECT_FALSE(c.allows(Step::view));
  EXPECT_FALSE(c.allows(Step::annotate));
  EXPECT_EQ(c.state(Step::view), ConsentState::revoked);
  EXPECT_TRUE(c.ever_granted(Step::view)) << "the summary still says it was granted once";
  EXPECT_EQ(c.revoke(Step::view).error().code, ErrorCode::conflict) << "nothing left to revoke";
  EXPECT_FALSE(c.ask(Step::annotate).ok()) << "annotations need viewing again first";
  ASSERT_TRUE(c.ask(Step::view).ok()) << "a revoked step may be asked again";
}

TEST(ConsentLadder, RevokingChatEndsEverythingAndAPendingQuestionCanBeWithdrawn) {
  auto c = granted_up_to(Step::view);
  ASSERT_TRUE(c.ask(Step::annotate).ok());
  auto revoked = c.revoke(Step::chat);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, (std::vector<Step>{Step::chat, Step::view, Step::annotate}));
  for (Step s : kSteps) EXPECT_FALSE(c.allows(s));
  EXPECT_FALSE(c.ever_granted(Step::annotate));
  EXPECT_FALSE(c.answer(Step::annotate, true).ok()) << "the withdrawn question cannot be granted";
}

TEST(ConsentLadder, RevokeAllAtTheEnd) {
  auto c = granted_up_to(Step::annotate);
  EXPECT_EQ(c.revoke_all().size(), 3u);
  for (Step s : kSteps) {
    EXPECT_FALSE(c.allows(s));
    EXPECT_TRUE(c.ever_granted(s));
  }
}

TEST(ConsentLadder, StepsAskedTogetherAreOneQuestionAnsweredFromItsLowestStep) {
  auto c = granted_up_to(Step::chat);
  EXPECT_EQ(c.ask_together(Step::annotate, Step::view).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(c.ask_together(Step::chat, Step::view).error().code, ErrorCode::conflict) << "chat is granted already";
  ASSERT_TRUE(c.ask_together(Step::view, Step::annotate).ok());
  EXPECT_EQ(c.asked_with(Step::view), Step::annotate);
  EXPECT_EQ(c.asked_with(Step::chat), Step::chat);
  // The upper step is not answered on its own: that would grant it with view still pending.
  auto upper = c.answer(Step::annotate, true);
  ASSERT_FALSE(upper.ok());
  EXPECT_EQ(upper.error().code, ErrorCode::conflict);
  EXPECT_FALSE(c.allows(Step::annotate));
  ASSERT_TRUE(c.answer(Step::view, true).ok());
  EXPECT_TRUE(c.allows(Step::annotate));
  // Withdrawn step by step all the same.
  ASSERT_TRUE(c.revoke(Step::annotate).ok());
  EXPECT_TRUE(c.allows(Step::view));
  EXPECT_FALSE(c.allows(Step::annotate));
}

TEST(ConsentLadder, ADenialCoversEveryStepAskedWithIt) {
  ConsentLadder c;
  ASSERT_TRUE(c.ask_together(Step::chat, Step::annotate).ok());
  ASSERT_TRUE(c.answer(Step::chat, false).ok());
  for (Step s : kSteps) EXPECT_EQ(c.state(s), ConsentState::denied);
  EXPECT_FALSE(c.ever_granted(Step::view));
}

TEST(ConsentLadder, NamesRoundTrip) {
  for (Step s : kSteps) {
    Step back;
    ASSERT_TRUE(parse_step(step_name(s), back));
    EXPECT_EQ(back, s);
  }
  Step out;
  EXPECT_FALSE(parse_step("control", out)) << "there is no remote control step";
  ConsentState st;
  ASSERT_TRUE(parse_consent_state("revoked", st));
  EXPECT_EQ(st, ConsentState::revoked);
}

}  // namespace
}  // namespace meridian::remote_support
