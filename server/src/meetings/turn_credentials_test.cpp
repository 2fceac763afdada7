#include "meetings/turn_credentials.hpp"

#include <gtest/gtest.h>

namespace meridian::meetings {
namespace {

TEST(TurnCredentials, HmacSha1MatchesRfc2202) {
  EXPECT_EQ(hmac_sha1_base64("Jefe", "what do ya want for nothing?"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

TEST(TurnCredentials, UsernameIsExpiryColonUserAndPasswordItsHmac) {
  auto c = turn_credential("s3cret", "u42", 1'700'000'000'123, 3600);
  EXPECT_EQ(c.username, "1700003600:u42");
  EXPECT_EQ(c.expires_at, 1'700'003'600'000);
  EXPECT_EQ(c.password, hmac_sha1_base64("s3cret", "1700003600:u42"));
  EXPECT_NE(turn_credential("other", "u42", 1'700'000'000'123, 3600).password, c.password);
}

}  // namespace
}  // namespace meridian::meetings
