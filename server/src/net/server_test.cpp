// The real server on port 0 against real Beast HTTP and WebSocket clients: requests,
// limits, static files, WebSockets and stopping.
#include "net/server_test_support.hpp"

namespace meridian::net {
namespace {

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  HttpClient client(port_);
  auto first = client.request(http::verb::get, "/api/echo?q=one");
  auto second = client.request(http::verb::get, "/api/echo?q=two+words");
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_EQ(json(first).at("q").as_string(), "one");
  EXPECT_EQ(json(second).at("q").as_string(), "two words");
  EXPECT_TRUE(second.keep_alive());
  EXPECT_EQ(second["Cache-Control"], "no-store");
  expect_security_headers(second);
}

TEST_F(ServerTest, BlockingRoutesDoNotStallTheIoThreads) {
  // As many slow requests as there are I/O threads: if they ran on the I/O threads, the
  // request that releases them could never be served (and the watchdog would fire).
  std::vector<std::future<int>> slow;
  for (int i = 0; i < options_.threads; ++i) {
    slow.push_back(std::async(std::launch::async, [this] {
      HttpClient client(port_);
      return static_cast<int>(client.request(http::verb::post, "/api/slow").result_int());
    }));
  }
  while (inside_slow_.load() < options_.threads) std::this_thread::sleep_for(1ms);
  HttpClient fast(port_);
  EXPECT_EQ(fast.request(http::verb::post, "/api/release").result_int(), 200);
  for (auto& f : slow) EXPECT_EQ(f.get(), 200);
}

// Defect 7 (issue 16): a burst of handshakes, and frames whose handlers wait for the store,
// stalled every other connection of their I/O thread. As many of them as there are I/O
// threads, waiting: if they ran on the I/O threads, the request that releases them could
// never be served (and the watchdog would fire).
TEST_F(ServerTest, WebSocketHandlersDoNotStallTheIoThreads) {
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < options_.threads; ++i) {
    clients.push_back(std::make_unique<WsClient>(port_));
    clients.back()->connect_with_token();
    clients.back()->send(R"({"type":"slow"})");
  }
  while (inside_slow_.load() < options_.threads) std::this_thread::sleep_for(1ms);
  HttpClient fast(port_);
  EXPECT_EQ(fast.request(http::verb::get, "/healthz").result_int(), 200);
  EXPECT_EQ(fast.request(http::verb::post, "/api/release").result_int(), 200);
  for (auto& client : clients) EXPECT_EQ(client->receive().at("type").as_string(), "slow.done");
}

TEST_F(ServerTest, HandshakesWaitingForTheStoreDoNotStallTheIoThreads) {
  std::vector<std::future<bool>> slow;
  for (int i = 0; i < options_.threads; ++i) {
    slow.push_back(std::async(std::launch::async, [this] {
      WsClient client(port_);
      beast::error_code ec;
      client.handshake(ec, std::string("Bearer ") + kSlowToken);
      if (ec) return false;
      // The connection works once accepted: a frame is answered.
      client.send(R"({"type":"nope"})");
      return client.receive().at("type").as_string() == "error";
    }));
  }
  while (inside_slow_.load() < options_.threads) std::this_thread::sleep_for(1ms);
  HttpClient fast(port_);
  EXPECT_EQ(fast.request(http::verb::get, "/healthz").result_int(), 200);
  EXPECT_EQ(fast.request(http::verb::post, "/api/release").result_int(), 200);
  for (auto& f : slow) EXPECT_TRUE(f.get());
}

TEST_F(ServerTest, UnknownApiRouteIsJson404) {
  HttpClient client(port_);
  auto res = client.request(http::verb::get, "/api/nope");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(error_code(res), "not_found");
  EXPECT_EQ(res["Content-Type"], "application/json");
  expect_security_headers(res);
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  HttpClient client(port_);
  auto res = client.request(http::verb::delete_, "/api/echo");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[http::field::allow], "GET");
  expect_security_headers(res);
}

TEST_F(ServerTest, MissingOrForgedTokenIs401WithChallenge) {
  HttpClient client(port_);
  auto missing = client.request(http::verb::get, "/api/me");
  EXPECT_EQ(missing.result_int(), 401);
  EXPECT_EQ(error_code(missing), "unauthenticated");
  EXPECT_EQ(missing[http::field::www_authenticate].substr(0, 6), "Bearer");
  auto forged = client.request(http::verb::get, "/api/me", {}, {{"Authorization", "Bearer forged"}});
  EXPECT_EQ(forged.result_int(), 401);
  EXPECT_EQ(forged[http::field::www_authenticate].substr(0, 6), "Bearer");
  expect_security_headers(forged);
  auto good = client.request(http::verb::get, "/api/me", {}, {{"Authorization", std::string("Bearer ") + kGoodToken}});
  EXPECT_EQ(good.result_int(), 200);
  EXPECT_EQ(json(good).at("user_id").as_int64(), 42);
}

TEST_F(ServerTest, BodyOverTheRouteLimitIs413) {
  {
    HttpClient client(port_);
    auto fits = client.request(http::verb::post, "/api/upload", std::string(1024, 'a'));
    EXPECT_EQ(fits.result_int(), 200);
    auto res = client.request(http::verb::post, "/api/upload", std::string(2048, 'a'));
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(error_code(res), "too_large");
    expect_security_headers(res);
    EXPECT_TRUE(client.closed_by_server());
  }
  {
    // Chunked: no Content-Length, the streamed body crosses the limit.
    HttpClient client(port_);
    std::string chunk(800, 'b');
    client.write_raw("POST /api/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    client.write_raw("320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    auto res = client.read_response();
    EXPECT_EQ(res.result_int(), 413);
  }
}

TEST_F(ServerTest, OversizedContentLengthIsRefusedBeforeTheBodyIsSent) {
  HttpClient client(port_);
  client.write_raw("POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(error_code(res), "too_large");
}

TEST_F(ServerTest, HeaderOverTheLimitIs431) {
  HttpClient client(port_);
  client.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(options_.max_header_bytes, 'h') +
                   "\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.result_int(), 431);
  expect_security_headers(res);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, MalformedRequestIs400AndClosed) {
  HttpClient client(port_);
  client.write_raw("THIS IS NOT HTTP\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.result_int(), 400);
  expect_security_headers(res);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, HandlerExceptionIs500AndServerStaysUp) {
  HttpClient client(port_);
  auto res = client.request(http::verb::get, "/api/boom");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(error_code(res), "internal");
  EXPECT_EQ(client.request(http::verb::get, "/healthz").result_int(), 200);
}

TEST_F(ServerTest, RequestIdIsEchoedOrGenerated) {
  HttpClient client(port_);
  auto echoed = client.request(http::verb::get, "/healthz", {}, {{"X-Request-Id", "abc-123_x.y"}});
  EXPECT_EQ(echoed["X-Request-Id"], "abc-123_x.y");
  auto replaced = client.request(http::verb::get, "/healthz", {}, {{"X-Request-Id", "bad id\"<script>"}});
  EXPECT_NE(replaced["X-Request-Id"], "bad id\"<script>");
  EXPECT_EQ(replaced["X-Request-Id"].size(), 32u);
  auto generated = client.request(http::verb::get, "/healthz");
  EXPECT_EQ(generated["X-Request-Id"].size(), 32u);
}

TEST_F(ServerTest, HealthReadinessAndMetrics) {
  HttpClient client(port_);
  auto health = client.request(http::verb::get, "/healthz");
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_EQ(json(health).at("status").as_string(), "ok");
  EXPECT_EQ(client.request(http::verb::get, "/readyz").result_int(), 200);
  ready_ = false;
  auto not_ready = client.request(http::verb::get, "/readyz");
  EXPECT_EQ(not_ready.result_int(), 503);
  expect_security_headers(not_ready);
  client.request(http::verb::get, "/api/echo");
  client.request(http::verb::get, "/api/nope");
  client.request(http::verb::get, "/index.html");
  auto metrics = client.request(http::verb::get, "/metrics");
  EXPECT_EQ(metrics.result_int(), 200);
  EXPECT_EQ(metrics[http::field::content_type], "text/plain; version=0.0.4");
  const std::string& text = metrics.body();
  EXPECT_NE(text.find(R"(meridian_http_requests_total{method="GET",route="/api/echo",status="200"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(meridian_http_requests_total{method="GET",route="/readyz",status="503"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(route="unmatched",status="404"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(route="static",status="200"} 1)"), std::string::npos);
  EXPECT_NE(text.find("meridian_http_request_duration_seconds_bucket{route=\"/api/echo\""), std::string::npos);
  EXPECT_NE(text.find("meridian_http_connections 1"), std::string::npos);
}

// --- Static files ---------------------------------------------------------------------

TEST_F(ServerTest, StaticFilesHaveTypesAndCachePolicy) {
  HttpClient client(port_);
  auto index = client.request(http::verb::get, "/");
  EXPECT_EQ(index.result_int(), 200);
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(index[http::field::cache_control], "no-cache");
  EXPECT_EQ(index.body(), "<!doctype html><title>Meridian</title>");
  expect_security_headers(index);

  auto js = client.request(http::verb::get, "/main-ABCD1234.js");
  EXPECT_EQ(js[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(js[http::field::cache_control], "public, max-age=31536000, immutable");
  expect_security_headers(js);

  EXPECT_EQ(client.request(http::verb::get, "/styles.css")[http::field::content_type], "text/css; charset=utf-8");
  EXPECT_EQ(client.request(http::verb::get, "/assets/logo.svg")[http::field::content_type], "image/svg+xml");
  EXPECT_EQ(client.request(http::verb::get, "/favicon.ico")[http::field::content_type], "image/x-icon");
  EXPECT_EQ(client.request(http::verb::get, "/manifest.webmanifest")[http::field::content_type],
            "application/manifest+json");

  http::request<http::empty_body> head{http::verb::head, "/styles.css", 11};
  head.set(http::field::host, "localhost");
  client.write_raw("HEAD /styles.css HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head_res = client.read_response(true);
  EXPECT_EQ(head_res.result_int(), 200);
  EXPECT_EQ(head_res[http::field::content_length], "6");
  EXPECT_TRUE(head_res.body().empty());
  EXPECT_EQ(client.request(http::verb::get, "/healthz").result_int(), 200);  // the stream is still in sync
}

TEST_F(ServerTest, SpaFallbackServesIndexForClientRoutesOnly) {
  HttpClient client(port_);
  auto route = client.request(http::verb::get, "/admin/users");
  EXPECT_EQ(route.result_int(), 200);
  EXPECT_EQ(route.body(), "<!doctype html><title>Meridian</title>");
  EXPECT_EQ(route[http::field::cache_control], "no-cache");
  auto missing = client.request(http::verb::get, "/missing-file.js");
  EXPECT_EQ(missing.result_int(), 404);
  expect_security_headers(missing);
}

TEST_F(ServerTest, TraversalNeverLeavesTheWebRoot) {
  write(base_ / "secret.txt", "TOP SECRET");
  for (const char* target :
       {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/assets/..%5c..%5cetc%5cpasswd",
        "/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"}) {
    HttpClient client(port_);
    auto res = client.request(http::verb::get, target);
    EXPECT_EQ(res.result_int(), 404) << target;
    EXPECT_EQ(res.body().find("root:"), std::string::npos) << target;
    EXPECT_EQ(res.body().find("TOP SECRET"), std::string::npos) << target;
    expect_security_headers(res);
  }
}

// --- WebSocket ------------------------------------------------------------------------

TEST_F(ServerTest, WebSocketWithoutTokenIsRefusedWith401) {
  WsClient ws(port_);
  beast::error_code ec;
  auto res = ws.handshake(ec);
  EXPECT_EQ(ec, websocket::error::upgrade_declined);
  EXPECT_EQ(res.result_int(), 401);
  EXPECT_EQ(res[http::field::www_authenticate].substr(0, 6), "Bearer");

  WsClient forged(port_);
  res = forged.handshake(ec, "Bearer forged");
  EXPECT_EQ(ec, websocket::error::upgrade_declined);
  EXPECT_EQ(res.result_int(), 401);
}

TEST_F(ServerTest, WebSocketAcceptsHeaderOrSubprotocolToken) {
  WsClient header(port_);
  beast::error_code ec;
  header.handshake(ec, std::string("Bearer ") + kGoodToken);
  ASSERT_FALSE(ec) << ec.message();

  WsClient browser(port_);
  auto res = browser.handshake(ec, {}, std::string("meridian.v1, bearer.") + kGoodToken);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res[http::field::sec_websocket_protocol], "meridian.v1");
  browser.send(R"({"type":"ping","id":"b1"})");
  EXPECT_EQ(browser.receive().at("type").as_string(), "pong");
}

TEST_F(ServerTest, PingMalformedAndUnknownEnvelopes) {
  WsClient ws(port_);
  ws.connect_with_token();
  ws.send(R"({"type":"ping","id":"42"})");
  auto pong = ws.receive();
  EXPECT_EQ(pong.at("type").as_string(), "pong");
  EXPECT_EQ(pong.at("id").as_string(), "42");

  ws.send("{oops");
  auto malformed = ws.receive();
  EXPECT_EQ(malformed.at("type").as_string(), "error");
  EXPECT_EQ(malformed.at("error").at("code").as_string(), "invalid_argument");
  EXPECT_EQ(std::string(malformed.at("error").at("message").as_string()).rfind("malformed JSON", 0), 0u);

  ws.send(R"({"type":"teleport","id":"t"})");
  auto unknown = ws.receive();
  EXPECT_EQ(unknown.at("error").at("code").as_string(), "unknown_type");
  EXPECT_EQ(unknown.at("id").as_string(), "t");

  ws.send(R"({"type":"ping","id":"after"})");
  EXPECT_EQ(ws.receive().at("id").as_string(), "after");
  EXPECT_EQ(hub_.connection_count(), 1u);
}

TEST_F(ServerTest, FrameOverTheLimitClosesWith1009) {
  WsClient ws(port_);
  ws.connect_with_token();
  beast::error_code ec;
  std::string big(options_.ws_max_frame_bytes + 1, 'x');
  ws.stream().write(asio::buffer(big), ec);
  EXPECT_EQ(ws.read_until_closed(), websocket::close_code::too_big);
}

TEST_F(ServerTest, ClientThatDoesNotReadIsClosedWith1008) {
  WsClient slow(port_);
  slow.connect_with_token();
  slow.send(R"({"type":"flood","count":200,"size":65536})");
  std::this_thread::sleep_for(300ms);  // not reading while the server floods

  WsClient other(port_);
  other.connect_with_token();
  other.send(R"({"type":"ping","id":"still-up"})");
  EXPECT_EQ(other.receive().at("id").as_string(), "still-up");

  EXPECT_EQ(slow.read_until_closed(), websocket::close_code::policy_error);
  EXPECT_EQ(slow.stream().reason().reason, "send queue overflow");
  other.send(R"({"type":"ping","id":"again"})");
  EXPECT_EQ(other.receive().at("id").as_string(), "again");
}

TEST_F(ServerTest, AWebSocketClosesWith1008WhenItsSessionExpires) {
  WsClient ws(port_);
  beast::error_code ec;
  ws.handshake(ec, std::string("Bearer ") + kShortToken);
  ASSERT_FALSE(ec) << ec.message();
  WsClient forever(port_);
  forever.connect_with_token();
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(ws.read_until_closed(), websocket::close_code::policy_error);
  EXPECT_EQ(ws.stream().reason().reason, "session expired");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
  forever.send(R"({"type":"ping","id":"still"})");
  EXPECT_EQ(forever.receive().at("id").as_string(), "still") << "a session without an end stays open";
}

TEST_F(ServerTest, StopClosesWebSocketsWith1001AndWaitReturnsWithinGrace) {
  WsClient ws(port_);
  ws.connect_with_token();
  HttpClient idle(port_);
  EXPECT_EQ(idle.request(http::verb::get, "/healthz").result_int(), 200);

  auto began = std::chrono::steady_clock::now();
  std::thread waiter([this] { server_->wait(); });
  server_->stop();
  EXPECT_EQ(ws.read_until_closed(), websocket::close_code::going_away);
  EXPECT_TRUE(idle.closed_by_server());
  waiter.join();
  EXPECT_LT(std::chrono::steady_clock::now() - began, options_.shutdown_grace);
}

// Until the listener refuses connections (the stop has begun), then a little longer: the I/O
// threads finish what else they had and would return from run() if nothing counted as work.
void wait_until_the_stop_has_begun(std::uint16_t port) {
  for (;;) {
    asio::io_context ioc;
    tcp::socket probe(ioc);
    beast::error_code ec;
    probe.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) break;
    std::this_thread::sleep_for(5ms);
  }
  std::this_thread::sleep_for(200ms);
}

// Work on a pool when the server stops still comes back and is answered. Nothing else keeps
// the I/O threads busy by then (the listener is closed, the session has no socket operation
// pending), and an I/O context without work returns from run(): before, the finished work
// was queued on a context nobody ran, the answer was never written and the session hung
// until it was cut after the grace (CI saw the handshake case: 1006 and a 6 s stop).
TEST_F(ServerTest, AHandshakeWaitingForTheStoreWhenTheServerStopsIsAnsweredThenClosedWith1001) {
  auto closed_with = std::async(std::launch::async, [this] {
    WsClient client(port_);
    beast::error_code ec;
    client.handshake(ec, std::string("Bearer ") + kSlowToken);
    return ec ? std::uint16_t{0} : client.read_until_closed();
  });
  while (inside_slow_.load() < 1) std::this_thread::sleep_for(1ms);
  std::thread waiter([this] { server_->wait(); });
  server_->stop();
  wait_until_the_stop_has_begun(port_);
  gate_.set_value();
  EXPECT_EQ(closed_with.get(), websocket::close_code::going_away);
  waiter.join();
}

TEST_F(ServerTest, ABlockingRequestStillRunningWhenTheServerStopsIsAnswered) {
  auto status = std::async(std::launch::async, [this] {
    HttpClient client(port_);
    return static_cast<int>(client.request(http::verb::post, "/api/slow").result_int());
  });
  while (inside_slow_.load() < 1) std::this_thread::sleep_for(1ms);
  std::thread waiter([this] { server_->wait(); });
  server_->stop();
  wait_until_the_stop_has_begun(port_);
  gate_.set_value();
  EXPECT_EQ(status.get(), 200);
  waiter.join();
}

}  // namespace
}  // namespace meridian::net
