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
#include <sstream>
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
#include "net/streaming.hpp"

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
// A session that ends 700 ms after it is presented.
constexpr const char* kShortToken = "short-token";
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
    base_ = fs::temp_directory_path() / ("meridian-server-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "web" / "assets");
    write(base_ / "web" / "index.html", "<!doctype html><title>Meridian</title>");
    write(base_ / "web" / "main-ABCD1234.js", "console.log(1)");
    write(base_ / "web" / "styles.css", "body{}");
    write(base_ / "web" / "assets" / "logo.svg", "<svg/>");
    write(base_ / "web" / "favicon.ico", "ico");
    write(base_ / "web" / "manifest.webmanifest", "{}");

    router_.add("GET", "/api/echo",
                [](HttpRequest& req) {
                  return HttpResponse::json(200, R"({"q":")" + req.query_param("q").value_or("") + "\"}");
                },
                {Auth::none});
    router_.add("GET", "/api/me", [](HttpRequest& req) {
      return HttpResponse::json(200, "{\"user_id\":" + std::to_string(req.subject->user_id) + "}");
    });
    router_.add(
        "POST", "/api/upload",
        [](HttpRequest& req) { return HttpResponse::json(200, "{\"size\":" + std::to_string(req.body.size()) + "}"); },
        {Auth::none, 1024});
    router_.add("GET", "/api/boom", [](HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); },
                {Auth::none});
    router_.add("POST", "/api/slow",
                [this](HttpRequest&) {
                  ++inside_slow_;
                  gate_opened_.wait();
                  return HttpResponse::json(200, "{}");
                },
                {Auth::none, 1024, true});
    router_.add("POST", "/api/release",
                [this](HttpRequest&) {
                  gate_.set_value();
                  return HttpResponse::json(200, "{}");
                },
                {Auth::none});

    add_streaming_routes();

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
    options_.stream_chunk_bytes = 128 * 1024;
    start();
  }

  // A sink that counts bytes and chunks and a checksum; refuses when asked to.
  class CountingSink final : public BodySink {
   public:
    CountingSink(ServerTest& test, std::uint64_t stop_after) : test_(test), stop_after_(stop_after) {}
    ~CountingSink() override {
      if (!finished_) ++test_.aborted_sinks_;
    }
    std::optional<HttpResponse> write(std::string_view chunk) override {
      size_ += chunk.size();
      ++chunks_;
      for (unsigned char c : chunk) sum_ = sum_ * 31 + c;
      if (stop_after_ && size_ > stop_after_) return HttpResponse::error(413, "quota_exceeded", "over quota");
      return std::nullopt;
    }
    HttpResponse finish() override {
      finished_ = true;
      return HttpResponse::json(200, "{\"size\":" + std::to_string(size_) + ",\"chunks\":" + std::to_string(chunks_) +
                                         ",\"sum\":" + std::to_string(sum_) + "}");
    }

   private:
    ServerTest& test_;
    std::uint64_t stop_after_;
    std::uint64_t size_ = 0;
    std::uint64_t chunks_ = 0;
    std::uint64_t sum_ = 0;
    bool finished_ = false;
  };

  static std::uint64_t checksum(const std::string& bytes) {
    std::uint64_t sum = 0;
    for (unsigned char c : bytes) sum = sum * 31 + c;
    return sum;
  }

  static std::string pattern_bytes(std::size_t n) {
    std::string out(n, '\0');
    std::uint32_t x = 12345;
    for (auto& c : out) {
      x = x * 1103515245u + 12345u;
      c = static_cast<char>(x >> 24);
    }
    return out;
  }

  void add_streaming_routes() {
    for (bool blocking : {false, true}) {
      RouteOptions options{Auth::none, 1024 * 1024, blocking};
      router_.add_streaming(
          "POST", blocking ? "/api/stream-blocking" : "/api/stream",
          [this](HttpRequest& req) {
            if (!req.header("x-refuse").empty())
              return answer_now(HttpResponse::error(413, "quota_exceeded", "over quota"));
            std::uint64_t stop_after = 0;
            if (auto v = req.header("x-stop-after"); !v.empty()) stop_after = std::stoull(std::string(v));
            BodyStart start;
            start.sink = std::make_unique<CountingSink>(*this, stop_after);
            return start;
          },
          options);
    }
    router_.add("GET", "/api/download",
                [this](HttpRequest& req) {
                  ContentInfo info;
                  info.size = download_.size();
                  info.etag = "\"d1\"";
                  info.content_type = "application/octet-stream";
                  info.filename = "data.bin";
                  return serve_content(req, info, [this](std::uint64_t offset, std::uint64_t length) {
                    return Result<std::unique_ptr<BodySource>>(memory_source(download_.substr(offset, length)));
                  });
                },
                {Auth::none});
  }

  void start() {
    server_ = std::make_unique<Server>(
        options_, router_, hub_,
        [](std::string_view token, std::string_view) -> Result<Subject> {
          Subject s;
          s.user_id = 42;
          if (token == kShortToken) {
            s.expires_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                               (std::chrono::system_clock::now() + 700ms).time_since_epoch())
                               .count();
            return s;
          }
          if (token != kGoodToken) return make_error(ErrorCode::unauthenticated, "invalid token");
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
  std::atomic<int> aborted_sinks_{0};
  std::string download_ = pattern_bytes(3 * 1024 * 1024 + 17);
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

}  // namespace
}  // namespace meridian::net

namespace meridian::net {
namespace {

// --- Streaming -------------------------------------------------------------------

TEST_F(ServerTest, StreamingRouteReceivesTheBodyInChunks) {
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
TEST_F(ServerTest, StreamedBodiesArriveExactWithPipelinedRequests) {
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
TEST_F(ServerTest, StreamedBodyIdleTimeoutCountsOnlyStalls) {
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

TEST_F(ServerTest, StreamingRouteAcceptsChunkedTransferEncoding) {
  HttpClient client(port_);
  client.write_raw(
      "POST /api/stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto res = client.read_response();
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(json(res).at("size").as_int64(), 11);
  EXPECT_EQ(json(res).at("sum").to_number<std::uint64_t>(), checksum("hello world"));
}

TEST_F(ServerTest, StreamingRouteRefusesFromTheHeaderBeforeTheBodyIsSent) {
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

TEST_F(ServerTest, StreamingRouteDeclaredLengthOverTheLimitIs413BeforeTheHandler) {
  HttpClient client(port_);
  client.write_raw("POST /api/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n");
  auto res = client.read_response();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(aborted_sinks_.load(), 0);
}

TEST_F(ServerTest, SinkRefusalMidBodyStopsAndDiscards) {
  HttpClient client(port_);
  auto res = client.request(http::verb::post, "/api/stream", pattern_bytes(900 * 1000), {{"X-Stop-After", "300000"}});
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(error_code(res), "quota_exceeded");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(aborted_sinks_.load(), 1);
}

TEST_F(ServerTest, ChunkedBodyOverTheRouteLimitIs413AndTheSinkDiscards) {
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

TEST_F(ServerTest, ClientGoneMidBodyDiscardsTheSink) {
  {
    HttpClient client(port_);
    client.write_raw("POST /api/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + std::string(1000, 'x'));
  }
  for (int i = 0; i < 500 && aborted_sinks_.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(aborted_sinks_.load(), 1);
}

TEST_F(ServerTest, AStreamedBodyStillArrivingAfterTheGraceIsCutBeforeWaitReturns) {
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

TEST_F(ServerTest, StreamedDownloadIsByteExact) {
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

TEST_F(ServerTest, StreamedDownloadRanges) {
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

TEST_F(ServerTest, HeadOfAStreamedDownloadSendsOnlyTheLength) {
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
