// The real server on port 0 against real Beast HTTP and WebSocket clients: the fixture
// (a server with test routes) and the clients, shared by server_test.cpp and
// server_streaming_test.cpp.
#pragma once
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
// A token whose lookup waits until /api/release, like a store that is slow to answer.
constexpr const char* kSlowToken = "slow-token";
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

    // A handler that waits for the store, like message.send waiting for its commit.
    hub_.on("slow", [this](RealtimeConnection& conn, const boost::json::object&) {
      ++inside_slow_;
      gate_opened_.wait();
      conn.send(std::string(R"({"type":"slow.done"})"));
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
        [this](std::string_view token, std::string_view) -> Result<Subject> {
          Subject s;
          s.user_id = 42;
          if (token == kSlowToken) {
            ++inside_slow_;
            gate_opened_.wait();
            return s;
          }
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


}  // namespace
}  // namespace meridian::net
