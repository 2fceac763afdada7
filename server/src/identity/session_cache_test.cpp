#include "identity/session_cache.hpp"

#include <gtest/gtest.h>

namespace meridian::identity {
namespace {

Subject subject(std::int64_t user, std::int64_t session) {
  Subject s;
  s.user_id = user;
  s.session_id = session;
  return s;
}

TEST(SessionCache, AnswersWithinTheTtlOnly) {
  SessionCache cache(5'000);
  cache.remember("h1", subject(1, 10), 1'000'000, 0);
  EXPECT_TRUE(cache.find("h1", 4'999).has_value());
  EXPECT_FALSE(cache.find("h1", 5'000).has_value());
  EXPECT_FALSE(cache.find("other", 0).has_value());
}

TEST(SessionCache, NeverOutlivesTheSessionItself) {
  SessionCache cache(5'000);
  cache.remember("h1", subject(1, 10), 2'000, 0);
  EXPECT_TRUE(cache.find("h1", 1'999).has_value());
  EXPECT_FALSE(cache.find("h1", 2'000).has_value());
}

TEST(SessionCache, ForgetsBySessionAndByUser) {
  SessionCache cache(5'000);
  cache.remember("a", subject(1, 10), 1'000'000, 0);
  cache.remember("b", subject(1, 11), 1'000'000, 0);
  cache.remember("c", subject(2, 12), 1'000'000, 0);
  cache.forget_session(10);
  EXPECT_FALSE(cache.find("a", 1).has_value());
  EXPECT_TRUE(cache.find("b", 1).has_value());
  cache.forget_user(1);
  EXPECT_FALSE(cache.find("b", 1).has_value());
  EXPECT_TRUE(cache.find("c", 1).has_value());
}

TEST(SessionCache, StaysBounded) {
  SessionCache cache(5'000, 3);
  for (int i = 0; i < 10; ++i) cache.remember("h" + std::to_string(i), subject(i, i), 1'000'000, 0);
  EXPECT_LE(cache.size(), 3u);
}

TEST(SessionCache, ZeroTtlDisablesIt) {
  SessionCache cache(0);
  cache.remember("h1", subject(1, 10), 1'000'000, 0);
  EXPECT_FALSE(cache.find("h1", 0).has_value());
}

}  // namespace
}  // namespace meridian::identity
