#include "net/http_types.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace meridian::net {
namespace {

TEST(HttpTypes, EveryErrorCodeMapsToItsStatus) {
  EXPECT_EQ(http_status_for(ErrorCode::invalid_argument), 400);
  EXPECT_EQ(http_status_for(ErrorCode::unauthenticated), 401);
  EXPECT_EQ(http_status_for(ErrorCode::forbidden), 403);
  EXPECT_EQ(http_status_for(ErrorCode::not_found), 404);
  EXPECT_EQ(http_status_for(ErrorCode::conflict), 409);
  EXPECT_EQ(http_status_for(ErrorCode::too_large), 413);
  EXPECT_EQ(http_status_for(ErrorCode::rate_limited), 429);
  EXPECT_EQ(http_status_for(ErrorCode::unavailable), 503);
  EXPECT_EQ(http_status_for(ErrorCode::internal), 500);
}

TEST(HttpTypes, ErrorBodyIsEscapedJson) {
  auto res = HttpResponse::error(make_error(ErrorCode::conflict, "name \"x\" taken"));
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(res.content_type, "application/json");
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(body.at("error").at("code").as_string(), "conflict");
  EXPECT_EQ(body.at("error").at("message").as_string(), "name \"x\" taken");
}

// An internal error's message (SQL, paths, hosts) is for the log, never for the client.
TEST(HttpTypes, AnInternalErrorsDetailIsLoggedNotShown) {
  auto res = HttpResponse::error(make_error(ErrorCode::internal, "sqlite: no such table: secret_things"));
  EXPECT_EQ(res.status, 500);
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(body.at("error").at("code").as_string(), "internal");
  EXPECT_EQ(body.at("error").at("message").as_string(), kInternalErrorText);
  EXPECT_EQ(res.body.find("secret_things"), std::string::npos);
  EXPECT_EQ(client_message(make_error(ErrorCode::unavailable, "the server is stopping")), "the server is stopping");
}

TEST(HttpTypes, RequestHelpersFindHeadersQueryAndPathParams) {
  HttpRequest req;
  req.headers = {{"content-type", "text/plain"}};
  req.query = {{"q", "a b"}};
  req.path_params["id"] = "9";
  EXPECT_EQ(req.header("content-type"), "text/plain");
  EXPECT_EQ(req.header("accept"), "");
  EXPECT_EQ(req.query_param("q"), "a b");
  EXPECT_FALSE(req.query_param("missing").has_value());
  EXPECT_EQ(req.path_param("id"), "9");
  EXPECT_EQ(req.path_param("other"), "");
}

}  // namespace
}  // namespace meridian::net
