#include "remote_support/access_code.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/random.hpp"

namespace meridian::remote_support {
namespace {

TEST(AccessCode, IsEightCharactersWithoutLookAlikes) {
  init_crypto();
  for (char c : std::string_view("01ILO")) EXPECT_EQ(kCodeAlphabet.find(c), std::string_view::npos) << c;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto code = new_access_code();
    ASSERT_EQ(code.size(), kCodeLength);
    for (char c : code) ASSERT_NE(kCodeAlphabet.find(c), std::string_view::npos) << code;
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 2000u) << "codes repeat";
}

TEST(AccessCode, EveryCharacterOfTheAlphabetIsDrawn) {
  init_crypto();
  std::set<char> drawn;
  for (int i = 0; i < 500; ++i)
    for (char c : new_access_code()) drawn.insert(c);
  EXPECT_EQ(drawn.size(), kCodeAlphabet.size());
}

TEST(AccessCode, WhatWasTypedIsNormalisedOrRefused) {
  EXPECT_EQ(normalise_access_code("abcd-efgh"), "ABCDEFGH");
  EXPECT_EQ(normalise_access_code(" 2345 6789 "), "23456789");
  EXPECT_EQ(normalise_access_code("ABCDEFG"), std::nullopt);    // too short
  EXPECT_EQ(normalise_access_code("ABCDEFGHJ"), std::nullopt);  // too long
  EXPECT_EQ(normalise_access_code("ABCDEFG0"), std::nullopt);   // 0 is not in the alphabet
  EXPECT_EQ(normalise_access_code("ABCDEFGI"), std::nullopt);   // nor I
  EXPECT_EQ(normalise_access_code("ABCD'; --"), std::nullopt);
}

TEST(AccessCode, OnlyTheHashIsStoredAndItDependsOnEveryCharacter) {
  init_crypto();
  const auto h = access_code_hash("ABCDEFGH");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h.find("ABCDEFGH"), std::string::npos);
  EXPECT_NE(h, access_code_hash("ABCDEFGJ"));
  EXPECT_EQ(h, access_code_hash("ABCDEFGH"));
}

}  // namespace
}  // namespace meridian::remote_support
