#include "net/streaming.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "net/http_types.hpp"

namespace meridian::net {
namespace {

using Kind = RangeRequest::Kind;

// The bytes a satisfiable header asks of `size` bytes, as "first-last" ("not partial" else).
std::string partial(std::string_view header, std::uint64_t size) {
  auto r = parse_range(header, size);
  if (r.kind != Kind::partial) return "not partial";
  return std::to_string(r.range.first) + "-" + std::to_string(r.range.last);
}

TEST(ParseRange, FirstToLast) {
  EXPECT_EQ(partial("bytes=0-9", 100), "0-9");
  EXPECT_EQ(parse_range("bytes=0-9", 100).range.length(), 10u);
}

TEST(ParseRange, OpenEndedRunsToTheEnd) { EXPECT_EQ(partial("bytes=90-", 100), "90-99"); }

TEST(ParseRange, LastBeyondTheEndIsClamped) { EXPECT_EQ(partial("bytes=50-1000", 100), "50-99"); }

TEST(ParseRange, SuffixTakesTheLastBytes) { EXPECT_EQ(partial("bytes=-10", 100), "90-99"); }

TEST(ParseRange, SuffixLongerThanTheContentIsTheWhole) { EXPECT_EQ(partial("bytes=-1000", 100), "0-99"); }

TEST(ParseRange, LastByteOnly) {
  EXPECT_EQ(partial("bytes=99-99", 100), "99-99");
  EXPECT_EQ(parse_range("bytes=99-99", 100).range.length(), 1u);
}

TEST(ParseRange, StartAtOrBeyondTheEndIsUnsatisfiable) {
  EXPECT_EQ(parse_range("bytes=100-", 100).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=100-200", 100).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-", 0).kind, Kind::unsatisfiable);
}

TEST(ParseRange, ZeroSuffixIsUnsatisfiable) {
  EXPECT_EQ(parse_range("bytes=-0", 100).kind, Kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-5", 0).kind, Kind::unsatisfiable);
}

TEST(ParseRange, MalformedOrUnsupportedIsIgnored) {
  for (const char* header : {"bytes=", "bytes=abc", "bytes=5-2", "items=0-1", "bytes=0-1,5-6", "bytes=-", "bytes=1-2-3",
                             "bytes=+1-2", "bytes=99999999999999999999-", "0-10"}) {
    EXPECT_EQ(parse_range(header, 100).kind, Kind::whole) << header;
  }
}

TEST(ParseRange, UnitIsCaseInsensitiveAndSpacesAreTolerated) { EXPECT_EQ(partial(" Bytes= 1 - 2 ", 100), "1-2"); }

TEST(EtagMatch, ExactWeakListAndStar) {
  EXPECT_TRUE(etag_matches_any("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches_any("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches_any("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches_any("*", "\"abc\""));
  EXPECT_FALSE(etag_matches_any("\"abd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches_any("abc", "\"abc\""));
}

TEST(ContentDisposition, AsciiNameIsQuotedAndEncoded) {
  EXPECT_EQ(content_disposition(Disposition::attachment, "report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
  EXPECT_EQ(content_disposition(Disposition::inline_, ""), "inline");
}

TEST(ContentDisposition, QuotesNewlinesAndUnicodeCanNotBreakTheHeader) {
  std::string v = content_disposition(Disposition::attachment, "a\"b\r\nSet-Cookie: x\\y/é.txt");
  EXPECT_EQ(v.find('\r'), std::string::npos);
  EXPECT_EQ(v.find('\n'), std::string::npos);
  EXPECT_EQ(v,
            "attachment; filename=\"a_b__Set-Cookie: x_y___.txt\"; "
            "filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%5Cy%2F%C3%A9.txt");
}

HttpRequest get(std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest req;
  req.method = "GET";
  req.headers = std::move(headers);
  return req;
}

std::string header(const HttpResponse& res, std::string_view name) {
  for (const auto& [k, v] : res.headers)
    if (k == name) return v;
  return {};
}

std::string drain(BodySource& source) {
  std::string out;
  char buf[3];
  while (true) {
    auto n = source.read(buf, sizeof buf);
    EXPECT_TRUE(n.ok());
    if (!n || *n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

class ServeContent : public ::testing::Test {
 protected:
  ServeContent() {
    info_.size = content_.size();
    info_.etag = "\"v1\"";
    info_.content_type = "text/plain";
    info_.filename = "a.txt";
  }
  HttpResponse serve(std::vector<std::pair<std::string, std::string>> headers) {
    return serve_content(get(std::move(headers)), info_, [this](std::uint64_t offset, std::uint64_t length) {
      opened_ = true;
      return Result<std::unique_ptr<BodySource>>(memory_source(content_.substr(offset, length)));
    });
  }
  std::string content_ = "0123456789";
  ContentInfo info_;
  bool opened_ = false;
};

TEST_F(ServeContent, WholeBodyWithValidators) {
  auto res = serve({});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(header(res, "ETag"), "\"v1\"");
  EXPECT_EQ(header(res, "Accept-Ranges"), "bytes");
  EXPECT_EQ(header(res, "Content-Disposition"), "attachment; filename=\"a.txt\"; filename*=UTF-8''a.txt");
  ASSERT_TRUE(res.source);
  EXPECT_EQ(drain(*res.source), content_);
}

TEST_F(ServeContent, RangeGives206WithContentRange) {
  auto res = serve({{"range", "bytes=2-4"}});
  EXPECT_EQ(res.status, 206);
  EXPECT_EQ(header(res, "Content-Range"), "bytes 2-4/10");
  ASSERT_TRUE(res.source);
  EXPECT_EQ(res.source->size(), 3u);
  EXPECT_EQ(drain(*res.source), "234");
}

TEST_F(ServeContent, UnsatisfiableRangeGives416WithoutOpening) {
  auto res = serve({{"range", "bytes=10-"}});
  EXPECT_EQ(res.status, 416);
  EXPECT_EQ(header(res, "Content-Range"), "bytes */10");
  EXPECT_FALSE(opened_);
  EXPECT_FALSE(res.source);
}

TEST_F(ServeContent, MatchingIfNoneMatchGives304WithoutOpening) {
  auto res = serve({{"if-none-match", "\"v1\""}, {"range", "bytes=0-1"}});
  EXPECT_EQ(res.status, 304);
  EXPECT_EQ(header(res, "ETag"), "\"v1\"");
  EXPECT_FALSE(opened_);
}

TEST_F(ServeContent, OtherIfNoneMatchServesTheBody) { EXPECT_EQ(serve({{"if-none-match", "\"v0\""}}).status, 200); }

TEST_F(ServeContent, StaleIfRangeSendsTheWholeBody) {
  auto res = serve({{"range", "bytes=2-4"}, {"if-range", "\"v0\""}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.source->size(), 10u);
  EXPECT_EQ(serve({{"range", "bytes=2-4"}, {"if-range", "\"v1\""}}).status, 206);
}

TEST_F(ServeContent, OwnContentSecurityPolicyIsSent) {
  info_.content_security_policy = "sandbox; default-src 'none'";
  EXPECT_EQ(header(serve({}), "Content-Security-Policy"), "sandbox; default-src 'none'");
}

}  // namespace
}  // namespace meridian::net
