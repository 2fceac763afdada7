// The real server on port 0: streamed request bodies and downloads.
#include "net/server_test_support.hpp"

namespace meridian::net {
namespace {

// Its own suite: GoogleTest wants one fixture class per suite, and ServerTest lives in an
// anonymous namespace in each file that includes the fixture.
class StreamingServerTest : public ServerTest {};

// --- Streaming -------------------------------------------------------------------

TEST_F(StreamingServerTest, StreamingRouteReceivesTheBodyInChunks) {
  for (const char* path : {"/api/stream", "/api/stream-blocking"}) {
    HttpClient client(port_);
    std::string body = pattern_bytes(1000 * 1000);
    auto res = client.request(http::verb::post, path, body);
    ASSERT_EQ(res.result_int(), 200) << path;
    EXPECT_EQ(json(res).at("size").as_int64(), 1000 * 1000);
    EXPECT_GE(json(res).at("chunks").as_int64(), 4);  // never the whole body at once
    EXPECT_EQ(json(res).at("sum").to_number<std::uint64_t>(), checksum(body));
    // The connection stays usable.
    EXPECT_EQ(client.request(http::verb::post, path, "abc").result_int(), 200);
  }
  EXPECT_EQ(aborted_sinks_.load(), 0);
}

// Body bytes sent together with the header, a body ending in the same packet as the next
// (pipelined) request, and a chunked body larger than one chunk: each reaches the sink
// byte-exact and the connection goes on with the next request.
TEST_F(StreamingServerTest, StreamedBodiesArriveExactWithPipelinedRequests) {
  for (const char* path : {"/api/stream", "/api/stream-blocking"}) {
    HttpClient client(port_);
    const std::string body = pattern_bytes(300 * 1000 + 7);
    const std::string small = "tiny body";
    client.write_raw(std::string("POST ") + path +
                     " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body +
                     "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(small.size()) +
                     "\r\n\r\n" + small + "GET /api/echo?q=after HTTP/1.1\r\nHost: x\r\n\r\n");
    auto first = client.read_response();
    ASSERT_EQ(first.result_int(), 200) << path;
    EXPECT_EQ(json(first).at("size").as_int64(), static_cast<std::int64_t>(body.size()));
    EXPECT_EQ(json(first).at("sum").to_number<std::uint64_t>(), checksum(body));
    auto second = client.read_response();
    ASSERT_EQ(second.result_int(), 200) << path;
    EXPECT_EQ(json(second).at("sum").to_number<std::uint64_t>(), checksum(small));
    EXPECT_EQ(json(second).at("chunks").as_int64(), 1);
    EXPECT_EQ(client.read_response().result_int(), 200);

    std::string chunked = std::string("POST ") + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string piece = pattern_bytes(100 * 1000);
    std::string all;
    for (int i = 0; i < 4; ++i) {
      chunked += "186a0\r\n" + piece + "\r\n";
      all += piece;
    }
    client.write_raw(chunked + "0\r\n\r\n");
    auto third = client.read_response();
    ASSERT_EQ(third.result_int(), 200) << path;
    EXPECT_EQ(json(third).at("size").as_int64(), static_cast<std::int64_t>(all.size()));
    EXPECT_GE(json(third).at("chunks").as_int64(), 4);
    EXPECT_EQ(json(third).at("sum").to_number<std::uint64_t>(), checksum(all));
  }
  EXPECT_EQ(aborted_sinks_.load(), 0);
}

// No timer per read: a client sending slowly but steadily for longer than the idle
// timeout is served; one that stops sending mid-body is dropped after about the idle
// timeout and its sink discards.
TEST_F(StreamingServerTest, StreamedBodyIdleTimeoutCountsOnlyStalls) {
  server_->stop();
  server_->wait();
  options_.http_idle_timeout = 1s;
  start();
  {
    HttpClient slow(port_);
    slow.write_raw("POST /api/stream-blocking HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
    for (int i = 0; i < 10; ++i) {
      std::this_thread::sleep_for(300ms);  // 3 s in all, three idle timeouts
      slow.write_raw("x");
    }
    auto res = slow.read_response();
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(json(res).at("size").as_int64(), 10);
  }
  HttpClient stalled(port_);
  stalled.write_raw("POST /api/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + std::string(10, 'y'));
  const auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(stalled.closed_by_server());
  const auto waited = std::chrono::steady_clock::now() - began;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 5s);
  for (int i = 0; i < 200 && aborted_sinks_.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(aborted_sinks_.load(), 1);
}

TEST_F(StreamingServerTest, StreamingRouteAcceptsChunkedTransferEncoding) {
  HttpClient client(port_);
  client.write_raw(
      "POST /api/stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto res = client.read_response();
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(json(res).at("size").as_int64(), 11);
  EXPECT_EQ(json(res).at("sum").to_number<std::uint64_t>(), checksum("hello world"));
}

TEST_F(StreamingServerTest, StreamingRouteRefusesFromTheHeaderBeforeTheBodyIsSent) {
  HttpClient client(port_);
  // Expect: 100-continue: the refusal comes instead of "100 Continue", no body is sent.
  client.write_raw(
      "POST /api/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\nExpect: 100-continue\r\n"
      "X-Refuse: 1\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(error_code(res), "quota_exceeded");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(aborted_sinks_.load(), 0);  // no sink was ever made
}

TEST_F(StreamingServerTest, StreamingRouteDeclaredLengthOverTheLimitIs413BeforeTheHandler) {
  HttpClient client(port_);
  client.write_raw("POST /api/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(aborted_sinks_.load(), 0);
}

TEST_F(StreamingServerTest, SinkRefusalMidBodyStopsAndDiscards) {
  HttpClient client(port_);
  auto res = client.request(http::verb::post, "/api/stream", pattern_bytes(900 * 1000), {{"X-Stop-After", "300000"}});
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(error_code(res), "quota_exceeded");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(aborted_sinks_.load(), 1);
}

TEST_F(StreamingServerTest, ChunkedBodyOverTheRouteLimitIs413AndTheSinkDiscards) {
  HttpClient client(port_);
  std::string chunk(512 * 1024, 'a');
  std::string raw = "POST /api/stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) raw += "80000\r\n" + chunk + "\r\n";
  raw += "0\r\n\r\n";
  std::thread writer([&] {
    try {
      client.write_raw(raw);
    } catch (...) {
    }
  });
  auto res = client.read_response();
  writer.join();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(aborted_sinks_.load(), 1);
}

TEST_F(StreamingServerTest, ClientGoneMidBodyDiscardsTheSink) {
  {
    HttpClient client(port_);
    client.write_raw("POST /api/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + std::string(1000, 'x'));
  }
  for (int i = 0; i < 500 && aborted_sinks_.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(aborted_sinks_.load(), 1);
}

TEST_F(StreamingServerTest, AStreamedBodyStillArrivingAfterTheGraceIsCutBeforeWaitReturns) {
  // The application's objects (storage) go once wait() returns: a sink left to the I/O
  // context's destruction would end after them.
  HttpClient plain(port_);
  HttpClient blocking(port_);
  plain.write_raw("POST /api/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + std::string(1000, 'x'));
  blocking.write_raw("POST /api/stream-blocking HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                     std::string(1000, 'x'));
  std::this_thread::sleep_for(200ms);
  const auto began = std::chrono::steady_clock::now();
  std::thread waiter([this] { server_->wait(); });
  server_->stop();
  waiter.join();
  EXPECT_EQ(aborted_sinks_.load(), 2) << "both sinks were dropped (as if their clients had gone) within wait()";
  EXPECT_LT(std::chrono::steady_clock::now() - began, options_.shutdown_grace + options_.shutdown_abort_grace);
}

TEST_F(StreamingServerTest, StreamedDownloadIsByteExact) {
  HttpClient client(port_);
  auto res = client.request(http::verb::get, "/api/download");
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), download_);
  EXPECT_EQ(res["Content-Length"], std::to_string(download_.size()));
  EXPECT_EQ(res["ETag"], "\"d1\"");
  EXPECT_EQ(res["Accept-Ranges"], "bytes");
  EXPECT_EQ(res["Content-Disposition"], "attachment; filename=\"data.bin\"; filename*=UTF-8''data.bin");
  // Keep-alive after a streamed body.
  EXPECT_EQ(client.request(http::verb::get, "/api/echo?q=x").result_int(), 200);
}

TEST_F(StreamingServerTest, StreamedDownloadRanges) {
  HttpClient client(port_);
  const auto size = download_.size();
  auto mid = client.request(http::verb::get, "/api/download", {}, {{"Range", "bytes=1000-300000"}});
  ASSERT_EQ(mid.result_int(), 206);
  EXPECT_EQ(mid["Content-Range"], "bytes 1000-300000/" + std::to_string(size));
  EXPECT_EQ(mid.body(), download_.substr(1000, 299001));

  auto tail = client.request(http::verb::get, "/api/download", {}, {{"Range", "bytes=-17"}});
  ASSERT_EQ(tail.result_int(), 206);
  EXPECT_EQ(tail.body(), download_.substr(size - 17));

  auto last =
      client.request(http::verb::get, "/api/download", {}, {{"Range", "bytes=" + std::to_string(size - 1) + "-"}});
  ASSERT_EQ(last.result_int(), 206);
  EXPECT_EQ(last.body(), download_.substr(size - 1));

  auto beyond =
      client.request(http::verb::get, "/api/download", {}, {{"Range", "bytes=" + std::to_string(size) + "-"}});
  EXPECT_EQ(beyond.result_int(), 416);
  EXPECT_EQ(beyond["Content-Range"], "bytes */" + std::to_string(size));

  auto multi = client.request(http::verb::get, "/api/download", {}, {{"Range", "bytes=0-1,4-5"}});
  EXPECT_EQ(multi.result_int(), 200);
  EXPECT_EQ(multi.body().size(), size);

  auto cached = client.request(http::verb::get, "/api/download", {}, {{"If-None-Match", "\"d1\""}});
  EXPECT_EQ(cached.result_int(), 304);
  EXPECT_TRUE(cached.body().empty());
  EXPECT_EQ(cached["ETag"], "\"d1\"");
}

TEST_F(StreamingServerTest, HeadOfAStreamedDownloadSendsOnlyTheLength) {
  HttpClient client(port_);
  http::request<http::empty_body> req{http::verb::head, "/api/download", 11};
  req.set(http::field::host, "x");
  std::ostringstream raw;
  raw << req;
  client.write_raw(raw.str());
  auto res = client.read_response(true);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res["Content-Length"], std::to_string(download_.size()));
  EXPECT_EQ(client.request(http::verb::get, "/api/echo?q=x").result_int(), 200);
}

}  // namespace
}  // namespace meridian::net
