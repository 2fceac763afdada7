// The real server on port 0 against real Beast HTTP and WebSocket clients.
#include "net/server.hpp"

#include <gtest/gtest.h>

#include <future>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"

namespace meridian::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kGoodToken = "good-token";
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

// Sync clients have no timeouts: a hung test aborts instead of blocking the build.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit)
      : thread_([this, limit] {
          std::unique_lock lock(mutex_);
          if (!cv_.wait_for(lock, limit, [this] { return done_; })) {
            std::cerr << "server_test: watchdog fired, a test hung\n";
            std::abort();
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

using Response = http::response<http::string_body>;

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  Response request(http::verb method, const std::string& target, std::string body = {},
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    for (auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket_, req);
    return read_response();
  }

  Response read_response(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(head);
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  void write_raw(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  // True when the server closed the connection.
  bool closed_by_server() {
    char byte;
    beast::error_code ec;
    socket_.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class WsClient {
 public:
  explicit WsClient(std::uint16_t port) : ws_(ioc_) {
    ws_.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  // Returns the handshake response; `ec` is set when the upgrade was refused.
  websocket::response_type handshake(beast::error_code& ec, std::string authorization = {},
                                     std::string protocols = {}) {
    ws_.set_option(websocket::stream_base::decorator([authorization, protocols](websocket::request_type& req) {
      if (!authorization.empty()) req.set(http::field::authorization, authorization);
      if (!protocols.empty()) req.set(http::field::sec_websocket_protocol, protocols);
    }));
    websocket::response_type res;
    ws_.handshake(res, "localhost", "/ws", ec);
    return res;
  }

  void connect_with_token() {
    beast::error_code ec;
    handshake(ec, std::string("Bearer ") + kGoodToken);
    ASSERT_FALSE(ec) << ec.message();
  }

  void send(const std::string& text) { ws_.write(asio::buffer(text)); }

  boost::json::object receive() {
    beast::flat_buffer buffer;
    ws_.read(buffer);
    return boost::json::parse(beast::buffers_to_string(buffer.data())).as_object();
  }

  // Reads (discarding messages) until the server closes; returns the close code.
  std::uint16_t read_until_closed() {
    beast::flat_buffer buffer;
    while (true) {
      beast::error_code ec;
      ws_.read(buffer, ec);
      buffer.clear();
      if (ec == websocket::error::closed) return ws_.reason().code;
      if (ec) return 0;
    }
  }

  websocket::stream<tcp::socket>& stream() { return ws_; }

 private:
  asio::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_level(log::Level::warn);
    base_ = fs::temp_directory_path() /
            ("meridian-server-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "web" / "assets");
    write(base_ / "web" / "index.html", "<!doctype html><title>Meridian</title>");
    write(base_ / "web" / "main-ABCD1234.js", "console.log(1)");
    write(base_ / "web" / "styles.css", "body{}");
    write(base_ / "web" / "assets" / "logo.svg", "<svg/>");
    write(base_ / "web" / "favicon.ico", "ico");
    write(base_ / "web" / "manifest.webmanifest", "{}");

    router_.add("GET", "/api/echo", [](HttpRequest& req) {
      return HttpResponse::json(200, R"({"q":")" + req.query_param("q").value_or("") + "\"}");
    }, {Auth::none});
    router_.add("GET", "/api/me", [](HttpRequest& req) {
      return HttpResponse::json(200, "{\"user_id\":" + std::to_string(req.subject->user_id) + "}");
    });
    router_.add("POST", "/api/upload", [](HttpRequest& req) {
      return HttpResponse::json(200, "{\"size\":" + std::to_string(req.body.size()) + "}");
    }, {Auth::none, 1024});
    router_.add("GET", "/api/boom", [](HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); },
                {Auth::none});
    router_.add("POST", "/api/slow", [this](HttpRequest&) {
      ++inside_slow_;
      gate_opened_.wait();
      return HttpResponse::json(200, "{}");
    }, {Auth::none, 1024, true});
    router_.add("POST", "/api/release", [this](HttpRequest&) {
      gate_.set_value();
      return HttpResponse::json(200, "{}");
    }, {Auth::none});

    hub_.on("flood", [](RealtimeConnection& conn, const boost::json::object& envelope) {
      auto count = envelope.at("count").to_number<int>();
      auto size = envelope.at("size").to_number<std::size_t>();
      for (int i = 0; i < count; ++i) conn.send(std::string(size, 'x'));
    });

    options_.address = "127.0.0.1";
    options_.port = 0;
    options_.threads = 2;
    options_.web_root = (base_ / "web").string();
    options_.ws_max_frame_bytes = 4096;
    options_.ws_max_queued_messages = 8;
    options_.ws_max_queued_bytes = 256 * 1024;
    options_.shutdown_grace = 3s;
    start();
  }

  void start() {
    server_ = std::make_unique<Server>(
        options_, router_, hub_,
        [](std::string_view token, std::string_view) -> Result<Subject> {
          if (token != kGoodToken) return make_error(ErrorCode::unauthenticated, "invalid token");
          Subject s;
          s.user_id = 42;
          return s;
        },
        [this] { return ready_.load(); }, metrics_);
    auto port = server_->start();
    ASSERT_TRUE(port.ok());
    port_ = *port;
  }

  void TearDown() override {
    server_->stop();
    server_->wait();
    server_.reset();
    fs::remove_all(base_);
  }

  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  static boost::json::object json(const Response& res) { return boost::json::parse(res.body()).as_object(); }
  static std::string error_code(const Response& res) {
    return std::string(json(res).at("error").at("code").as_string());
  }
  static void expect_security_headers(const Response& res) {
    EXPECT_EQ(res["Content-Security-Policy"], kCsp);
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(res["X-Frame-Options"], "DENY");
    EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
  }

  Watchdog watchdog_{60s};
  fs::path base_;
  Router router_;
  RealtimeHub hub_;
  Metrics metrics_;
  std::atomic<bool> ready_{true};
  std::atomic<int> inside_slow_{0};
  std::promise<void> gate_;
  std::shared_future<void> gate_opened_ = gate_.get_future().share();
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
};

// --- HTTP -------------------------------------------------------------------------

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
  EXPECT_NE(text.find(R"(meridian_http_requests_total{method="GET",route="/api/echo",status="200"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(meridian_http_requests_total{method="GET",route="/readyz",status="503"} 1)"), std::string::npos);
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
  for (const char* target : {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd",
                             "/assets/..%5c..%5cetc%5cpasswd", "/../secret.txt", "/%2e%2e/secret.txt",
                             "/assets/../../secret.txt"}) {
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

}  // namespace
}  // namespace meridian::net
