#include "net/route_kit.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/json/parse.hpp>

namespace meridian::net {
namespace {

HttpRequest with_query(std::string name, std::string value) {
  HttpRequest req;
  req.query.emplace_back(std::move(name), std::move(value));
  return req;
}

TEST(RouteKit, PathIdsArePositiveIntegersAndAnythingElseIsNotFound) {
  HttpRequest req;
  req.path_params["id"] = "42";
  auto ok = path_id(req, "id", "meeting id");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 42);
  for (const char* bad : {"0", "-3", "4x", "", "../../etc/passwd", "99999999999999999999"}) {
    req.path_params["id"] = bad;
    auto r = path_id(req, "id", "meeting id");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::not_found) << bad;
    EXPECT_NE(r.error().message.find("meeting id"), std::string::npos);
  }
}

TEST(RouteKit, QueryIntsAreOptionalBoundedAndNamedInTheError) {
  HttpRequest none;
  auto absent = query_int(none, "limit");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  EXPECT_EQ(*query_int_or(none, "limit", 50, 1, 200), 50);

  auto given = query_int(with_query("limit", "7"), "limit", 1, 200);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(**given, 7);

  auto negative = query_int(with_query("before", "-1"), "before", 0);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(negative.error().message, "query parameter 'before' must be a whole number");

  auto text = query_int(with_query("offset", "ten"), "offset");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message, "query parameter 'offset' must be an integer");

  auto too_big = query_int(with_query("limit", "201"), "limit", 1, 200);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().message, "query parameter 'limit' must be a whole number from 1 to 200");
}

TEST(RouteKit, JsonBodiesRefuseUnknownFieldsAndMalformedText) {
  HttpRequest req;
  req.body = R"({"name":"x","dispaly_name":"y"})";
  auto typo = json_body(req, {"name", "display_name"});
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(typo.error().message.find("dispaly_name"), std::string::npos);

  req.body = "{not json";
  EXPECT_FALSE(json_body(req, {"name"}).ok());

  req.body = "";
  EXPECT_FALSE(json_body(req, {"name"}).ok());
  EXPECT_TRUE(json_body(req, {"name"}, /*allow_empty=*/true).ok());
}

TEST(RouteKit, RequiredIdFieldsArePositiveIntegers) {
  auto o = boost::json::parse(R"({"a":3,"b":0,"c":"3"})").as_object();
  EXPECT_EQ(*required_id_field(o, "a"), 3);
  EXPECT_EQ(required_id_field(o, "b").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(required_id_field(o, "c").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(required_id_field(o, "missing").error().message, "field 'missing' must be a positive integer");
}

Result<int> half_of(int n) {
  if (n % 2) return make_error(ErrorCode::invalid_argument, "odd");
  return n / 2;
}

Result<int> quarter_of(int n) {
  MERIDIAN_ASSIGN_OR_RETURN(int half, half_of(n));
  MERIDIAN_ASSIGN_OR_RETURN(auto quarter, half_of(half));
  return quarter;
}

TEST(RouteKit, AssignOrReturnPassesTheFirstErrorOn) {
  EXPECT_EQ(*quarter_of(8), 2);
  EXPECT_EQ(quarter_of(6).error().message, "odd");
  EXPECT_EQ(quarter_of(3).error().message, "odd");
}

TEST(RouteKit, AnswerMapsErrorsToTheirStatusInOnePlace) {
  auto handler = answer([](HttpRequest& req) -> Result<HttpResponse> {
    MERIDIAN_ASSIGN_OR_RETURN(auto id, path_id(req, "id"));
    if (id == 7) return make_error(ErrorCode::forbidden, "you may not change it");
    return json_ok(boost::json::object{{"id", id}});
  });
  HttpRequest req;
  req.path_params["id"] = "5";
  auto fine = handler(req);
  EXPECT_EQ(fine.status, 200);
  EXPECT_EQ(boost::json::parse(fine.body).at("id").as_int64(), 5);
  req.path_params["id"] = "7";
  EXPECT_EQ(handler(req).status, 403);
  req.path_params["id"] = "seven";
  auto missing = handler(req);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(boost::json::parse(missing.body).at("error").at("code").as_string(), "not_found");
}

TEST(RouteKit, AnswerSaysWhenARefusedCallerMayTryAgain) {
  auto handler = answer([](HttpRequest& req) -> Result<HttpResponse> {
    Error e = make_error(ErrorCode::rate_limited, "too many attempts");
    e.retry_after_seconds = req.path_param("wait") == "30" ? 30 : 0;
    return e;
  });
  HttpRequest req;
  req.path_params["wait"] = "30";
  auto limited = handler(req);
  EXPECT_EQ(limited.status, 429);
  auto header = std::find_if(limited.headers.begin(), limited.headers.end(),
                             [](const auto& h) { return h.first == "Retry-After"; });
  ASSERT_NE(header, limited.headers.end());
  EXPECT_EQ(header->second, "30");
  req.path_params["wait"] = "0";
  auto plain = handler(req);
  EXPECT_TRUE(
      std::none_of(plain.headers.begin(), plain.headers.end(), [](const auto& h) { return h.first == "Retry-After"; }));
}

class RecordingConnection final : public RealtimeConnection {
 public:
  std::uint64_t id() const override { return 1; }
  const Subject& subject() const override { return subject_; }
  void send(SharedText text) override { sent.push_back(*text); }
  void close(std::uint16_t, std::string) override {}
  std::vector<std::string> sent;

 private:
  Subject subject_;
};

TEST(RouteKit, WebSocketErrorsCarryTheRequestIdAndKeepTheConnection) {
  RecordingConnection conn;
  auto handler = answer_ws([](RealtimeConnection&, const boost::json::object& env) -> Result<void> {
    MERIDIAN_ASSIGN_OR_RETURN(auto id, required_id_field(env, "meeting_id"));
    (void)id;
    return {};
  });
  handler(conn, boost::json::parse(R"({"type":"meeting.leave","id":"r1","meeting_id":4})").as_object());
  EXPECT_TRUE(conn.sent.empty());
  handler(conn, boost::json::parse(R"({"type":"meeting.leave","id":"r2"})").as_object());
  ASSERT_EQ(conn.sent.size(), 1u);
  auto error = boost::json::parse(conn.sent[0]).as_object();
  EXPECT_EQ(error.at("type").as_string(), "error");
  EXPECT_EQ(error.at("id").as_string(), "r2");
  EXPECT_EQ(error.at("error").at("code").as_string(), "invalid_argument");
}

}  // namespace
}  // namespace meridian::net
