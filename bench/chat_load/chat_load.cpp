// chat_load: a load generator of real WebSocket chat clients for Meridian (and for the
// minimal Node.js broadcast server in broadcast_server.mjs, which speaks the same subset).
//
// One io_context per thread; every client is a Boost.Beast WebSocket authenticated with
// `Authorization: Bearer <token>`. The clients come from a setup file written by setup.mjs
// (one line per client: `<token> <conversation_id>`). Every message text carries the send
// time (steady clock of this process, ns) and the sender's index, so a receiver measures
// send-to-deliver latency without any clock skew.
//
// Modes (one `CHAT_RESULT {json}` line on stdout, a human summary on stderr):
//   fanout   every client connected; --rate messages/s in total (a list such as 20,100 runs
//            one phase per rate on the same connections), round-robin over the
//            conversations, each from a random member; deliveries/s and latency percentiles
//            of the messages sent within the measured window.
//   peak     --senders members of each conversation send back to back (next message when
//            their previous one came back to them as message.new, --window in flight);
//            deliveries/s received within the window.
//   durable  every client sends back to back, next one on its message.ack (--window in
//            flight); acknowledged sends/s and ack latency.
//   history  no WebSocket: --threads keep-alive HTTP connections each GET
//            /api/v1/conversations/{id}/messages?before=<random>&limit=50 --requests times;
//            latency percentiles.
//
//   chat_load --mode fanout --host 127.0.0.1 --port 8080 --setup clients.txt
//             [--threads 2] [--rate 100] [--warmup 3] [--duration 10] [--pid SERVER_PID [--settle-max 90]]
// With --pid: the server's VmRSS before and after connecting (memory per client), and the
// run starts only once the server has gone quiet (under 5 % of a core over a second), and
// the server's CPU time within the measured window (server_cpu_us_per_delivery; all modes).
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <future>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <unistd.h>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;
const Clock::time_point kBase = Clock::now();

std::int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - kBase).count(); }

struct Options {
  std::string mode = "fanout";
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string setup;
  std::string token;  // history mode
  std::int64_t conversation = 0;
  int threads = 2;
  std::vector<double> rates{100};  // fanout: messages/s, one phase each
  double warmup = 3;
  double duration = 10;
  double drain = 2;
  int senders = 10;
  int window = 1;
  int requests = 2000;
  std::int64_t max_seq = 0;
  int pid = 0;
  double settle_max = 90;  // seconds to wait for the server to go quiet after connecting
  int handshakes = 64;     // in flight per thread
  int sources = 50;        // loopback source addresses 127.0.0.2..
};

long rss_kib(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

// CPU seconds (user + system) the process has used so far; -1 when unknown.
double cpu_seconds(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  // Fields after the name start at 3 (state); utime and stime are 14 and 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The 1, 5 and 15 minute load averages, as "a b c".
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  std::size_t count = 0;
};

// Samples are microseconds.
Percentiles percentiles(std::vector<std::uint32_t>& v) {
  Percentiles p;
  p.count = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
    return static_cast<double>(v[i]) / 1000.0;
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = static_cast<double>(v.back()) / 1000.0;
  return p;
}

// The measured window and the run's shared counters.
struct Run {
  std::atomic<std::int64_t> start_ns{INT64_MAX};
  std::atomic<std::int64_t> end_ns{INT64_MAX};
  std::atomic<std::int64_t> collect_until_ns{INT64_MAX};
  std::atomic<bool> sending{false};
  std::atomic<int> connected{0};
  std::atomic<int> failed{0};
  std::atomic<int> closed{0};
  std::atomic<std::int64_t> sent_in_window{0};
  std::mutex error_mutex;
  std::string first_error;
  std::atomic<long> errors{0};
  std::string nonce;
};

class Conn;

// One thread, one io_context, and the statistics only that thread touches.
struct Worker {
  asio::io_context ioc{1};
  std::vector<std::shared_ptr<Conn>> to_connect;
  std::size_t next_connect = 0;
  std::vector<std::uint32_t> latencies_us;
  std::int64_t deliveries = 0;  // counted per mode (see Conn::on_new)
  std::int64_t acks = 0;
  std::thread thread;
};

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(Worker& w, Run& run, const Options& opt, int index, std::string token, std::int64_t conversation)
      : w_(w),
        run_(run),
        opt_(opt),
        index_(index),
        token_(std::move(token)),
        conversation_(conversation),
        ws_(asio::make_strand(w.ioc)) {}

  int index() const { return index_; }
  std::int64_t conversation() const { return conversation_; }
  bool open() const { return open_; }
  bool self_paced = false;  // peak/durable: sends the next one itself

  void start(std::function<void()> done) {
    done_ = std::move(done);
    auto& sock = beast::get_lowest_layer(ws_).socket();
    beast::error_code ec;
    sock.open(tcp::v4(), ec);
    if (!ec && opt_.sources > 0) {
      auto src = asio::ip::address_v4(0x7f000002u + static_cast<unsigned>(index_ % opt_.sources));
      sock.bind(tcp::endpoint(src, 0), ec);
    }
    if (ec) return fail("socket", ec);
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(60));
    tcp::endpoint ep(asio::ip::make_address(opt_.host), opt_.port);
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this()](beast::error_code e) {
      if (e) return self->fail("connect", e);
      self->handshake();
    });
  }

  // Thread-safe: queues a message.send on this connection's strand.
  void post_send() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->send_one(); });
  }

  void send_one() {
    if (!open_) return;
    std::int64_t t = now_ns();
    if (t >= run_.start_ns.load(std::memory_order_relaxed) && t < run_.end_ns.load(std::memory_order_relaxed))
      run_.sent_in_window.fetch_add(1, std::memory_order_relaxed);
    ++sent_;
    std::string msg;
    msg.reserve(160);
    msg += R"({"type":"message.send","conversation_id":)";
    msg += std::to_string(conversation_);
    msg += R"(,"client_id":"b)";
    msg += run_.nonce;
    msg += '-';
    msg += std::to_string(index_);
    msg += '-';
    msg += std::to_string(sent_);
    msg += R"(","text":"bench t=)";
    msg += std::to_string(t);
    msg += " s=";
    msg += std::to_string(index_);
    msg += R"( padding to a plausible chat line length"})";
    queue_.push_back(std::move(msg));
    if (!writing_) write_next();
  }

 private:
  void handshake() {
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t = websocket::stream_base::timeout::suggested(beast::role_type::client);
    t.handshake_timeout = std::chrono::seconds(60);
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
        [token = token_](websocket::request_type& req) { req.set(http::field::authorization, "Bearer " + token); }));
    ws_.read_message_max(1 << 20);
    ws_.async_handshake(opt_.host + ":" + std::to_string(opt_.port), "/ws",
                        [self = shared_from_this()](beast::error_code e) {
                          if (e) return self->fail("handshake", e);
                          self->open_ = true;
                          self->run_.connected.fetch_add(1);
                          self->finish_start();
                          self->read();
                        });
  }

  void finish_start() {
    if (done_) {
      auto d = std::move(done_);
      done_ = nullptr;
      d();
    }
  }

  void fail(const char* what, beast::error_code ec) {
    bool was_open = open_;
    open_ = false;
    if (was_open) {
      run_.closed.fetch_add(1);
    } else {
      run_.failed.fetch_add(1);
    }
    note_error(std::string(what) + ": " + ec.message());
    finish_start();
  }

  void note_error(const std::string& e) {
    run_.errors.fetch_add(1);
    std::lock_guard lock(run_.error_mutex);
    if (run_.first_error.empty()) run_.first_error = e;
  }

  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code e, std::size_t) {
      if (e) return self->fail("read", e);
      auto data = self->buf_.cdata();
      self->on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  static std::int64_t number_after(std::string_view s, std::string_view key) {
    auto p = s.find(key);
    if (p == std::string_view::npos) return -1;
    p += key.size();
    std::int64_t v = 0;
    bool any = false;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      v = v * 10 + (s[p] - '0');
      ++p;
      any = true;
    }
    return any ? v : -1;
  }

  void on_message(std::string_view s) {
    std::int64_t now = now_ns();
    if (s.find(R"("type":"message.new")") != std::string_view::npos) {
      std::int64_t t = number_after(s, "bench t=");
      std::int64_t from = number_after(s, " s=");
      if (t < 0) return;
      std::int64_t start = run_.start_ns.load(std::memory_order_relaxed);
      std::int64_t end = run_.end_ns.load(std::memory_order_relaxed);
      if (opt_.mode == "fanout") {
        // Messages sent within the window, whenever they arrive (until collection stops).
        if (t >= start && t < end && now < run_.collect_until_ns.load(std::memory_order_relaxed)) {
          ++w_.deliveries;
          w_.latencies_us.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>((now - t) / 1000, UINT32_MAX)));
        }
      } else if (opt_.mode == "peak") {
        // Deliveries received within the window.
        if (now >= start && now < end) {
          ++w_.deliveries;
          if (w_.latencies_us.size() < 2'000'000)
            w_.latencies_us.push_back(static_cast<std::uint32_t>((now - t) / 1000));
        }
        if (self_paced && from == index_ && run_.sending.load(std::memory_order_relaxed)) send_one();
      }
    } else if (s.find(R"("type":"message.ack")") != std::string_view::npos) {
      if (opt_.mode == "durable") {
        std::int64_t t = number_after(s, "bench t=");
        if (now >= run_.start_ns.load(std::memory_order_relaxed) && now < run_.end_ns.load(std::memory_order_relaxed)) {
          ++w_.acks;
          if (t >= 0) w_.latencies_us.push_back(static_cast<std::uint32_t>((now - t) / 1000));
        }
        if (self_paced && run_.sending.load(std::memory_order_relaxed)) send_one();
      }
    } else if (s.find(R"("type":"error")") != std::string_view::npos) {
      note_error(std::string(s.substr(0, 300)));
      // Keep a paced sender going after a refusal.
      if (self_paced && run_.sending.load(std::memory_order_relaxed)) send_one();
    }
  }

  void write_next() {
    if (queue_.empty() || !open_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code e, std::size_t) {
      if (e) return self->fail("write", e);
      self->queue_.pop_front();
      self->write_next();
    });
  }

  Worker& w_;
  Run& run_;
  const Options& opt_;
  int index_;
  std::string token_;
  std::int64_t conversation_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buf_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool open_ = false;
  std::uint64_t sent_ = 0;
  std::function<void()> done_;
};

// Keeps opt.handshakes connection attempts in flight on this worker's thread.
void connect_next(Worker& w) {
  if (w.next_connect >= w.to_connect.size()) return;
  auto c = w.to_connect[w.next_connect++];
  c->start([&w] { asio::post(w.ioc, [&w] { connect_next(w); }); });
}

void sleep_s(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

std::string fmt(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string percentile_json(const std::string& prefix, const Percentiles& p) {
  return "\"" + prefix + "p50_ms\":" + fmt(p.p50) + ",\"" + prefix + "p90_ms\":" + fmt(p.p90) + ",\"" + prefix +
         "p99_ms\":" + fmt(p.p99) + ",\"" + prefix + "max_ms\":" + fmt(p.max);
}

int run_history(const Options& opt) {
  std::vector<std::vector<std::uint32_t>> lat(static_cast<std::size_t>(opt.threads));
  std::atomic<long> errors{0}, bad_pages{0};
  std::string first_error;
  std::mutex m;
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int i = 0; i < opt.threads; ++i) {
    ts.emplace_back([&, i] {
      try {
        asio::io_context ioc;
        beast::tcp_stream stream(ioc);
        stream.connect(tcp::endpoint(asio::ip::make_address(opt.host), opt.port));
        std::mt19937_64 rng(static_cast<std::uint64_t>(i) * 7919 + 1);
        std::uniform_int_distribution<std::int64_t> before(51, std::max<std::int64_t>(opt.max_seq, 52));
        beast::flat_buffer buf;
        for (int n = 0; n < opt.requests; ++n) {
          std::string target = "/api/v1/conversations/" + std::to_string(opt.conversation) +
                               "/messages?before=" + std::to_string(before(rng)) + "&limit=50";
          http::request<http::empty_body> req(http::verb::get, target, 11);
          req.set(http::field::host, opt.host);
          req.set(http::field::authorization, "Bearer " + opt.token);
          req.keep_alive(true);
          auto s = Clock::now();
          http::write(stream, req);
          http::response<http::string_body> res;
          http::read(stream, buf, res);
          auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - s).count();
          lat[static_cast<std::size_t>(i)].push_back(static_cast<std::uint32_t>(us));
          if (res.result() != http::status::ok) {
            errors.fetch_add(1);
            std::lock_guard lock(m);
            if (first_error.empty()) first_error = std::to_string(res.result_int()) + " " + res.body().substr(0, 200);
          } else {
            // A full page has 50 messages: count the "client_id" keys.
            std::size_t k = 0, p = 0;
            while ((p = res.body().find("\"client_id\"", p)) != std::string::npos) ++k, ++p;
            if (k != 50) bad_pages.fetch_add(1);
          }
          if (!res.keep_alive()) {
            errors.fetch_add(1);
            break;
          }
        }
      } catch (const std::exception& e) {
        errors.fetch_add(1);
        std::lock_guard lock(m);
        if (first_error.empty()) first_error = e.what();
      }
    });
  }
  for (auto& t : ts) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<std::uint32_t> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  Percentiles p = percentiles(all);
  std::fprintf(stderr,
               "history: %zu requests in %.1f s over %d connections: p50 %.2f ms, p99 %.2f ms, max %.2f ms, %ld "
               "errors, %ld short pages\n",
               p.count, secs, opt.threads, p.p50, p.p99, p.max, errors.load(), bad_pages.load());
  std::printf(
      "CHAT_RESULT "
      "{\"mode\":\"history\",\"requests\":%zu,\"connections\":%d,\"seconds\":%s,\"req_per_s\":%s,%s,\"errors\":%ld,"
      "\"short_pages\":%ld,\"first_error\":\"%s\"}\n",
      p.count, opt.threads, fmt(secs).c_str(), fmt(static_cast<double>(p.count) / secs).c_str(),
      percentile_json("", p).c_str(), errors.load(), bad_pages.load(), first_error.empty() ? "" : "see stderr");
  if (!first_error.empty()) std::fprintf(stderr, "first error: %s\n", first_error.c_str());
  std::fflush(stdout);
  return errors.load() == 0 ? 0 : 1;
}

int run_ws(const Options& opt) {
  Run run;
  {
    std::random_device rd;
    std::ostringstream o;
    o << std::hex << rd() << rd();
    run.nonce = o.str();
  }
  std::vector<std::pair<std::string, std::int64_t>> clients;
  {
    std::ifstream in(opt.setup);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", opt.setup.c_str());
      return 2;
    }
    std::string token;
    std::int64_t conv;
    while (in >> token >> conv) clients.emplace_back(token, conv);
  }
  if (clients.empty()) {
    std::fprintf(stderr, "no clients in %s\n", opt.setup.c_str());
    return 2;
  }
  const int n = static_cast<int>(clients.size());
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < opt.threads; ++i) workers.push_back(std::make_unique<Worker>());
  std::vector<std::shared_ptr<Conn>> conns;
  std::map<std::int64_t, std::vector<std::shared_ptr<Conn>>> by_conv;
  for (int i = 0; i < n; ++i) {
    Worker& w = *workers[static_cast<std::size_t>(i % opt.threads)];
    auto c = std::make_shared<Conn>(w, run, opt, i, clients[static_cast<std::size_t>(i)].first,
                                    clients[static_cast<std::size_t>(i)].second);
    w.to_connect.push_back(c);
    conns.push_back(c);
    by_conv[c->conversation()].push_back(c);
  }

  long rss_before = rss_kib(opt.pid);
  auto t_open = Clock::now();
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& w : workers) {
    guards.push_back(asio::make_work_guard(w->ioc));
    Worker* wp = w.get();
    for (int k = 0; k < opt.handshakes; ++k) asio::post(wp->ioc, [wp] { connect_next(*wp); });
    w->thread = std::thread([wp] { wp->ioc.run(); });
  }
  auto open_deadline = Clock::now() + std::chrono::seconds(180);
  while (run.connected.load() + run.failed.load() < n && Clock::now() < open_deadline) sleep_s(0.05);
  double open_secs = std::chrono::duration<double>(Clock::now() - t_open).count();
  std::fprintf(stderr, "%d of %d clients connected in %.1f s (%d failed) over %zu conversations\n",
               run.connected.load(), n, open_secs, run.failed.load(), by_conv.size());
  const long rss_open = rss_kib(opt.pid);
  // Let the server go quiet before measuring: with --pid, until it uses under 5 % of a core
  // over a second (connecting thousands of users sets off presence updates to everyone
  // online, which takes a while); otherwise 2 s.
  auto t_settle = Clock::now();
  if (opt.pid > 0) {
    double before = cpu_seconds(opt.pid);
    while (std::chrono::duration<double>(Clock::now() - t_settle).count() < opt.settle_max) {
      sleep_s(1);
      double now = cpu_seconds(opt.pid);
      if (now - before < 0.05) break;
      before = now;
    }
  } else {
    sleep_s(2);
  }
  double settle_secs = std::chrono::duration<double>(Clock::now() - t_settle).count();
  std::fprintf(stderr, "server quiet after %.1f s\n", settle_secs);
  long rss_connected = rss_kib(opt.pid);
  int connected_idle = run.connected.load() - run.closed.load();

  std::vector<std::shared_ptr<Conn>> paced;
  if (opt.mode == "peak") {
    for (auto& [conv, members] : by_conv)
      for (int k = 0; k < opt.senders && k < static_cast<int>(members.size()); ++k)
        paced.push_back(members[static_cast<std::size_t>(k)]);
  } else if (opt.mode == "durable") {
    paced = conns;
  }
  for (auto& c : paced) c->self_paced = true;

  std::int64_t members_total = 0;
  for (auto& [conv, members] : by_conv) members_total += static_cast<std::int64_t>(members.size());
  const double avg_members = static_cast<double>(members_total) / static_cast<double>(by_conv.size());
  const double kib_per_client =
      (rss_before > 0 && connected_idle > 0) ? static_cast<double>(rss_connected - rss_before) / connected_idle : -1;
  std::vector<std::int64_t> conv_ids;
  for (auto& [conv, members] : by_conv) conv_ids.push_back(conv);
  std::mt19937_64 rng(42);
  std::size_t rr = 0;

  // One phase per rate (fanout) or a single one (peak, durable), on the same connections.
  std::vector<double> rates = opt.mode == "fanout" ? opt.rates : std::vector<double>{0};
  for (double rate : rates) {
    double server_cpu = -1;  // CPU seconds the server used within the measured window
    std::int64_t t0 = now_ns();
    std::int64_t start = t0 + static_cast<std::int64_t>(opt.warmup * 1e9);
    std::int64_t end = start + static_cast<std::int64_t>(opt.duration * 1e9);
    run.sent_in_window = 0;
    run.start_ns = start;
    run.end_ns = end;
    run.collect_until_ns = end + static_cast<std::int64_t>(opt.drain * 1e9);
    run.sending = true;
    if (opt.mode == "fanout") {
      std::int64_t sent_total = 0;
      double cpu_start = -1;
      while (true) {
        std::int64_t now = now_ns();
        if (now >= start && cpu_start < 0 && opt.pid > 0) cpu_start = cpu_seconds(opt.pid);
        if (now >= end) break;
        auto due = static_cast<std::int64_t>(static_cast<double>(now - t0) * 1e-9 * rate);
        while (sent_total < due) {
          auto& members = by_conv[conv_ids[rr++ % conv_ids.size()]];
          auto& c = members[std::uniform_int_distribution<std::size_t>(0, members.size() - 1)(rng)];
          c->post_send();
          ++sent_total;
        }
        sleep_s(0.001);
      }
      if (cpu_start >= 0) server_cpu = cpu_seconds(opt.pid) - cpu_start;
      run.sending = false;
      sleep_s(opt.drain);
    } else {
      for (auto& c : paced)
        for (int k = 0; k < opt.window; ++k) c->post_send();
      sleep_s(opt.warmup);
      const double cpu_start = opt.pid > 0 ? cpu_seconds(opt.pid) : 0;
      sleep_s(opt.duration);
      if (opt.pid > 0) server_cpu = cpu_seconds(opt.pid) - cpu_start;
      run.sending = false;
      sleep_s(0.5);
    }
    long rss_after = rss_kib(opt.pid);
    // Each worker hands over (and resets) its statistics on its own thread.
    std::vector<std::uint32_t> lat;
    std::int64_t deliveries = 0, acks = 0;
    for (auto& w : workers) {
      std::promise<void> done;
      Worker* wp = w.get();
      asio::post(wp->ioc, [&, wp] {
        deliveries += wp->deliveries;
        acks += wp->acks;
        lat.insert(lat.end(), wp->latencies_us.begin(), wp->latencies_us.end());
        wp->deliveries = 0;
        wp->acks = 0;
        wp->latencies_us.clear();
        done.set_value();
      });
      done.get_future().wait();
    }
    Percentiles p = percentiles(lat);
    double secs = opt.duration;
    std::int64_t sent_window = run.sent_in_window.load();
    auto expected = static_cast<std::int64_t>(static_cast<double>(sent_window) * avg_members);

    std::fprintf(stderr,
                 "%s%s: %lld messages sent in the %.0f s window, %lld deliveries (%s/s, %lld expected), %lld acks "
                 "(%s/s); latency p50 %.2f ms p99 %.2f ms max %.2f ms; %ld errors, %d closed\n",
                 opt.mode.c_str(), opt.mode == "fanout" ? (" at " + fmt(rate) + " messages/s").c_str() : "",
                 static_cast<long long>(sent_window), secs, static_cast<long long>(deliveries),
                 fmt(static_cast<double>(deliveries) / secs).c_str(), static_cast<long long>(expected),
                 static_cast<long long>(acks), fmt(static_cast<double>(acks) / secs).c_str(), p.p50, p.p99, p.max,
                 run.errors.load(), run.closed.load());
    if (rss_before > 0)
      std::fprintf(stderr,
                   "server RSS: %ld KiB before, %ld KiB once all %d were open, %ld KiB quiet (%.1f KiB each), %ld KiB "
                   "after the run\n",
                   rss_before, rss_open, connected_idle, rss_connected, kib_per_client, rss_after);
    if (!run.first_error.empty()) std::fprintf(stderr, "first error: %s\n", run.first_error.c_str());
    std::printf(
        "CHAT_RESULT {\"mode\":\"%s\",\"clients\":%d,\"connected\":%d,\"failed\":%d,\"closed\":%d,\"conversations\":%"
        "zu,\"open_seconds\":%s,\"settle_seconds\":%s,\"threads\":%d,\"rate\":%s,\"senders\":%zu,\"window\":%d,"
        "\"seconds\":%s,\"sent\":%lld,\"deliveries\":%lld,\"expected_deliveries\":%lld,\"deliveries_per_s\":%s,"
        "\"acks\":%lld,\"acks_per_s\":%s,%s,\"samples\":%zu,\"errors\":%ld,\"rss_before_kib\":%ld,\"rss_open_kib\":%"
        "ld,\"rss_connected_kib\":%ld,\"rss_after_kib\":%ld,\"kib_per_client\":%s,\"server_cpu_s\":%s,"
        "\"server_cpu_us_per_delivery\":%s,\"load_average\":\"%s\"}\n",
        opt.mode.c_str(), n, run.connected.load(), run.failed.load(), run.closed.load(), by_conv.size(),
        fmt(open_secs).c_str(), fmt(settle_secs).c_str(), opt.threads, fmt(rate).c_str(), paced.size(), opt.window,
        fmt(secs).c_str(), static_cast<long long>(sent_window), static_cast<long long>(deliveries),
        static_cast<long long>(expected), fmt(static_cast<double>(deliveries) / secs).c_str(),
        static_cast<long long>(acks), fmt(static_cast<double>(acks) / secs).c_str(), percentile_json("", p).c_str(),
        p.count, run.errors.load(), rss_before, rss_open, rss_connected, rss_after, fmt(kib_per_client).c_str(),
        fmt(server_cpu).c_str(),
        fmt(server_cpu >= 0 && deliveries > 0 ? server_cpu * 1e6 / static_cast<double>(deliveries) : -1).c_str(),
        load_average().c_str());
    std::fflush(stdout);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  // Thousands of sockets: let the kernel close them rather than run close handshakes.
  std::_Exit(run.connected.load() > 0 ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--mode")
      opt.mode = next();
    else if (a == "--host")
      opt.host = next();
    else if (a == "--port")
      opt.port = static_cast<unsigned short>(std::stoi(next()));
    else if (a == "--setup")
      opt.setup = next();
    else if (a == "--token")
      opt.token = next();
    else if (a == "--conversation")
      opt.conversation = std::stoll(next());
    else if (a == "--threads")
      opt.threads = std::stoi(next());
    else if (a == "--rate") {
      opt.rates.clear();
      std::stringstream list(next());
      for (std::string r; std::getline(list, r, ',');) opt.rates.push_back(std::stod(r));
    } else if (a == "--warmup")
      opt.warmup = std::stod(next());
    else if (a == "--duration")
      opt.duration = std::stod(next());
    else if (a == "--drain")
      opt.drain = std::stod(next());
    else if (a == "--senders")
      opt.senders = std::stoi(next());
    else if (a == "--window")
      opt.window = std::stoi(next());
    else if (a == "--requests")
      opt.requests = std::stoi(next());
    else if (a == "--max-seq")
      opt.max_seq = std::stoll(next());
    else if (a == "--pid")
      opt.pid = std::stoi(next());
    else if (a == "--handshakes")
      opt.handshakes = std::stoi(next());
    else if (a == "--sources")
      opt.sources = std::stoi(next());
    else {
      std::fprintf(stderr, "unknown option %s (see the comment at the top of chat_load.cpp)\n", a.c_str());
      return 2;
    }
  }
  if (opt.port == 0 || opt.threads < 1) {
    std::fprintf(stderr, "usage: chat_load --mode fanout|peak|durable|history --port PORT [--setup FILE] ...\n");
    return 2;
  }
  if (opt.mode == "history") {
    if (opt.token.empty() || opt.conversation <= 0 || opt.max_seq <= 0) {
      std::fprintf(stderr, "history needs --token, --conversation and --max-seq\n");
      return 2;
    }
    return run_history(opt);
  }
  if (opt.mode != "fanout" && opt.mode != "peak" && opt.mode != "durable") {
    std::fprintf(stderr, "unknown mode %s\n", opt.mode.c_str());
    return 2;
  }
  if (opt.setup.empty()) {
    std::fprintf(stderr, "%s needs --setup FILE (written by setup.mjs)\n", opt.mode.c_str());
    return 2;
  }
  return run_ws(opt);
}
