#include "core/text_rules.hpp"

#include <gtest/gtest.h>

namespace meridian::text {
namespace {

TEST(TextRules, PlainTextInAnyScriptPasses) {
  EXPECT_FALSE(refusal("Olá, 東京 — שלום مرحبا 👋", Lines::single));
  EXPECT_FALSE(refusal("line one\nline two\twith a tab", Lines::multi));
}

TEST(TextRules, LineBreaksOnlyInMultiLineText) {
  EXPECT_EQ(refusal("a\nb", Lines::single), "control characters");
  EXPECT_EQ(refusal("a\tb", Lines::single), "control characters");
}

TEST(TextRules, ACarriageReturnIsRefusedEvenInMultiLineText) {
  // The OpenAPI says so: a message's line break is "\n"; "\r\n" would be stored as two.
  EXPECT_EQ(refusal("a\r\nb", Lines::multi), "control characters");
}

TEST(TextRules, ControlCharactersC0DelAndC1AreRefused) {
  EXPECT_EQ(refusal(std::string("a\0b", 3), Lines::multi), "control characters");
  EXPECT_EQ(refusal("a\x1b[31mred", Lines::multi), "control characters");
  EXPECT_EQ(refusal("a\x7f", Lines::multi), "control characters");
  EXPECT_EQ(refusal("a\xc2\x85"
                    "b",
                    Lines::multi),
            "control characters");  // U+0085 NEXT LINE
}

TEST(TextRules, BidiOverridesAndIsolatesAreRefusedEverywhere) {
  EXPECT_EQ(refusal("invoice\xe2\x80\xaegpj.exe", Lines::multi), "bidirectional override characters");  // U+202E
  EXPECT_EQ(refusal("a\xe2\x80\xaa"
                    "b",
                    Lines::single),
            "bidirectional override characters");  // U+202A
  EXPECT_EQ(refusal("a\xe2\x81\xa6"
                    "b",
                    Lines::single),
            "bidirectional override characters");  // U+2066
  EXPECT_EQ(refusal("a\xe2\x81\xa9"
                    "b",
                    Lines::single),
            "bidirectional override characters");  // U+2069
}

TEST(TextRules, InvalidUtf8IsRefused) {
  EXPECT_EQ(refusal("a\xff"
                    "b",
                    Lines::multi),
            "invalid UTF-8");
  EXPECT_EQ(refusal("\xe2\x80", Lines::multi), "invalid UTF-8");  // cut in the middle
}

TEST(TextRules, CheckNamesTheField) {
  EXPECT_TRUE(check("fine", "the subject", Lines::single).ok());
  auto r = check("bad\r", "a message", Lines::multi);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, "a message cannot contain control characters");
  EXPECT_EQ(check("\xff", "the subject", Lines::single).error().message, "the subject is not valid UTF-8");
}

}  // namespace
}  // namespace meridian::text
