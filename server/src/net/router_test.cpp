#include "net/router.hpp"

#include <gtest/gtest.h>

namespace meridian::net {
namespace {

Handler ok_handler() {
  return [](HttpRequest&) { return HttpResponse::json(200, "{}"); };
}

TEST(Router, MatchesParamSegmentsAndExtractsThem) {
  Router router;
  router.add("GET", "/api/users/{id}/teams/{team}", ok_handler());
  auto m = router.match("GET", "/api/users/7/teams/blue");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "7");
  EXPECT_EQ(m.params.at("team"), "blue");
}

TEST(Router, RequiresExactSegmentCount) {
  Router router;
  router.add("GET", "/api/users/{id}", ok_handler());
  EXPECT_EQ(router.match("GET", "/api/users").route, nullptr);
  EXPECT_EQ(router.match("GET", "/api/users/1/extra").route, nullptr);
  EXPECT_EQ(router.match("GET", "/api/users/").route, nullptr);
}

TEST(Router, LiteralSegmentWinsOverParam) {
  Router router;
  router.add("GET", "/api/users/{id}", ok_handler());
  router.add("GET", "/api/users/me", ok_handler());
  auto m = router.match("GET", "/api/users/me");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/users/me");
  EXPECT_TRUE(m.params.empty());
  EXPECT_EQ(router.match("GET", "/api/users/5").route->pattern, "/api/users/{id}");
}

TEST(Router, WrongMethodIsReportedForA405) {
  Router router;
  router.add("GET", "/api/things", ok_handler());
  router.add("DELETE", "/api/things", ok_handler());
  auto m = router.match("POST", "/api/things");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_matched_other_method);
  EXPECT_EQ(router.allowed_methods("/api/things"), (std::vector<std::string>{"GET", "DELETE"}));
  EXPECT_FALSE(router.match("POST", "/api/other").path_matched_other_method);
}

}  // namespace
}  // namespace meridian::net
